"""Workbench pages of Party members: roster, masking, reveal, scoping, the grouped form and the actions."""

import datetime
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from members.models import (
    Commendation,
    CommendationKind,
    DuesPayment,
    EndReason,
    EventKind,
    Gender,
    Member,
    MemberCategory,
    MembershipEvent,
)
from parkparty.core.services import save_record

from . import factories as f
from .personas import signed_in
from .queries import count_queries

#: Factories number people born from 1990 on: fixed numbers here never meet theirs.
BORN = datetime.date(1985, 5, 5)
ID_NUMBER = f.make_resident_id(777, born=BORN)  # male (odd sequence digit)
PHONE = "13812345678"


@pytest.fixture
def member(world):
    """A member of park A's organization with a known ID number and phone."""
    return f.MemberFactory(
        organization=world.in_a.organization,
        name="王建国",
        id_number=ID_NUMBER,
        phone=PHONE,
        joined_on=datetime.date(2015, 7, 1),
    )


def url(view, *args):
    return reverse(f"members:member_{view}", args=args)


def member_data(organization, **changes) -> dict:
    data = {
        "name": "赵新党",
        "id_number": f.make_resident_id(778, born=BORN),
        "gender": "",
        "ethnicity": "汉族",
        "education": "",
        "phone": "13900001111",
        "organization": organization.pk,
        "category": MemberCategory.FULL,
        "joined_on": "2016-07-01",
        "full_on": "2017-07-01",
        "transferred_in_on": "",
        "enterprise": "",
        "status": "normal",
        "notes": "",
    }
    data.update(changes)
    return data


def edit_data(member: Member, **changes) -> dict:
    data = member_data(
        member.organization,
        name=member.name,
        id_number=member.id_number,
        gender=member.gender,
        phone=member.phone,
        category=member.category,
        joined_on=member.joined_on.isoformat(),
        full_on=member.full_on.isoformat() if member.full_on else "",
        version=member.version,
    )
    data.update(changes)
    return data


def listed_names(response) -> set[str]:
    return {row["object"].name for row in response.context["rows"]}


def in_chinese(message: str, **params) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message) % params


# Lists: masking, scope, search, filters ----------------------------------------


