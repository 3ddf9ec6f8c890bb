"""Activity pages: list, search and filters, the form with attendees and photos, photo pages, deletion."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import Member
from organizations.models import Activity, ActivityAttachment, ActivityKind, AttachmentKind, PartnerDepartment
from parkparty.core.services import save_record

from . import factories as f
from .queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:activity_list")
ADD = reverse("organizations:activity_add")
ATTENDEES = reverse("organizations:activity_attendees")


def url(view: str, activity, *args) -> str:
    return reverse(f"organizations:activity_{view}", args=[activity.pk, *args])


def image_bytes(image_format: str = "PNG", size=(800, 600), color=(200, 22, 29)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    return buffer.getvalue()


def png(name: str = "合影.png", size=(800, 600)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


def jpeg(name: str = "会场.jpg", size=(1024, 768)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG", size), content_type="image/jpeg")


def fake_image(name: str = "not-a-photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "这是一段文字，不是照片。".encode() * 20, content_type="image/jpeg")


def shows(page: str, activity: Activity) -> bool:
    """The list page links to the activity."""
    return f'href="{url("detail", activity)}"' in page


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def form_data(org, **changes) -> dict:
    data = {
        "organization": org.pk,
        "kind": ActivityKind.BRANCH_GENERAL_MEETING,
        "title": "第二季度支部党员大会",
        "held_on": "2024-06-20",
        "location": "企业党员活动室",
        "expected_attendance": "5",
        "actual_attendance": "",
        "summary": "学习党章，通报发展党员工作。",
    }
    data.update(changes)
    return data


def edit_data(activity: Activity, **changes) -> dict:
    data = form_data(
        activity.organization,
        kind=activity.kind,
        title=activity.title,
        held_on=activity.held_on.isoformat(),
        expected_attendance=activity.expected_attendance or "",
        actual_attendance=activity.actual_attendance or "",
        version=activity.version,
    )
    data.update(changes)
    return data


# --- list, search, filters -----------------------------------------------------------


def test_staff_list_shows_activities_of_own_and_sub_parks_with_numbers_right_aligned(client, world):
    client.force_login(world.staff_a)
    response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert shows(page, world.in_a[Activity])
    assert shows(page, world.in_a1[Activity])
    assert not shows(page, world.in_b[Activity])
    assert 'class="text-end num"' in page


def test_search_by_title_and_summary(client, world):
    visit = f.ActivityFactory(organization=world.in_a.organization, title="七一参观", summary="参观红色教育基地井冈山")
    client.force_login(world.staff_a)
    page = client.get(LIST, {"q": "井冈山"}).content.decode()
    assert shows(page, visit) and not shows(page, world.in_a[Activity])
    page = client.get(LIST, {"q": world.in_a[Activity].title}).content.decode()
    assert shows(page, world.in_a[Activity]) and not shows(page, visit)


def test_filters_by_kind_park_organization_and_year(client, world):
    lecture = f.ActivityFactory(
        organization=world.in_a.organization,
        kind=ActivityKind.PARTY_LECTURE,
        title="书记讲党课",
        held_on=datetime.date(2024, 5, 1),
    )
    client.force_login(world.staff_a)
    page = client.get(LIST, {"kind": ActivityKind.PARTY_LECTURE}).content.decode()
    assert shows(page, lecture) and not shows(page, world.in_a[Activity])
    page = client.get(LIST, {"park": world.sub_a1.pk}).content.decode()
    assert shows(page, world.in_a1[Activity]) and not shows(page, world.in_a[Activity])
    page = client.get(LIST, {"organization": world.other_in_a.organization.pk}).content.decode()
    assert shows(page, world.other_in_a[Activity]) and not shows(page, world.in_a[Activity])
    page = client.get(LIST, {"year": "2024"}).content.decode()
    assert shows(page, lecture) and not shows(page, world.in_a[Activity])


def test_filter_dropdowns_offer_only_records_in_scope(client, world):
    client.force_login(world.staff_a)
    page = client.get(LIST).content.decode()
    assert world.in_a.organization.name in page
    assert world.in_b.organization.name not in page
    assert world.zone_b.name not in page


def test_list_sorts_by_actual_attendance(client, world):
    f.ActivityFactory(organization=world.in_a.organization, title="人数最多的培训", actual_attendance=999)
    client.force_login(world.staff_a)
    page = client.get(LIST, {"sort": "-actual_attendance"}).content.decode()
    assert page.index("人数最多的培训") < page.index(world.in_a[Activity].title)


# --- who may see and write --------------------------------------------------------------


def test_staff_open_detail_add_and_edit_pages(client, world):
    client.force_login(world.staff_a)
    activity = world.in_a1[Activity]
    for address in (url("detail", activity), ADD, url("edit", activity), url("history", activity)):
        assert client.get(address).status_code == 200, address


def test_staff_of_other_park_gets_404_on_every_activity_page(client, world):
    client.force_login(world.staff_b)
    activity = world.in_a[Activity]
    photo = world.in_a[ActivityAttachment]
    for address in (
        url("detail", activity),
        url("edit", activity),
        url("delete", activity),
        url("history", activity),
        url("photo", activity, photo.pk),
        url("photo_thumbnail", activity, photo.pk),
    ):
        assert client.get(address).status_code == 404, address
    assert client.post(url("photos", activity), {"photos": png()}).status_code == 404
    assert ActivityAttachment.objects.filter(activity=activity).count() == 1


def test_county_reviewer_reads_but_gets_403_on_every_write(client, world):
    client.force_login(world.county)
    activity = world.in_a[Activity]
    assert client.get(LIST).status_code == 200
    assert client.get(url("detail", activity)).status_code == 200
    for address in (ADD, url("edit", activity), url("delete", activity)):
        assert client.get(address).status_code == 403, address
    assert client.post(ADD, form_data(world.in_a.organization)).status_code == 403
    assert client.post(url("delete", activity)).status_code == 403
    assert client.post(url("photos", activity), {"photos": png()}).status_code == 403
    photo = world.in_a[ActivityAttachment]
    assert client.post(url("photo_remove", activity, photo.pk)).status_code == 403
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert ActivityAttachment.objects.filter(pk=photo.pk).exists()


def test_detail_page_hides_write_buttons_from_county_reviewer(client, world):
    client.force_login(world.county)
    page = client.get(url("detail", world.in_a[Activity])).content.decode()
    assert url("edit", world.in_a[Activity]) not in page
    assert f'action="{url("photos", world.in_a[Activity])}"' not in page
    assert url("photo_remove", world.in_a[Activity], world.in_a[ActivityAttachment].pk) not in page


def test_secretary_sees_only_own_organization_and_is_offered_only_it(client, world):
    client.force_login(world.secretary_a)
    page = client.get(LIST).content.decode()
    assert shows(page, world.in_a[Activity])
    assert not shows(page, world.other_in_a[Activity])
    assert client.get(url("detail", world.other_in_a[Activity])).status_code == 404
    form_page = client.get(ADD).content.decode()
    assert world.in_a.organization.name in form_page
    assert world.other_in_a.organization.name not in form_page


def test_secretary_records_own_organization_life(client, world):
    client.force_login(world.secretary_a)
    response = client.post(ADD, form_data(world.in_a.organization, title="书记记录的支委会"))
    assert response.status_code == 302
    activity = Activity.objects.get(title="书记记录的支委会")
    assert activity.park == world.zone_a
    refused = client.post(ADD, form_data(world.other_in_a.organization, title="别的支部"))
    assert refused.status_code == 400
    assert not Activity.objects.filter(title="别的支部").exists()


def test_secretary_form_starts_with_their_organization_and_has_no_park(client, world):
    client.force_login(world.secretary_a)
    form = client.get(ADD).context["form"]
    assert form["organization"].value() == world.in_a.organization.pk
    assert "park" not in form.fields
    assert world.in_a[Member].name in str(form["attendees"])


def test_secretary_must_name_the_organization(client, world):
    client.force_login(world.secretary_a)
    response = client.post(
        ADD, form_data(world.in_a.organization, organization="", kind=ActivityKind.TRAINING, park=world.zone_a.pk)
    )
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors


# --- the form ---------------------------------------------------------------------


def test_staff_creates_activity_and_attendance_is_counted_from_attendees_picked(client, world):
    organization = world.in_a.organization
    second = f.MemberFactory(organization=organization, name="第二位党员")
    client.force_login(world.staff_a)
    data = form_data(organization, attendees=[world.in_a[Member].pk, second.pk])
    response = client.post(ADD, data)
    assert response.status_code == 302
    activity = Activity.objects.get(title=data["title"])
    assert response["Location"] == url("detail", activity)
    assert activity.actual_attendance == 2
    assert set(activity.attendees.all()) == {world.in_a[Member], second}
    assert activity.park == world.zone_a
    assert activity.history.filter(history_type="+").get().history_user == world.staff_a
    page = client.get(url("detail", activity)).content.decode()
    assert "第二位党员" in page
    history = client.get(url("history", activity)).content.decode()
    assert "第二位党员" in history and "HistoricalActivity" not in history


def test_explicit_person_times_above_attendees_are_kept(client, world):
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, attendees=[world.in_a[Member].pk], actual_attendance="12")
    assert client.post(ADD, data).status_code == 302
    assert Activity.objects.get(title=data["title"]).actual_attendance == 12


def test_attendance_below_attendees_picked_is_refused(client, world):
    second = f.MemberFactory(organization=world.in_a.organization)
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, attendees=[world.in_a[Member].pk, second.pk], actual_attendance="1")
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert "actual_attendance" in response.context["form"].errors
    assert not Activity.objects.filter(title=data["title"]).exists()


def test_member_of_another_organization_cannot_be_picked(client, world):
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, attendees=[world.other_in_a[Member].pk])
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert "attendees" in response.context["form"].errors


def test_former_members_are_not_offered_but_past_attendees_stay_ticked(client, world):
    activity = world.in_a[Activity]
    member = world.in_a[Member]
    activity.attendees.add(member)
    left = f.MemberFactory(organization=world.in_a.organization, name="已转出党员")
    Member.objects.filter(pk__in=[member.pk, left.pk]).update(
        ended_on=datetime.date(2024, 1, 1), end_reason="transferred_out"
    )
    client.force_login(world.staff_a)
    page = client.get(url("edit", activity)).content.decode()
    assert member.name in page and "checked" in page
    assert "已转出党员" not in page


def test_attendee_choices_follow_the_chosen_organization(client, world):
    client.force_login(world.staff_a)
    page = client.get(ATTENDEES, {"organization": world.other_in_a.organization.pk}).content.decode()
    assert world.other_in_a[Member].name in page
    assert world.in_a[Member].name not in page
    assert 'id="attendee-choices"' in page
    outside = client.get(ATTENDEES, {"organization": world.in_b.organization.pk}).content.decode()
    assert world.in_b[Member].name not in outside


def test_add_form_organization_select_asks_htmx_for_attendees(client, world):
    client.force_login(world.staff_a)
    page = client.get(ADD).content.decode()
    assert f'hx-get="{ATTENDEES}"' in page
    assert 'hx-target="#attendee-choices"' in page


def test_model_rules_show_on_the_form(client, world):
    client.force_login(world.staff_a)
    response = client.post(ADD, form_data(world.in_a.organization, kind=ActivityKind.JOINT_INSPECTION))
    assert response.status_code == 400
    assert "partner_department" in response.context["form"].errors
    response = client.post(
        ADD,
        form_data(
            world.in_a.organization,
            kind=ActivityKind.JOINT_INSPECTION,
            partner_department=PartnerDepartment.SAFETY,
            title="安全生产联合检查",
        ),
    )
    assert response.status_code == 302


def test_park_wide_training_without_organization_needs_the_park(client, world):
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, organization="", kind=ActivityKind.TRAINING, title="书记培训班")
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert "park" in response.context["form"].errors
    data["park"] = world.sub_a1.pk
    data["actual_attendance"] = "24"
    assert client.post(ADD, data).status_code == 302
    training = Activity.objects.get(title="书记培训班")
    assert training.park == world.sub_a1 and training.organization is None and training.actual_attendance == 24


def test_staff_edits_activity(client, world):
    activity = world.in_a[Activity]
    client.force_login(world.staff_a)
    response = client.post(url("edit", activity), edit_data(activity, title="改过的标题"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "改过的标题"


def test_stale_edit_is_refused_and_keeps_the_input(client, world):
    activity = world.in_a[Activity]
    client.force_login(world.staff_a)
    data = edit_data(activity, title="我的修改")
    activity.summary = "同事先改了"
    save_record(activity, user=world.admin, expected_version=activity.version)
    response = client.post(url("edit", activity), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "我的修改" in page
    assert response.context["form"].non_field_errors()
    activity.refresh_from_db()
    assert activity.title != "我的修改"


# --- photos -------------------------------------------------------------------------


def test_photos_uploaded_on_the_form_are_kept_with_thumbnails(client, world, tmp_path):
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, photos=[png(), jpeg()])
    assert client.post(ADD, data).status_code == 302
    activity = Activity.objects.get(title=data["title"])
    photos = list(activity.attachments.order_by("pk"))
    assert [p.kind for p in photos] == [AttachmentKind.PHOTO, AttachmentKind.PHOTO]
    assert [p.caption for p in photos] == ["合影", "会场"]
    for photo in photos:
        thumbnail = Path(photo.file.path).parent / "thumbs" / (Path(photo.file.name).name + ".jpg")
        assert thumbnail.exists()
        with Image.open(thumbnail) as image:
            assert image.format == "JPEG"
            assert max(image.size) == 320


def test_non_image_is_refused_with_a_message_and_nothing_is_saved(client, world, tmp_path):
    before = files_under(tmp_path)
    client.force_login(world.staff_a)
    data = form_data(world.in_a.organization, photos=[png(), fake_image()])
    response = client.post(ADD, data)
    assert response.status_code == 400
    errors = response.context["form"].errors["photos"]
    assert any("not-a-photo.jpg" in error for error in errors)
    assert not Activity.objects.filter(title=data["title"]).exists()
    assert files_under(tmp_path) == before


def test_photo_larger_than_10_mb_is_refused(client, world, tmp_path):
    before = files_under(tmp_path)
    big = SimpleUploadedFile("大照片.png", image_bytes() + b"\0" * (10 * 1024 * 1024), content_type="image/png")
    client.force_login(world.staff_a)
    activity = world.in_a[Activity]
    response = client.post(url("photos", activity), {"photos": big}, follow=True)
    page = response.content.decode()
    assert "大照片.png" in page and "10 MB" in page
    assert activity.attachments.count() == 1
    assert files_under(tmp_path) == before


def test_gif_is_refused_even_though_it_is_an_image(client, world):
    gif = SimpleUploadedFile("动图.gif", image_bytes("GIF"), content_type="image/gif")
    client.force_login(world.staff_a)
    activity = world.in_a[Activity]
    client.post(url("photos", activity), {"photos": gif})
    assert activity.attachments.count() == 1


def test_photos_uploaded_on_the_detail_page(client, world):
    activity = world.in_a[Activity]
    client.force_login(world.secretary_a)
    response = client.post(url("photos", activity), {"photos": [png("一.png"), jpeg("二.jpg")]}, follow=True)
    assert response.status_code == 200
    assert activity.attachments.filter(kind=AttachmentKind.PHOTO).count() == 3
    page = response.content.decode()
    new = activity.attachments.get(caption="一")
    assert url("photo_thumbnail", activity, new.pk) in page


def test_thumbnail_and_photo_are_served_within_scope(client, world):
    activity = world.in_a[Activity]
    client.force_login(world.staff_a)
    client.post(url("photos", activity), {"photos": jpeg()})
    photo = activity.attachments.get(caption="会场")
    thumbnail = client.get(url("photo_thumbnail", activity, photo.pk))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))) as image:
        assert image.size == (320, 240)
    original = client.get(url("photo", activity, photo.pk))
    assert original.status_code == 200
    with Image.open(io.BytesIO(b"".join(original.streaming_content))) as image:
        assert image.size == (1024, 768)
    client.force_login(world.secretary_a)
    assert client.get(url("photo_thumbnail", activity, photo.pk)).status_code == 200
    client.force_login(world.staff_b)
    assert client.get(url("photo_thumbnail", activity, photo.pk)).status_code == 404


def test_thumbnail_of_a_file_that_is_no_image_is_404(client, world):
    activity = world.in_a[Activity]
    broken = world.in_a[ActivityAttachment]  # the factory's bytes are not really a JPEG
    client.force_login(world.staff_a)
    assert client.get(url("photo_thumbnail", activity, broken.pk)).status_code == 404


def test_an_attachment_that_is_not_a_photo_type_is_downloaded_not_shown(client, world):
    activity = world.in_a[Activity]
    page = ActivityAttachment(activity=activity, kind=AttachmentKind.PHOTO)
    page.file.save("page.html", ContentFile(b"<script>alert(1)</script>"))
    client.force_login(world.staff_a)
    response = client.get(url("photo", activity, page.pk))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_photo_is_removed_and_the_removal_is_in_history(client, world):
    activity = world.in_a[Activity]
    photo = world.in_a[ActivityAttachment]
    client.force_login(world.staff_a)
    assert client.post(url("photo_remove", activity, photo.pk)).status_code == 302
    assert not ActivityAttachment.objects.filter(pk=photo.pk).exists()
    assert ActivityAttachment.history.get(id=photo.pk, history_type="-").history_user == world.staff_a


# --- deletion -----------------------------------------------------------------------


def test_delete_asks_for_confirmation_then_removes_and_keeps_history(client, world):
    activity = world.in_a[Activity]
    client.force_login(world.staff_a)
    confirm = client.get(url("delete", activity))
    assert confirm.status_code == 200
    assert activity.title in confirm.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = client.post(url("delete", activity), {"version": activity.version})
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Activity.objects.filter(pk=activity.pk).exists()
    deletion = Activity.history.get(id=activity.pk, history_type="-")
    assert deletion.history_user == world.staff_a
    assert deletion.title == activity.title


# --- queries do not grow with the data ------------------------------------------------


def test_list_page_queries_do_not_grow_with_activities(client, world):
    organization = world.in_a.organization
    client.force_login(world.staff_a)
    f.ActivityFactory.create_batch(3, organization=organization)
    client.get(LIST)
    few = count_queries(client, LIST)
    for activity in f.ActivityFactory.create_batch(195, organization=organization):
        ActivityAttachment.objects.create(activity=activity, file="activities/x.jpg")
    assert Activity.objects.for_user(world.user("staff_a")).count() > 200
    assert count_queries(client, LIST) == few
    assert count_queries(client, LIST + "?sort=-photo_count&year=2023") == count_queries(client, LIST + "?year=2023")


def test_detail_page_queries_do_not_grow_with_attendees_and_photos(client, world):
    organization = world.in_a.organization
    activity = world.in_a[Activity]
    client.force_login(world.staff_a)
    members = f.MemberFactory.create_batch(5, organization=organization)
    activity.attendees.add(*members)
    address = url("detail", activity)
    client.get(address)
    few = count_queries(client, address)
    activity.attendees.add(*f.MemberFactory.create_batch(195, organization=organization))
    ActivityAttachment.objects.bulk_create(
        [ActivityAttachment(activity=activity, file=f"activities/p{n}.jpg") for n in range(200)]
    )
    assert count_queries(client, address) == few
