"""Masking that holds: every personal field masked on every page kind, no way to read hidden digits back.

County reviewers never see a personal number in full: not on lists, detail
pages, history, figure lists, chart data, exports or reports, and they cannot
find one by searching, filtering or sorting. Park staff and secretaries see
masked values by default and the full value on reveal and in their exports.
Searching is limited per user (429 with a Chinese message).
"""

from __future__ import annotations

import datetime
import io
import time
import zipfile

import django_filters
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.text import capfirst
from openpyxl import load_workbook

from members.models import Applicant, Member
from members.views.members import MemberEntity
from organizations.models import Enterprise, Instructor, PartyOrganization
from organizations.views.instructors import InstructorEntity
from parkparty.core import personal_data
from parkparty.core.masking import MASKS, mask_id, mask_phone
from parkparty.core.views.generic import Column
from parkparty.core.views.generic.listing import ObjectListView
from parkparty.core.views.personal import drop_personal_filters, sortable_keys
from reports import annual
from reports.dashboard_views import WORKBENCH_VIEWS, entity_for

from . import factories as f
from .personas import signed_in

pytestmark = pytest.mark.django_db

BORN = datetime.date(1985, 6, 15)
YEAR = 2023

#: Every masked personal field shown in the workbench: "app.Model.field".
MASKED_ENTRIES = [
    f"{label}.{name}"
    for label, fields in personal_data.INVENTORY.items()
    for name, item in fields.items()
    if item.mask and not item.derived and item.full == personal_data.REVEAL_ROLES
]