@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a", "admin"])
def test_list_masks_id_number_and_phone_for_every_role(client, world, member, persona):
    response = signed_in(client, world, persona).get(url("list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "王建国" in html
    assert f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}" in html
    assert "138****5678" in html
    assert ID_NUMBER not in html
    assert PHONE not in html


def test_staff_list_shows_members_of_their_park_and_sub_parks_only(client, world):
    response = signed_in(client, world, "staff_a").get(url("list"))
    names = listed_names(response)
    assert world.in_a[Member].name in names
    assert world.in_a1[Member].name in names
    assert world.other_in_a[Member].name in names
    assert world.in_b[Member].name not in names


def test_secretary_sees_only_their_organization_members(client, world):
    response = signed_in(client, world, "secretary_a").get(url("list"))
    assert listed_names(response) == {world.in_a[Member].name}


def test_secretary_cannot_open_another_organization_member(client, world):
    client = signed_in(client, world, "secretary_a")
    neighbour = world.other_in_a[Member]
    assert client.get(url("detail", neighbour.pk)).status_code == 404
    assert client.get(url("edit", neighbour.pk)).status_code == 404
    assert client.get(url("detail", world.in_a[Member].pk)).status_code == 200


def test_search_by_full_id_number_finds_the_member(client, world, member):
    response = signed_in(client, world, "staff_a").get(url("list"), {"q": ID_NUMBER})
    assert listed_names(response) == {"王建国"}


def test_search_by_part_of_an_id_number_or_phone_finds_nobody(client, world, member):
    """The hidden middle digits cannot be read back by trying numbers in the search box."""
    client = signed_in(client, world, "county")
    assert listed_names(client.get(url("list"), {"q": ID_NUMBER[6:14]})) == set()
    assert listed_names(client.get(url("list"), {"q": PHONE[3:7]})) == set()


def test_search_by_full_phone_and_by_part_of_the_name(client, world, member):
    client = signed_in(client, world, "staff_a")
    assert listed_names(client.get(url("list"), {"q": PHONE})) == {"王建国"}
    assert listed_names(client.get(url("list"), {"q": "建国"})) == {"王建国"}


def test_filters_by_category_and_park(client, world, member):
    probationary = f.MemberFactory(organization=world.in_a1.organization, probationary=True)
    client = signed_in(client, world, "staff_a")
    response = client.get(url("list"), {"category": MemberCategory.PROBATIONARY})
    assert listed_names(response) == {probationary.name}
    response = client.get(url("list"), {"park": world.sub_a1.pk})
    assert listed_names(response) == {probationary.name, world.in_a1[Member].name}


def test_filter_dropdowns_offer_only_records_in_scope(client, world):
    response = signed_in(client, world, "staff_b").get(url("list"))
    organizations = response.context["filter_form"].fields["organization"].queryset
    assert set(organizations) == {world.in_b.organization}


# Detail and reveal ------------------------------------------------------------------


def test_detail_shows_masked_values_with_reveal_links_for_staff(client, world, member):
    response = signed_in(client, world, "staff_a").get(url("detail", member.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert ID_NUMBER not in html
    assert PHONE not in html
    assert f"{url('reveal', member.pk)}?field=id_number" in html
    assert f"{url('reveal', member.pk)}?field=phone" in html


def test_staff_reveal_the_full_id_number_and_phone(client, world, member):
    client = signed_in(client, world, "staff_a")
    assert client.post(url("reveal", member.pk), {"field": "id_number"}).content.decode() == ID_NUMBER
    assert client.post(url("reveal", member.pk), {"field": "phone"}).content.decode() == PHONE


def test_county_reviewer_sees_no_reveal_link_and_is_refused(client, world, member):
    client = signed_in(client, world, "county")
    detail = client.get(url("detail", member.pk)).content.decode()
    assert url("reveal", member.pk) not in detail
    assert ID_NUMBER not in detail
    assert client.post(url("reveal", member.pk), {"field": "id_number"}).status_code == 403


def test_reveal_of_a_field_that_is_not_masked_is_refused(client, world, member):
    response = signed_in(client, world, "staff_a").post(url("reveal", member.pk), {"field": "notes"})
    assert response.status_code == 403


@pytest.mark.parametrize("view", ["detail", "edit", "reveal", "history", "end"])
def test_staff_of_other_park_gets_404(client, world, member, view):
    client = signed_in(client, world, "staff_b")
    send = client.post if view == "reveal" else client.get  # a reveal is a POST
    response = send(url(view, member.pk), {"field": "id_number"})
    assert response.status_code == 404


def test_detail_panels_show_events_development_activities_posts_commendations_and_this_years_dues(client, world):
    member = world.in_a[Member]
    organization = world.in_a.organization
    this_year = timezone.localdate().year
    activity = f.ActivityFactory(organization=organization, title="学习二十大精神")
    activity.attendees.add(member)
    f.PioneerPostFactory(member=member, title="技术攻关先锋岗")
    Commendation.objects.create(
        kind=CommendationKind.OUTSTANDING_MEMBER,
        year=2024,
        organization=organization,
        member=member,
        conferred_by="县委",
    )
    f.DuesPaymentFactory(member=member, month=datetime.date(this_year, 1, 1), amount_due=30, amount_paid=12)
    f.DuesPaymentFactory(member=member, month=datetime.date(this_year - 1, 1, 1), amount_due=99, amount_paid=0)
    applicant = f.ApplicantFactory(organization=organization, candidate=True, member=member)

    response = signed_in(client, world, "staff_a").get(url("detail", member.pk))
    html = response.content.decode()
    events, development, activities, posts, commendations, dues = response.context["panels"]
    assert len(events.rows) == 1
    assert [len(p.rows) for p in (activities, posts, commendations)] == [1, 2, 2]  # the bundle has one of each
    assert "学习二十大精神" in html
    assert "技术攻关先锋岗" in html
    assert "县委" in html
    assert [[c["value"] for c in row["cells"]][:4] for row in dues.rows] == [[f"{this_year}-01", "30", "12", "18"]]
    assert development.rows[0]["cells"][1]["value"] == "2021-03-01"
    assert development.rows[0]["url"] == applicant.get_absolute_url()


# Writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("view", "method"), [("add", "get"), ("add", "post"), ("edit", "get"), ("edit", "post")])
def test_county_reviewer_gets_403_on_member_writes(client, world, member, view, method):
    client = signed_in(client, world, "county")
    target = url(view) if view == "add" else url(view, member.pk)
    response = getattr(client, method)(target, member_data(world.in_a.organization) if method == "post" else None)
    assert response.status_code == 403
    assert not Member.objects.filter(name="赵新党").exists()


@pytest.mark.parametrize("action", ["end", "confirm_full"])
def test_county_reviewer_gets_403_on_member_actions(client, world, action):
    member = f.MemberFactory(organization=world.in_a.organization, probationary=True)
    client = signed_in(client, world, "county")
    assert client.get(url(action, member.pk)).status_code == 403
    response = client.post(url(action, member.pk), {"on": "2023-08-01", "reason": EndReason.DECEASED})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.ended_on is None
    assert member.category == MemberCategory.PROBATIONARY


def test_members_are_never_deleted_there_is_no_delete_page(world, member):
    with pytest.raises(NoReverseMatch):
        url("delete", member.pk)


def test_add_form_offers_only_organizations_and_enterprises_in_scope(client, world):
    form = signed_in(client, world, "staff_a1").get(url("add")).context["form"]
    assert set(form.fields["organization"].queryset) == {world.in_a1.organization}
    assert set(form.fields["enterprise"].queryset) == {world.in_a1[Member].enterprise}


def test_edit_form_does_not_edit_the_end_of_a_membership(client, world, member):
    form = signed_in(client, world, "staff_a").get(url("edit", member.pk)).context["form"]
    assert not {"ended_on", "end_reason", "end_note"} & set(form.fields)
    client.post(url("edit", member.pk), edit_data(member, ended_on="2023-01-01", end_reason=EndReason.DECEASED))
    member.refresh_from_db()
    assert member.ended_on is None


def test_staff_create_a_member_with_admission_event_gender_from_id_and_history(client, world):
    client = signed_in(client, world, "staff_a")
    response = client.post(url("add"), member_data(world.in_a.organization))
    created = Member.objects.get(name="赵新党")
    assert response.status_code == 302
    assert response.url == url("detail", created.pk)
    assert created.gender == Gender.FEMALE  # the 17th digit of 778 is even
    event = created.events.get()
    assert (event.kind, event.date) == (EventKind.ADMITTED, datetime.date(2016, 7, 1))
    assert created.history.get().history_user == world.staff_a
    history = client.get(url("history", created.pk)).content.decode()
    assert "张甲" in history


def test_create_of_a_transferred_member_records_the_transfer_in(client, world):
    client = signed_in(client, world, "staff_a")
    data = member_data(
        world.in_a.organization, transferred_in_on="2020-03-01", whole_organization="on", counterpart="外县某党支部"
    )
    assert client.post(url("add"), data).status_code == 302
    event = Member.objects.get(name="赵新党").events.get()
    assert (event.kind, event.whole_organization, event.counterpart) == (EventKind.TRANSFERRED_IN, True, "外县某党支部")


def test_whole_organization_flag_needs_a_transfer_in(client, world):
    data = member_data(world.in_a.organization, whole_organization="on")
    response = signed_in(client, world, "staff_a").post(url("add"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["whole_organization"]
    assert not Member.objects.filter(name="赵新党").exists()


def test_create_with_invalid_id_number_shows_the_error_inline(client, world):
    data = member_data(world.in_a.organization, id_number=ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1"))
    response = signed_in(client, world, "staff_a").post(url("add"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]
    assert 'class="invalid-feedback d-block"' in response.content.decode()


def test_staff_edit_a_member_and_history_names_them(client, world, member):
    client = signed_in(client, world, "staff_a")
    response = client.post(url("edit", member.pk), edit_data(member, name="王建军", phone="13900002222"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.phone, member.version) == ("王建军", "13900002222", 2)
    assert member.history.latest().history_user == world.staff_a
    history = client.get(url("history", member.pk)).content.decode()
    assert "王建国 → 王建军" in history
    assert "139****2222" in history
    assert "13900002222" not in history


def test_stale_edit_is_refused_and_the_input_is_kept(client, world, member):
    opened_version = member.version
    member.notes = "同事先改过"
    save_record(member, user=world.staff_a, expected_version=member.version)
    response = signed_in(client, world, "staff_a").post(
        url("edit", member.pk), edit_data(member, name="王卫国", version=opened_version)
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "张甲" in html  # who changed it
    assert 'value="王卫国"' in html
    member.refresh_from_db()
    assert member.name == "王建国"


def test_probationary_member_category_is_not_edited_in_the_form(client, world):
    member = f.MemberFactory(organization=world.in_a.organization, probationary=True)
    client = signed_in(client, world, "staff_a")
    client.post(url("edit", member.pk), edit_data(member, category=MemberCategory.FULL, full_on="2023-07-01"))
    member.refresh_from_db()
    assert member.category == MemberCategory.PROBATIONARY
    assert member.full_on is None


# Ending a membership and confirming full membership -------------------------------------


def test_end_membership_keeps_the_record_creates_the_event_and_moves_it_to_ended(client, world, member):
    client = signed_in(client, world, "staff_a")
    response = client.post(
        url("end", member.pk),
        {
            "reason": EndReason.TRANSFERRED_OUT,
            "on": "2024-05-06",
            "whole_organization": "",
            "counterpart": "邻县某党支部",
            "note": "工作调动",
            "version": member.version,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.ended_on, member.end_reason, member.end_note) == (
        datetime.date(2024, 5, 6),
        EndReason.TRANSFERRED_OUT,
        "工作调动",
    )
    event = MembershipEvent.objects.get(member=member, kind=EventKind.TRANSFERRED_OUT)
    assert (event.date, event.counterpart) == (datetime.date(2024, 5, 6), "邻县某党支部")
    assert "王建国" not in listed_names(client.get(url("list")))
    assert "王建国" not in listed_names(client.get(url("list"), {"q": "王"}))
    assert listed_names(client.get(url("list"), {"membership": "ended"})) == {"王建国"}
    assert "王建国" in listed_names(client.get(url("list"), {"membership": "all"}))
    detail = client.get(url("detail", member.pk))
    assert detail.status_code == 200
    assert url("end", member.pk) not in [a["url"] for a in detail.context["actions"]]


def test_end_membership_before_joining_shows_the_error_on_the_date(client, world, member):
    response = signed_in(client, world, "staff_a").post(
        url("end", member.pk), {"reason": EndReason.DECEASED, "on": "2010-01-01", "version": member.version}
    )
    assert response.status_code == 400
    message = in_chinese("The membership cannot end before the member joined.")
    assert response.context["form"].errors["on"] == [message]
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.ended_on is None


def test_whole_organization_flag_on_ending_needs_a_transfer_out(client, world, member):
    response = signed_in(client, world, "staff_a").post(
        url("end", member.pk), {"reason": EndReason.DECEASED, "on": "2024-01-01", "whole_organization": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["whole_organization"]


def test_ending_an_ended_membership_is_not_offered(client, world, member):
    member.ended_on, member.end_reason = datetime.date(2024, 1, 1), EndReason.DECEASED
    member.save()
    response = signed_in(client, world, "staff_a").post(
        url("end", member.pk), {"reason": EndReason.DECEASED, "on": "2024-02-01"}
    )
    assert response.status_code == 404


def test_confirm_full_membership(client, world):
    member = f.MemberFactory(organization=world.in_a.organization, probationary=True)
    client = signed_in(client, world, "staff_a")
    detail = client.get(url("detail", member.pk))
    assert url("confirm_full", member.pk) in [a["url"] for a in detail.context["actions"]]
    response = client.post(url("confirm_full", member.pk), {"on": "2023-07-01", "version": member.version})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.category, member.full_on) == (MemberCategory.FULL, datetime.date(2023, 7, 1))
    assert member.events.filter(kind=EventKind.CONFIRMED_FULL, date=datetime.date(2023, 7, 1)).exists()


def test_confirm_full_before_a_year_of_probation_shows_the_error_on_the_date(client, world):
    member = f.MemberFactory(organization=world.in_a.organization, probationary=True)
    response = signed_in(client, world, "staff_a").post(
        url("confirm_full", member.pk), {"on": "2023-01-01", "version": member.version}
    )
    assert response.status_code == 400
    message = in_chinese("Full membership comes at least one year after joining (the probation period).")
    assert response.context["form"].errors["on"] == [message]
    assert message in response.content.decode()


def test_confirm_full_is_not_offered_for_a_full_member(client, world, member):
    client = signed_in(client, world, "staff_a")
    detail = client.get(url("detail", member.pk))
    assert url("confirm_full", member.pk) not in [a["url"] for a in detail.context["actions"]]
    assert client.post(url("confirm_full", member.pk), {"on": "2023-07-01"}).status_code == 404


def test_future_dates_are_refused_on_actions(client, world, member):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = signed_in(client, world, "staff_a").post(
        url("end", member.pk), {"reason": EndReason.DECEASED, "on": tomorrow.isoformat()}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["on"]


# Queries do not grow with the data ---------------------------------------------------------


def add_members(world, n):
    organization = world.in_a.organization
    enterprise = world.in_a[Member].enterprise
    for _ in range(n):
        f.MemberFactory(organization=organization, enterprise=enterprise, phone="13700000000")


def add_member_records(member, n, start):
    for i in range(start, start + n):
        f.MembershipEventFactory(member=member, kind=EventKind.TRANSFERRED_IN, date=datetime.date(2016, 1, 1))
        activity = f.ActivityFactory(organization=member.organization)
        activity.attendees.add(member)
        f.PioneerPostFactory(member=member)
        Commendation.objects.create(
            kind=CommendationKind.OUTSTANDING_MEMBER, year=2000 + i, organization=member.organization, member=member
        )
        DuesPayment.objects.create(
            member=member, month=datetime.date(1900 + i, 1, 1), amount_due=10, amount_paid=10, paid_on=None
        )


@pytest.mark.parametrize("persona", ["staff_a", "county"])
def test_member_list_queries_do_not_grow_with_the_data(client, world, persona):
    client = signed_in(client, world, persona)
    add_members(world, 5)
    few = count_queries(client, url("list"))
    add_members(world, 195)
    assert count_queries(client, url("list")) == few
    assert count_queries(client, url("list") + "?membership=all&sort=-joined_on&page=2") == few


def test_member_detail_queries_do_not_grow_with_the_data(client, world):
    member = world.in_a[Member]
    client = signed_in(client, world, "staff_a")
    add_member_records(member, 5, 0)
    few = count_queries(client, url("detail", member.pk))
    add_member_records(member, 195, 5)
    assert count_queries(client, url("detail", member.pk)) == few


def test_member_history_and_forms_render(client, world, member):
    client = signed_in(client, world, "staff_a")
    for target in (url("history", member.pk), url("edit", member.pk), url("add"), url("end", member.pk)):
        assert client.get(target).status_code == 200
    html = client.get(url("edit", member.pk)).content.decode()
    assert re.search(r'<legend class="h6">[^<]+</legend>', html)
