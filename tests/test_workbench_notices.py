"""Notice pages: the county issues to parks, parks issue and forward to organizations, addressees sign for them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organizations.models import Notice, NoticeReceipt
from organizations.notice_services import notice_issue
from parkparty.core.services import save_record

from . import factories as f
from .queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("organizations:notice_list")
ADD = reverse("organizations:notice_add")
TODAY = timezone.localdate()
CST = datetime.timezone(datetime.timedelta(hours=8))


def url(view: str, notice, *args) -> str:
    return reverse(f"organizations:notice_{view}", args=[notice.pk, *args])


def shows(page: str, notice) -> bool:
    return f'href="{url("detail", notice)}"' in page


def form_data(**changes) -> dict:
    data = {
        "title": "关于做好年度党内统计工作的通知",
        "reference_number": "县委组发〔2024〕3号",
        "issued_on": "2024-11-18",
        "deadline": "2024-11-28",
        "body": "请各园区按时报送。",
    }
    data.update(changes)
    return data


def county_notice(world, parks=None, **fields) -> Notice:
    """A county notice issued to zone A (or the given parks) through the service."""
    fields.setdefault("title", "县委组织部通知")
    fields.setdefault("issued_on", datetime.date(2024, 3, 1))
    fields.setdefault("deadline", datetime.date(2024, 3, 10))
    at = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=CST)
    return notice_issue(Notice(**fields), parks=parks or [world.zone_a], user=world.county, at=at)


# --- issuing ------------------------------------------------------------------------


def test_county_issues_notice_to_parks(client, world):
    client.force_login(world.county)
    page = client.get(ADD)
    assert page.status_code == 200
    assert "parks" in page.context["form"].fields
    response = client.post(ADD, form_data(parks=[world.zone_a.pk, world.zone_b.pk]))
    assert response.status_code == 302
    notice = Notice.objects.get(title=form_data()["title"])
    assert notice.issuer_park is None and notice.issued_by == world.county
    receipts = notice.receipts.all()
    assert {r.park for r in receipts} == {world.zone_a, world.zone_b}
    assert all(r.organization is None and r.forwarded_at is not None for r in receipts)
    assert notice.history.get().history_user == world.county


def test_county_must_choose_at_least_one_park(client, world):
    client.force_login(world.county)
    response = client.post(ADD, form_data())
    assert response.status_code == 400
    assert "parks" in response.context["form"].errors
    assert not Notice.objects.filter(title=form_data()["title"]).exists()


def test_staff_issue_notice_from_their_park_to_organizations_in_scope(client, world):
    client.force_login(world.staff_a)
    page = client.get(ADD)
    choices = page.content.decode()
    assert world.in_a1.organization.name in choices and world.in_b.organization.name not in choices
    response = client.post(ADD, form_data(organizations=[world.in_a.organization.pk, world.in_a1.organization.pk]))
    assert response.status_code == 302
    notice = Notice.objects.get(title=form_data()["title"])
    assert notice.issuer_park == world.zone_a and notice.issued_by == world.staff_a
    receipts = {r.organization: r.park for r in notice.receipts.all()}
    assert receipts == {world.in_a.organization: world.zone_a, world.in_a1.organization: world.sub_a1}


def test_staff_cannot_send_to_an_organization_outside_their_parks(client, world):
    client.force_login(world.staff_a)
    response = client.post(ADD, form_data(organizations=[world.in_b.organization.pk]))
    assert response.status_code == 400
    assert not Notice.objects.filter(title=form_data()["title"]).exists()


def test_secretary_cannot_issue_notices(client, world):
    client.force_login(world.secretary_a)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, form_data()).status_code == 403
    assert f'href="{ADD}"' not in client.get(LIST).content.decode()


def test_attachment_is_kept_and_downloaded_within_scope(client, world):
    client.force_login(world.county)
    upload = SimpleUploadedFile("统计表.xlsx", b"PK\x03\x04 workbook", content_type="application/octet-stream")
    client.post(ADD, form_data(parks=[world.zone_a.pk], attachment=upload))
    notice = Notice.objects.get(title=form_data()["title"])
    client.force_login(world.staff_a)
    response = client.get(url("attachment", notice))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK\x03\x04 workbook"
    client.force_login(world.staff_b)
    assert client.get(url("attachment", notice)).status_code == 404


def test_attachment_of_a_strange_kind_is_refused(client, world):
    client.force_login(world.county)
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post(ADD, form_data(parks=[world.zone_a.pk], attachment=upload))
    assert response.status_code == 400
    assert "attachment" in response.context["form"].errors


# --- editing ------------------------------------------------------------------------


def test_only_the_issuer_may_edit(client, world):
    notice = county_notice(world)
    park_notice = world.in_a[Notice]
    client.force_login(world.staff_a)
    assert client.get(url("edit", notice)).status_code == 403
    assert url("edit", notice) not in client.get(url("detail", notice)).content.decode()
    assert client.get(url("edit", park_notice)).status_code == 200
    client.force_login(world.county)
    assert client.get(url("edit", park_notice)).status_code == 403
    data = form_data(title="改过的通知", version=notice.version)
    assert client.post(url("edit", notice), data).status_code == 302
    notice.refresh_from_db()
    assert notice.title == "改过的通知"
    assert notice.receipts.count() == 1


def test_stale_edit_is_refused_and_keeps_the_input(client, world):
    notice = world.in_a[Notice]
    client.force_login(world.staff_a)
    data = form_data(title="我的修改", version=notice.version)
    notice.body = "同事改了正文"
    save_record(notice, user=world.staff_a, expected_version=notice.version)
    response = client.post(url("edit", notice), data)
    assert response.status_code == 400
    assert "我的修改" in response.content.decode()
    notice.refresh_from_db()
    assert notice.title != "我的修改"


# --- who sees what ----------------------------------------------------------------------


def test_staff_of_other_park_gets_404(client, world):
    notice = county_notice(world)
    client.force_login(world.staff_b)
    assert not shows(client.get(LIST).content.decode(), notice)
    for view in ("detail", "edit", "history", "forward", "attachment"):
        assert client.get(url(view, notice)).status_code == 404, view


def test_secretary_sees_only_notices_addressed_to_their_organization(client, world):
    notice = county_notice(world)
    client.force_login(world.secretary_a)
    page = client.get(LIST).content.decode()
    assert shows(page, world.in_a[Notice])
    assert not shows(page, world.other_in_a[Notice])
    assert not shows(page, notice)
    assert client.get(url("detail", notice)).status_code == 404
    detail = client.get(url("detail", world.in_a[Notice]))
    assert [row["addressee"] for row in detail.context["receipt_rows"]] == [world.in_a.organization]


# --- forwarding -----------------------------------------------------------------------


def test_staff_forward_county_notice_to_organizations(client, world):
    notice = county_notice(world)
    client.force_login(world.staff_a)
    detail = client.get(url("detail", notice)).content.decode()
    assert url("forward", notice) in detail
    page = client.get(url("forward", notice)).content.decode()
    assert world.in_a1.organization.name in page and world.in_b.organization.name not in page
    response = client.post(
        url("forward", notice),
        {"version": notice.version, "organizations": [world.in_a.organization.pk, world.in_a1.organization.pk]},
    )
    assert response.status_code == 302
    forwarded = {r.organization: r.park for r in notice.receipts.filter(organization__isnull=False)}
    assert forwarded == {world.in_a.organization: world.zone_a, world.in_a1.organization: world.sub_a1}
    page = client.get(url("forward", notice)).content.decode()
    assert world.in_a1.organization.name not in page  # already has it


def test_forwarding_outside_scope_is_refused(client, world):
    notice = county_notice(world)
    client.force_login(world.staff_a)
    data = {"organizations": [world.in_b.organization.pk], "version": notice.version}
    response = client.post(url("forward", notice), data)
    assert response.status_code == 400
    assert "organizations" in response.context["form"].errors
    assert not notice.receipts.filter(organization=world.in_b.organization).exists()


def test_county_and_secretary_do_not_forward(client, world):
    notice = county_notice(world)
    client.force_login(world.county)
    assert client.get(url("forward", notice)).status_code == 403
    client.force_login(world.secretary_a)
    assert client.get(url("forward", world.in_a[Notice])).status_code == 403


def test_sub_park_staff_cannot_forward_a_notice_only_their_zone_received(client, world):
    notice = county_notice(world)
    client.force_login(world.staff_a)
    client.post(url("forward", notice), {"organizations": [world.in_a1.organization.pk], "version": notice.version})
    client.force_login(world.staff_a1)
    assert client.get(url("detail", notice)).status_code == 200
    assert client.get(url("forward", notice)).status_code == 403


# --- signing for ----------------------------------------------------------------------


def test_secretary_signs_for_their_organization_receipt(client, world):
    notice = world.in_a[Notice]
    receipt = notice.receipts.get(organization=world.in_a.organization)
    client.force_login(world.secretary_a)
    detail = client.get(url("detail", notice)).content.decode()
    assert url("receive", notice, receipt.pk) in detail
    response = client.post(url("receive", notice, receipt.pk))
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.received_at is not None and receipt.received_by == world.secretary_a
    first = receipt.received_at
    client.post(url("receive", notice, receipt.pk))
    receipt.refresh_from_db()
    assert receipt.received_at == first


def test_staff_sign_for_their_park_receipt_but_not_for_an_organization(client, world):
    notice = county_notice(world)
    park_receipt = notice.receipts.get(park=world.zone_a)
    org_receipt = world.in_a[Notice].receipts.get()
    client.force_login(world.staff_a)
    assert client.post(url("receive", world.in_a[Notice], org_receipt.pk)).status_code == 403
    assert client.post(url("receive", notice, park_receipt.pk)).status_code == 302
    park_receipt.refresh_from_db()
    assert park_receipt.received_by == world.staff_a
    org_receipt.refresh_from_db()
    assert org_receipt.received_at is None


def test_county_cannot_sign_and_other_park_staff_get_404(client, world):
    notice = county_notice(world)
    receipt = notice.receipts.get()
    client.force_login(world.county)
    assert client.post(url("receive", notice, receipt.pk)).status_code == 403
    client.force_login(world.staff_b)
    assert client.post(url("receive", notice, receipt.pk)).status_code == 404
    receipt.refresh_from_db()
    assert receipt.received_at is None


def test_secretary_cannot_sign_a_receipt_outside_their_organization(client, world):
    other = world.other_in_a[Notice].receipts.get()
    client.force_login(world.secretary_a)
    assert client.post(url("receive", world.other_in_a[Notice], other.pk)).status_code == 404


# --- late receipts and counts -----------------------------------------------------------


def test_late_receipts_are_marked_on_detail_and_counted_in_the_list(client, world):
    notice = county_notice(world, parks=[world.zone_a, world.sub_a1, world.zone_b])
    receipts = {r.park: r for r in notice.receipts.all()}
    on_time, late = receipts[world.zone_a], receipts[world.sub_a1]
    on_time.received_at = datetime.datetime(2024, 3, 5, 10, 0, tzinfo=CST)
    late.received_at = datetime.datetime(2024, 3, 12, 10, 0, tzinfo=CST)
    NoticeReceipt.objects.bulk_update([on_time, late], ["received_at"])
    client.force_login(world.county)
    detail = client.get(url("detail", notice))
    states = {row["receipt"].park: row["state"] for row in detail.context["receipt_rows"]}
    assert states == {world.zone_a: "received", world.sub_a1: "late", world.zone_b: "overdue"}
    assert detail.context["late_total"] == 2
    row = next(r for r in client.get(LIST).context["rows"] if r["object"].pk == notice.pk)
    assert (row["object"].receipt_count, row["object"].received_count, row["object"].late_count) == (3, 2, 2)
    client.force_login(world.staff_a)
    row = next(r for r in client.get(LIST).context["rows"] if r["object"].pk == notice.pk)
    assert (row["object"].receipt_count, row["object"].received_count, row["object"].late_count) == (2, 2, 1)


def test_receipt_signed_on_the_deadline_day_is_not_late(client, world):
    notice = county_notice(world)
    receipt = notice.receipts.get()
    receipt.received_at = datetime.datetime(2024, 3, 10, 23, 30, tzinfo=CST)
    receipt.save()
    client.force_login(world.staff_a)
    detail = client.get(url("detail", notice))
    assert [row["state"] for row in detail.context["receipt_rows"]] == ["received"]
    row = next(r for r in client.get(LIST).context["rows"] if r["object"].pk == notice.pk)
    assert row["object"].late_count == 0


def test_search_and_filters(client, world):
    notice = county_notice(world, title="关于开展主题党日的通知", reference_number="县委组发〔2024〕9号")
    client.force_login(world.staff_a)
    page = client.get(LIST, {"q": "〔2024〕9号"}).content.decode()
    assert shows(page, notice) and not shows(page, world.in_a[Notice])
    page = client.get(LIST, {"source": "county"}).content.decode()
    assert shows(page, notice) and not shows(page, world.in_a[Notice])
    page = client.get(LIST, {"source": "park", "year": "2023"}).content.decode()
    assert shows(page, world.in_a[Notice]) and not shows(page, notice)


# --- queries do not grow with the data ------------------------------------------------


def test_list_and_detail_queries_do_not_grow_with_notices_and_receipts(client, world):
    notice = county_notice(world)
    organizations = f.PartyOrganizationFactory.create_batch(5, park=world.zone_a)
    for organization in organizations:
        f.NoticeReceiptFactory(notice=notice, organization=organization)
    detail = url("detail", notice)

    def measure() -> dict:
        counts = {}
        for persona in ("staff_a", "county", "secretary_a"):
            client.force_login(getattr(world, persona))
            client.get(LIST)
            counts[persona, "list"] = count_queries(client, LIST)
            if persona != "secretary_a":
                counts[persona, "detail"] = count_queries(client, detail)
        return counts

    few = measure()
    for organization in f.PartyOrganizationFactory.create_batch(195, park=world.sub_a1):
        f.NoticeReceiptFactory(notice=notice, organization=organization)
    for extra in f.NoticeFactory.create_batch(200, issuer_park=world.zone_a):
        f.NoticeReceiptFactory(notice=extra, organization=world.in_a.organization)
    assert measure() == few