def page(client, url, params=None) -> str:
    response = client.get(url, params or {}, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def xlsx_text(response) -> str:
    """Every cell of every sheet of a downloaded workbook, one per line."""
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return "\n".join(
        str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value
    )


def two_values(mask: str, serial: int) -> tuple[str, str]:
    """An old and a new value of a personal field (valid ID numbers, mobile numbers)."""
    if mask == "id":
        return f.make_resident_id(serial, born=BORN), f.make_resident_id(serial + 1, born=BORN)
    return f"139{serial:04d}2222", f"139{serial:04d}4444"


def changed(obj, name: str, mask: str, serial: int) -> tuple[str, str]:
    """Give ``obj`` an old value, then save a new one (a history entry with both); return them."""
    old, new = two_values(mask, serial)
    for value in (old, new):
        setattr(obj, name, value)
        obj.save()
    return old, new


def world_record(world, label: str):
    return world.in_a[apps.get_model(label)]


# --- every page kind, every masked field ------------------------------------------------------


@pytest.mark.parametrize("entry", MASKED_ENTRIES)
def test_county_reviewer_never_sees_a_personal_value_in_full(client, world, entry):
    label, name = entry.rsplit(".", 1)
    obj = world_record(world, label)
    mask = personal_data.INVENTORY[label][name].mask
    old, new = changed(obj, name, mask, 500 + MASKED_ENTRIES.index(entry) * 10)
    entity = entity_for(type(obj))
    shown = {c.name for c in entity.columns}
    client = signed_in(client, world, "county")

    listing = page(client, reverse(entity.url_name("list")))
    detail = page(client, reverse(entity.url_name("detail"), args=[obj.pk]))
    history = page(client, reverse(entity.url_name("history"), args=[obj.pk]))
    export = xlsx_text(client.get(reverse(entity.url_name("export"))))
    for where, text in {"list": listing, "detail": detail, "history": history, "export": export}.items():
        assert new not in text and old not in text, f"{entry} in full on the {where}"
    masked_new = MASKS[mask](new)
    assert masked_new in detail
    assert MASKS[mask](old) in history and masked_new in history
    if name in shown:
        assert masked_new in listing and masked_new in export
    assert f"?field={name}" not in detail  # no reveal link
    reveal = client.post(reverse(entity.url_name("reveal"), args=[obj.pk]), {"field": name})
    assert reveal.status_code == 403


@pytest.mark.parametrize("persona", ["staff_a", "secretary_a"])
@pytest.mark.parametrize("entry", MASKED_ENTRIES)
def test_staff_and_secretaries_see_masked_values_and_reveal_them_in_full(client, world, entry, persona):
    label, name = entry.rsplit(".", 1)
    obj = world_record(world, label)
    mask = personal_data.INVENTORY[label][name].mask
    old, new = changed(obj, name, mask, 700 + MASKED_ENTRIES.index(entry) * 10)
    entity = entity_for(type(obj))
    client = signed_in(client, world, persona)

    listing = page(client, reverse(entity.url_name("list")))
    detail = page(client, reverse(entity.url_name("detail"), args=[obj.pk]))
    history = page(client, reverse(entity.url_name("history"), args=[obj.pk]))
    for text in (listing, detail, history):
        assert new not in text and old not in text
    assert MASKS[mask](new) in detail
    assert f"{reverse(entity.url_name('reveal'), args=[obj.pk])}?field={name}" in detail
    reveal = client.post(reverse(entity.url_name("reveal"), args=[obj.pk]), {"field": name})
    assert reveal.status_code == 200 and reveal.content.decode() == new
    if name in {c.name for c in entity.columns}:
        assert new in xlsx_text(client.get(reverse(entity.url_name("export"))))


def test_organization_contact_phone_is_masked_for_the_county_on_the_page_and_in_history(client, world):
    organization = world.in_a.organization
    old, new = changed(organization, "contact_phone", "phone", 31)
    client = signed_in(client, world, "county")
    detail = page(client, reverse("organizations:partyorganization_detail", args=[organization.pk]))
    history = page(client, reverse("organizations:partyorganization_history", args=[organization.pk]))
    assert mask_phone(new) in detail and new not in detail
    assert mask_phone(old) in history and mask_phone(new) in history
    assert old not in history and new not in history


def workbench_entities() -> list:
    return [entity for module in WORKBENCH_VIEWS for entity in module.ENTITIES]


def test_every_masked_field_of_a_workbench_model_gets_a_reveal_link(world):
    entities = {entity.model._meta.label: entity for entity in workbench_entities()}
    for label, fields in personal_data.INVENTORY.items():
        entity = entities.get(label)
        if entity is None:  # users have no workbench pages (checked below); the audit log is the auditor's page
            assert label in ("parkparty.User", "parkparty.AuditEvent")
            continue
        for name, item in fields.items():
            if item.mask and not item.derived:
                assert entity.masked_fields.get(name) == item.mask, f"{label}.{name}"


def test_user_contact_data_appears_on_no_workbench_page(world):
    """Users' e-mail and phone are for administrators: no entity column or detail field shows them."""
    hidden = {(label, name) for label, fields in personal_data.INVENTORY.items() for name in fields}
    hidden = {key for key in hidden if personal_data.INVENTORY[key[0]][key[1]].full == personal_data.ADMIN_ONLY}
    assert hidden == {("parkparty.User", "email"), ("parkparty.User", "phone")}
    for entity in workbench_entities():
        paths = [c.name for c in entity.columns]
        for _title, names in entity.detail_fields or []:
            paths += names
        for path in paths:
            resolved = personal_data.resolve(entity.model, path)
            if resolved is not None:
                key = (resolved[0]._meta.label, resolved[1])
                assert key not in hidden, f"{entity.__name__} shows {path}"


# --- figure lists, charts, dashboard export, home, attendee picking, reports -------------------


@pytest.fixture
def personal(world):
    """Distinctive personal numbers on the records of park A (and the full values, to look for)."""
    member, applicant = world.in_a[Member], world.in_a[Applicant]
    values = {
        "member id": f.make_resident_id(901, born=BORN),
        "applicant id": f.make_resident_id(903, born=BORN),
        "member phone": "13900009001",
        "applicant phone": "13900009002",
        "contact phone": "13900009003",
        "investor phone": "13900009004",
        "instructor phone": "13900009005",
    }
    Member.objects.filter(pk=member.pk).update(id_number=values["member id"], phone=values["member phone"])
    Applicant.objects.filter(pk=applicant.pk).update(id_number=values["applicant id"], phone=values["applicant phone"])
    PartyOrganization.objects.filter(pk=world.in_a.organization.pk).update(contact_phone=values["contact phone"])
    Enterprise.objects.filter(pk=world.in_a[Enterprise].pk).update(investor_phone=values["investor phone"])
    Instructor.objects.filter(pk=world.in_a[Instructor].pk).update(phone=values["instructor phone"])
    return values


def assert_none_in_full(text: str, personal: dict, where: str) -> None:
    for what, value in personal.items():
        assert value not in text, f"{what} in full in {where}"


@pytest.mark.parametrize("key", ["members_total", "applicants", "enterprises_total", "orgs_total"])
def test_figure_lists_mask_personal_numbers_for_the_county(client, world, personal, key):
    client = signed_in(client, world, "county")
    html = page(client, reverse("reports:figure_records", args=["county", YEAR, key]))
    assert_none_in_full(html, personal, key)
    if key == "members_total":
        assert mask_id(personal["member id"]) in html and mask_phone(personal["member phone"]) in html


def test_charts_and_dashboard_export_hold_no_personal_numbers(client, world, personal):
    for persona in ("county", "staff_a"):
        client = signed_in(client, world, persona)
        scope = "county" if persona == "county" else "A"
        charts = client.get(reverse("reports:charts", args=[scope, YEAR]))
        assert charts.status_code == 200
        assert_none_in_full(charts.content.decode(), personal, f"chart data for {persona}")
        export = client.get(reverse("reports:export", args=[scope, YEAR]))
        assert_none_in_full(xlsx_text(export), personal, f"dashboard export for {persona}")


@pytest.mark.parametrize("persona", ["county", "staff_a", "secretary_a"])
def test_home_and_dashboards_hold_no_personal_numbers(client, world, personal, persona):
    client = signed_in(client, world, persona)
    assert_none_in_full(page(client, reverse("home"), {"year": YEAR}), personal, f"home of {persona}")
    if persona == "county":
        assert_none_in_full(page(client, reverse("reports:county"), {"year": YEAR}), personal, "county overview")
    if persona == "secretary_a":
        url = reverse("reports:organization", args=[world.in_a.organization.pk])
        assert_none_in_full(page(client, url), personal, "organization view")


def test_attendee_picking_shows_names_only(client, world, personal):
    client = signed_in(client, world, "staff_a")
    html = page(client, reverse("organizations:activity_attendees"), {"organization": world.in_a.organization.pk})
    assert world.in_a[Member].name in html
    assert_none_in_full(html, personal, "attendee choices")
    assert mask_id(personal["member id"]) not in html and mask_phone(personal["member phone"]) not in html


@pytest.mark.parametrize("kind", ["situation", "duty"])
def test_annual_report_context_and_document_hold_no_personal_field(world, personal, kind):
    report = annual.load_report(world.zone_a, YEAR, kind, today=datetime.date(2024, 1, 15))
    context = report.context()
    assert set(context) == {"park", "year", "kind", "text", "figures"}
    assert set(context["park"]) == {"name", "code"}
    with zipfile.ZipFile(io.BytesIO(annual.render(report))) as document:
        xml = "".join(document.read(name).decode("utf-8", "replace") for name in document.namelist())
    assert_none_in_full(xml, personal, f"the {kind} report")


# --- searching ----------------------------------------------------------------------------------


def listed(response) -> set[str]:
    assert response.status_code == 200
    return {row["object"].name for row in response.context["rows"]}


@pytest.fixture
def member(world):
    return f.MemberFactory(
        organization=world.in_a.organization,
        name="赵卫东",
        id_number=f.make_resident_id(321, born=BORN),
        phone="13766665555",
    )


def test_county_reviewer_cannot_find_a_member_by_a_full_id_number_or_phone(client, world, member):
    client = signed_in(client, world, "county")
    members = reverse("members:member_list")
    for query in (member.id_number, member.phone, member.id_number[6:14], member.phone[3:7], member.id_number[:10]):
        assert listed(client.get(members, {"q": query})) == set(), query
    placeholder = client.get(members).context["search_help"]
    assert "4" in str(placeholder) and "完整" not in str(placeholder)
    html = client.get(members, {"q": member.id_number}).content.decode()
    assert "不会按完整或部分公民身份号码、手机号码搜索" in html  # the notice says why nothing was found


def test_staff_get_no_notice_when_searching_a_full_number(client, world, member):
    response = signed_in(client, world, "staff_a").get(reverse("members:member_list"), {"q": member.id_number})
    assert response.context["search_notice"] == ""


def test_county_reviewer_finds_by_name_last_four_digits_or_the_masked_form(client, world, member):
    client = signed_in(client, world, "county")
    members = reverse("members:member_list")
    shown = (mask_id(member.id_number), mask_phone(member.phone))
    for query in ("卫东", member.id_number[-4:], member.phone[-4:], *shown):
        assert "赵卫东" in listed(client.get(members, {"q": query})), query


def test_last_four_digits_match_only_the_end_of_the_numbers(client, world, member):
    client = signed_in(client, world, "county")
    members = reverse("members:member_list")
    assert listed(client.get(members, {"q": member.phone[-5:-1]})) == set()
    assert listed(client.get(members, {"q": "****" + member.id_number[-4:]})) == {"赵卫东"}


@pytest.mark.parametrize("persona", ["staff_a", "secretary_a", "admin"])
def test_roles_that_may_see_numbers_find_a_member_by_a_full_id_number_or_phone(client, world, member, persona):
    client = signed_in(client, world, persona)
    members = reverse("members:member_list")
    assert listed(client.get(members, {"q": member.id_number})) == {"赵卫东"}
    assert listed(client.get(members, {"q": member.phone})) == {"赵卫东"}
    assert listed(client.get(members, {"q": member.id_number[6:14]})) == set()


def test_applicants_follow_the_same_search_rule(client, world):
    applicant = f.ApplicantFactory(
        organization=world.in_a.organization, name="钱晓光", id_number=f.make_resident_id(322, born=BORN)
    )
    url = reverse("members:applicant_list")
    county = signed_in(client, world, "county")
    assert listed(county.get(url, {"q": applicant.id_number})) == set()
    assert listed(county.get(url, {"q": applicant.id_number[-4:]})) == {"钱晓光"}
    staff = signed_in(client, world, "staff_a")
    assert listed(staff.get(url, {"q": applicant.id_number})) == {"钱晓光"}


def test_export_with_a_full_id_number_search_finds_nothing_for_the_county(client, world, member):
    export = reverse("members:member_export")
    county = xlsx_text(signed_in(client, world, "county").get(export, {"q": member.id_number}))
    assert "赵卫东" not in county
    staff = xlsx_text(signed_in(client, world, "staff_a").get(export, {"q": member.id_number}))
    assert "赵卫东" in staff and member.id_number in staff


@pytest.mark.parametrize(
    ("url", "values"),
    [
        ("members:member_export_workbook", ("member id", "member phone")),
        ("organizations:enterprise_export_workbook", ("investor phone",)),
    ],
)
def test_the_import_workbook_export_is_for_full_data_roles_only(client, world, personal, url, values):
    assert signed_in(client, world, "county").get(reverse(url)).status_code == 403
    text = xlsx_text(signed_in(client, world, "staff_a").get(reverse(url)))
    for value in values:
        assert personal[value] in text


class InstructorsSearchedByPhone(InstructorEntity):
    """An entity that (wrongly) lists a personal field among its search fields, a filter and a sort."""

    columns = [*InstructorEntity.columns[:-1], Column("phone", sort="phone")]
    search_fields = ("name", "phone")
    filter_fields = ["park", "phone"]


def run_list(world, persona, rf, params) -> set[int]:
    request = rf.get("/instructors/", params)
    request.user = world.user(persona)
    response = ObjectListView.as_view(entity=InstructorsSearchedByPhone)(request)
    assert response.status_code == 200
    return {row["object"].pk for row in response.context_data["rows"]}


def test_a_personal_search_field_is_matched_in_full_and_only_for_roles_that_may_see_it(world, rf):
    instructor = world.in_a[Instructor]
    Instructor.objects.filter(pk=instructor.pk).update(phone="13512344321")
    assert run_list(world, "county", rf, {"q": "13512344321"}) == set()
    assert run_list(world, "county", rf, {"q": "1234"}) == set()
    assert run_list(world, "staff_a", rf, {"q": "13512344321"}) == {instructor.pk}
    assert run_list(world, "staff_a", rf, {"q": "1234"}) == set()


def test_a_filter_on_a_personal_field_is_dropped_for_the_county(world, rf):
    instructor = world.in_a[Instructor]
    Instructor.objects.filter(pk=instructor.pk).update(phone="13512344321")
    everyone = run_list(world, "county", rf, {})
    assert run_list(world, "county", rf, {"phone": "13512344321"}) == everyone
    assert run_list(world, "county", rf, {"phone": "00000000000"}) == everyone
    assert run_list(world, "staff_a", rf, {"phone": "13512344321"}) == {instructor.pk}


def test_drop_personal_filters_keeps_the_other_filters(world):
    class Filters(django_filters.FilterSet):
        class Meta:
            model = Member
            fields = ["category", "id_number", "phone", "organization__contact_phone"]

    filterset = Filters({}, queryset=Member.objects.all())
    drop_personal_filters(filterset, Member, world.user("county"))
    assert set(filterset.filters) == {"category"}
    filterset = Filters({}, queryset=Member.objects.all())
    drop_personal_filters(filterset, Member, world.user("staff_a"))
    assert set(filterset.filters) == {"category", "id_number", "phone", "organization__contact_phone"}


def test_sorting_by_a_personal_field_is_refused_to_the_county(world, rf):
    assert "phone" not in sortable_keys(InstructorsSearchedByPhone, world.user("county"))
    assert "phone" in sortable_keys(InstructorsSearchedByPhone, world.user("staff_a"))
    request = rf.get("/instructors/", {"sort": "phone"})
    request.user = world.user("county")
    response = ObjectListView.as_view(entity=InstructorsSearchedByPhone)(request)
    headers = {str(h["label"]): h["column"].sort for h in response.context_data["columns"]}
    assert headers[str(capfirst(Instructor._meta.get_field("phone").verbose_name))] is None
    assert response.context_data["rows"]  # the sort was ignored, not an error


def test_no_workbench_list_searches_filters_or_sorts_on_a_personal_field(world):
    for entity in workbench_entities():
        model = entity.model
        assert not [n for n in entity.search_fields if personal_data.mask_for(model, n)], entity
        filters = entity.filterset_class()(queryset=model.objects.none()).filters.values()
        assert not [x for x in filters if personal_data.mask_for(model, x.field_name)], entity
        assert not [c for c in entity.columns if c.sort and personal_data.mask_for(model, c.sort)], entity


# --- the rate limit -----------------------------------------------------------------------------


def test_searches_past_the_limit_get_429_in_chinese_then_work_again_after_the_window(client, world, settings):
    settings.PARKPARTY_SEARCH_LIMIT = 2
    settings.PARKPARTY_SEARCH_WINDOW = 2
    client = signed_in(client, world, "county")
    members = reverse("members:member_list")
    assert client.get(members, {"q": "党员"}).status_code == 200
    first_done = time.monotonic()
    assert client.get(members, {"q": "1234"}).status_code == 200
    refused = client.get(members, {"q": "5678"})
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "搜索过于频繁" in html and "秒" in html
    assert int(refused["Retry-After"]) >= 1
    assert client.get(reverse("members:member_export"), {"q": "x"}).status_code == 429
    assert client.get(members).status_code == 200  # browsing without a search is not limited
    other = signed_in(client.__class__(), world, "staff_a")
    assert other.get(members, {"q": "党员"}).status_code == 200  # the limit is per user
    time.sleep(max(0.0, first_done + settings.PARKPARTY_SEARCH_WINDOW + 0.2 - time.monotonic()))
    assert client.get(members, {"q": "党员"}).status_code == 200


def test_the_limit_counts_every_list_and_the_export(client, world, settings):
    settings.PARKPARTY_SEARCH_LIMIT = 3
    client = signed_in(client, world, "staff_a")
    assert client.get(reverse("organizations:enterprise_list"), {"q": "a"}).status_code == 200
    assert client.get(reverse("members:applicant_list"), {"q": "a"}).status_code == 200
    assert client.get(reverse("members:member_export"), {"q": "a"}).status_code == 200
    assert client.get(reverse("organizations:instructor_list"), {"q": "a"}).status_code == 429


def test_a_limit_of_zero_turns_it_off(client, world, settings):
    settings.PARKPARTY_SEARCH_LIMIT = 0
    client = signed_in(client, world, "county")
    for _ in range(5):
        assert client.get(reverse("members:member_list"), {"q": "x"}).status_code == 200


def test_member_entity_derives_its_masks_from_the_inventory():
    assert MemberEntity.masked_fields == {"id_number": "id", "phone": "phone"}
