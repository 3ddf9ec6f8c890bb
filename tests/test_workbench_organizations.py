"""Workbench pages of Party organizations, service centres, instructors, parks, park staffing and funding.

The common behaviour (park staff add and edit with history; the county reads
but never writes; other parks' records answer 404; secretaries see their own
organization only; stale edits are refused; list and detail pages run the
same number of queries however much data there is) is checked for every
entity through one table of cases; search, filters, narrowed choices and the
found/dissolve actions have their own tests.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Member
from organizations.models import (
    Activity,
    ActivityKind,
    CoverageMode,
    Enterprise,
    FormationMode,
    Funding,
    FundingKind,
    Instructor,
    InstructorEvaluation,
    OrganizationKind,
    OrganizationStatus,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceCenterKind,
)
from organizations.views.organization_panels import activities_panel, meetings_panel, term_panel
from parkparty.core.permissions import scope_for
from parkparty.core.services import save_record

from . import factories as f
from .forms import form_data
from .personas import World, signed_in
from .queries import count_queries

# --- the world and its clients ---------------------------------------------------


def client_for(world: World, persona: str) -> Client:
    """A new client signed in as ``persona``."""
    return signed_in(Client(), world, persona)


def url(slug: str, view: str, pk: int | None = None) -> str:
    return reverse(f"organizations:{slug}_{view}", args=[pk] if pk is not None else [])


def listed(client: Client, slug: str, **params) -> set[int]:
    """The pks of the rows a list page shows."""
    response = client.get(url(slug, "list"), params)
    assert response.status_code == 200
    return {row["object"].pk for row in response.context["rows"]}


def edit_data(client: Client, slug: str, pk: int) -> dict:
    response = client.get(url(slug, "edit", pk))
    assert response.status_code == 200
    return form_data(response.context["form"])


def last_entry(record):
    return record.history.order_by("-history_id").first()


# --- one case per entity -----------------------------------------------------------


@dataclass
class Case:
    """What the shared tests need to know about one entity."""

    slug: str
    model: type
    record: Callable[[World], object]  # a record in zone park A
    other_park_record: Callable[[World], object]  # a record in zone park B
    new_data: Callable[[World], dict]  # a valid add form
    created: Callable[[], object]  # the record the add form created
    text_field: str  # a free-text field edited by the tests
    secretary_sees: Callable[[World], set[int] | None]  # what secretary_a's list shows (None: refused, 403)
    secretary_hidden: Callable[[World], object]  # a record near secretary_a they may not open
    actions: tuple[str, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        return self.slug


CASES = [
    Case(
        slug="partyorganization",
        model=PartyOrganization,
        record=lambda w: w.in_a.organization,
        other_park_record=lambda w: w.in_b.organization,
        new_data=lambda w: {
            "name": "甲园区新建党支部",
            "kind": OrganizationKind.BRANCH,
            "park": w.zone_a.pk,
            "formation_mode": FormationMode.OWN,
            "status": OrganizationStatus.ACTIVE,
            "founded_on": "2020-07-01",
            "primary_managing_body": "county_non_public",
        },
        created=lambda: PartyOrganization.objects.get(name="甲园区新建党支部"),
        text_field="notes",
        secretary_sees=lambda w: {w.in_a.organization.pk},
        secretary_hidden=lambda w: w.other_in_a.organization,
        actions=("found", "dissolve"),
    ),
    Case(
        slug="servicecenter",
        model=ServiceCenter,
        record=lambda w: w.in_a[ServiceCenter],
        other_park_record=lambda w: w.in_b[ServiceCenter],
        new_data=lambda w: {
            "name": "甲园区党群服务中心",
            "kind": ServiceCenterKind.OFFLINE,
            "park": w.zone_a.pk,
            "opened_on": "2021-05-01",
            "area_sqm": "300",
        },
        created=lambda: ServiceCenter.objects.get(name="甲园区党群服务中心"),
        text_field="address",
        secretary_sees=lambda w: {w.in_a[ServiceCenter].pk},
        secretary_hidden=lambda w: w.other_in_a[ServiceCenter],
    ),
    Case(
        slug="instructor",
        model=Instructor,
        record=lambda w: w.in_a[Instructor],
        other_park_record=lambda w: w.in_b[Instructor],
        new_data=lambda w: {"name": "新任指导员", "park": w.zone_a.pk, "phone": "13812345678"},
        created=lambda: Instructor.objects.get(name="新任指导员"),
        text_field="unit",
        secretary_sees=lambda w: {w.in_a[Instructor].pk},
        secretary_hidden=lambda w: w.other_in_a[Instructor],
    ),
    Case(
        slug="park",
        model=Park,
        record=lambda w: w.zone_a,
        other_park_record=lambda w: w.zone_b,
        new_data=lambda w: {"code": "A2", "name": "甲工业园区城东园", "parent": w.zone_a.pk, "sort_order": "2"},
        created=lambda: Park.objects.get(code="A2"),
        text_field="address",
        secretary_sees=lambda w: {w.zone_a.pk},
        secretary_hidden=lambda w: w.sub_a1,
    ),
    Case(
        slug="parkstaffing",
        model=ParkStaffing,
        record=lambda w: w.in_a[ParkStaffing],
        other_park_record=lambda w: w.in_b[ParkStaffing],
        new_data=lambda w: {"park": w.zone_a.pk, "year": "1998", "posts_authorised": "10", "posts_actual": "6"},
        created=lambda: ParkStaffing.objects.get(year=1998),
        text_field="note",
        secretary_sees=lambda w: None,  # staffing is no organization's business: the list is refused
        secretary_hidden=lambda w: w.in_a[ParkStaffing],
    ),
    Case(
        slug="funding",
        model=Funding,
        record=lambda w: w.in_a[Funding],
        other_park_record=lambda w: w.in_b[Funding],
        new_data=lambda w: {
            "organization": w.in_a.organization.pk,
            "kind": FundingKind.SECRETARY_ALLOWANCE,
            "paid_on": "2023-12-20",
            "amount": "1800",
            "months": "12",
            "recipient": w.in_a[Member].pk,
        },
        created=lambda: Funding.objects.get(kind=FundingKind.SECRETARY_ALLOWANCE),
        text_field="note",
        secretary_sees=lambda w: {w.in_a[Funding].pk},
        secretary_hidden=lambda w: w.other_in_a[Funding],
    ),
]

every_entity = pytest.mark.parametrize("case", CASES, ids=str)


# --- park staff: list, detail, add, edit -------------------------------------------


@every_entity
def test_staff_see_list_and_detail(world, case):
    client = client_for(world, "staff_a")
    record = case.record(world)
    assert record.pk in listed(client, case.slug)
    response = client.get(url(case.slug, "detail", record.pk))
    assert response.status_code == 200
    assert url(case.slug, "edit", record.pk) in response.text
    assert client.get(url(case.slug, "history", record.pk)).status_code == 200


@every_entity
def test_staff_add_a_record_with_history(world, case):
    client = client_for(world, "staff_a")
    assert client.get(url(case.slug, "add")).status_code == 200
    response = client.post(url(case.slug, "add"), case.new_data(world))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    created = case.created()
    assert response["Location"] == url(case.slug, "detail", created.pk)
    assert last_entry(created).history_type == "+"
    assert last_entry(created).history_user == world.staff_a


@every_entity
def test_staff_edit_a_record_with_history(world, case):
    client = client_for(world, "staff_a")
    record = case.record(world)
    data = edit_data(client, case.slug, record.pk)
    data[case.text_field] = "已核实更新"
    response = client.post(url(case.slug, "edit", record.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    record.refresh_from_db()
    assert getattr(record, case.text_field) == "已核实更新"
    entry = last_entry(record)
    assert entry.history_type == "~"
    assert entry.history_user == world.staff_a


@every_entity
def test_stale_edit_is_refused_naming_who_changed_it_and_keeps_the_input(world, case):
    client = client_for(world, "staff_a")
    record = case.record(world)
    data = edit_data(client, case.slug, record.pk)
    colleague = f.ParkStaffFactory(park=world.zone_a, last_name="王", first_name="五")
    setattr(record, case.text_field, "同事先改")
    save_record(record, user=colleague, expected_version=record.version)
    data[case.text_field] = "我的修改"
    response = client.post(url(case.slug, "edit", record.pk), data)
    assert response.status_code == 400
    assert "王五" in response.text
    assert "我的修改" in response.text
    record.refresh_from_db()
    assert getattr(record, case.text_field) == "同事先改"
    assert last_entry(record).history_user == colleague


# --- county reviewer: reads, never writes ----------------------------------------------


@every_entity
def test_county_reads_list_and_detail_without_edit_links(world, case):
    client = client_for(world, "county")
    record = case.record(world)
    response = client.get(url(case.slug, "list"))
    assert response.status_code == 200
    assert record.pk in {row["object"].pk for row in response.context["rows"]}
    assert url(case.slug, "add") not in response.text
    response = client.get(url(case.slug, "detail", record.pk))
    assert response.status_code == 200
    assert url(case.slug, "edit", record.pk) not in response.text
    for action in case.actions:
        assert url(case.slug, action, record.pk) not in response.text


@every_entity
def test_county_gets_403_on_add_edit_and_actions(world, case):
    client = client_for(world, "county")
    record = case.record(world)
    before = record.version
    targets = [url(case.slug, "add"), url(case.slug, "edit", record.pk)]
    targets += [url(case.slug, action, record.pk) for action in case.actions]
    for target in targets:
        assert client.get(target).status_code == 403
        assert client.post(target, case.new_data(world)).status_code == 403
    record.refresh_from_db()
    assert record.version == before
    with pytest.raises(case.model.DoesNotExist):
        case.created()


# --- scope: other parks, secretaries ----------------------------------------------------


@every_entity
def test_staff_of_other_park_get_404_on_detail_edit_and_history(world, case):
    client = client_for(world, "staff_b")
    record = case.record(world)
    assert record.pk not in listed(client, case.slug)
    for view in ("detail", "edit", "history"):
        assert client.get(url(case.slug, view, record.pk)).status_code == 404
    assert client.post(url(case.slug, "edit", record.pk), {"version": record.version}).status_code == 404
    for action in case.actions:
        assert client.post(url(case.slug, action, record.pk), {}).status_code == 404


@every_entity
def test_staff_of_park_a_get_404_on_a_park_b_record(world, case):
    client = client_for(world, "staff_a")
    assert client.get(url(case.slug, "detail", case.other_park_record(world).pk)).status_code == 404


@every_entity
def test_secretary_sees_only_their_organization(world, case):
    client = client_for(world, "secretary_a")
    sees = case.secretary_sees(world)
    if sees is None:
        assert client.get(url(case.slug, "list")).status_code == 403
    else:
        assert listed(client, case.slug) == sees
    hidden = case.secretary_hidden(world)
    assert client.get(url(case.slug, "detail", hidden.pk)).status_code == 404


def test_secretary_reads_their_organization_but_the_park_keeps_its_record(world):
    """Kind, status, demonstration point, dissolution: the park's record of the organization, not the secretary's."""
    client = client_for(world, "secretary_a")
    organization = world.in_a.organization
    page = client.get(url("partyorganization", "detail", organization.pk))
    assert page.status_code == 200
    assert url("partyorganization", "edit", organization.pk) not in page.text
    assert client.get(url("partyorganization", "edit", organization.pk)).status_code == 403
    data = {"name": organization.name, "is_demonstration_point": "1", "version": organization.version}
    assert client.post(url("partyorganization", "edit", organization.pk), data).status_code == 403
    assert client.get(url("partyorganization", "dissolve", organization.pk)).status_code == 403
    assert client.get(url("partyorganization", "add")).status_code == 403
    organization.refresh_from_db()
    assert not organization.is_demonstration_point


@pytest.mark.parametrize("slug", ["park", "parkstaffing", "instructor"])
def test_secretary_may_not_write_park_records(world, slug):
    client = client_for(world, "secretary_a")
    assert client.get(url(slug, "add")).status_code == 403


# --- Party organizations: search, filters, form, panels ------------------------------------


@pytest.fixture
def joint_branch(world):
    """A joint branch being formed in park A: a demonstration point covering two enterprises."""
    branch = f.PartyOrganizationFactory(
        name="城西联合党支部",
        park=world.zone_a,
        kind=OrganizationKind.JOINT_BRANCH,
        formation_mode=FormationMode.JOINT,
        status=OrganizationStatus.FORMING,
        founded_on=None,
        forming_since=datetime.date(2024, 3, 1),
        is_demonstration_point=True,
        demonstration_level="county",
    )
    f.EnterpriseFactory(organization=branch, name="联合甲公司")
    f.EnterpriseFactory(organization=branch, name="联合乙公司")
    return branch


def test_organization_list_search_and_filters(world, joint_branch):
    client = client_for(world, "staff_a")
    in_a, other_in_a, in_a1 = world.in_a.organization, world.other_in_a.organization, world.in_a1.organization
    assert listed(client, "partyorganization") == {in_a.pk, other_in_a.pk, in_a1.pk, joint_branch.pk}
    assert listed(client, "partyorganization", q="联合") == {joint_branch.pk}
    assert listed(client, "partyorganization", park=world.sub_a1.pk) == {in_a1.pk}
    assert listed(client, "partyorganization", park=world.zone_a.pk) == {in_a.pk, other_in_a.pk, joint_branch.pk}
    assert listed(client, "partyorganization", kind=OrganizationKind.JOINT_BRANCH) == {joint_branch.pk}
    assert listed(client, "partyorganization", kind=OrganizationKind.BRANCH) == {in_a.pk, other_in_a.pk, in_a1.pk}
    assert listed(client, "partyorganization", status=OrganizationStatus.FORMING) == {joint_branch.pk}
    assert listed(client, "partyorganization", formation_mode=FormationMode.JOINT) == {joint_branch.pk}
    assert listed(client, "partyorganization", is_demonstration_point="1") == {joint_branch.pk}
    assert joint_branch.pk not in listed(client, "partyorganization", is_demonstration_point="0")


def test_organization_list_sorts_and_counts_members_and_enterprises(world, joint_branch):
    client = client_for(world, "staff_a")
    response = client.get(url("partyorganization", "list"), {"sort": "-enterprise_count"})
    rows = response.context["rows"]
    assert rows[0]["object"] == joint_branch
    assert rows[0]["object"].enterprise_count == 2
    assert rows[0]["object"].member_count == 0
    names = [
        row["object"].name for row in client.get(url("partyorganization", "list"), {"sort": "name"}).context["rows"]
    ]
    assert names == sorted(names)


def test_organization_form_offers_no_dissolved_status(world):
    client = client_for(world, "staff_a")
    form = client.get(url("partyorganization", "edit", world.in_a.organization.pk)).context["form"]
    statuses = [value for value, _label in form.fields["status"].choices]
    assert OrganizationStatus.DISSOLVED not in statuses
    assert OrganizationStatus.FORMING in statuses


def test_organization_form_cannot_set_dissolved_status(world):
    client = client_for(world, "staff_a")
    organization = world.in_a.organization
    data = edit_data(client, "partyorganization", organization.pk)
    data["status"] = OrganizationStatus.DISSOLVED
    response = client.post(url("partyorganization", "edit", organization.pk), data)
    assert response.status_code == 400
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ACTIVE


def test_organization_secretary_and_parent_choices_are_narrowed(world):
    client = client_for(world, "staff_a")
    organization = world.in_a.organization
    child = f.PartyOrganizationFactory(park=world.zone_a, parent=organization)
    ended = f.MemberFactory(organization=organization, ended_on=datetime.date(2023, 1, 1), end_reason="deceased")
    form = client.get(url("partyorganization", "edit", organization.pk)).context["form"]
    assert set(form.fields["secretary"].queryset) == {world.in_a[Member]}
    assert ended not in form.fields["secretary"].queryset
    parents = set(form.fields["parent"].queryset)
    assert organization not in parents
    assert child not in parents
    assert world.other_in_a.organization in parents
    assert world.in_b.organization not in parents
    add_form = client.get(url("partyorganization", "add")).context["form"]
    assert not add_form.fields["secretary"].queryset.exists()
    assert world.zone_b not in add_form.fields["park"].queryset


def test_organization_whose_parent_is_out_of_scope_keeps_its_parent(world):
    organization = world.in_a1.organization
    organization.parent = world.in_a.organization
    organization.save()
    client = client_for(world, "staff_a1")
    data = edit_data(client, "partyorganization", organization.pk)
    assert "parent" not in data
    data["notes"] = "城西园区修改"
    assert client.post(url("partyorganization", "edit", organization.pk), data).status_code == 302
    organization.refresh_from_db()
    assert organization.parent == world.in_a.organization
    assert organization.notes == "城西园区修改"


def test_organization_secretary_from_another_organization_is_refused(world):
    client = client_for(world, "staff_a")
    organization = world.in_a.organization
    data = edit_data(client, "partyorganization", organization.pk)
    data["secretary"] = world.other_in_a[Member].pk
    response = client.post(url("partyorganization", "edit", organization.pk), data)
    assert response.status_code == 400
    organization.refresh_from_db()
    assert organization.secretary_id is None


def test_organization_choosing_its_own_member_as_secretary(world):
    client = client_for(world, "staff_a")
    organization = world.in_a.organization
    data = edit_data(client, "partyorganization", organization.pk)
    data["secretary"] = world.in_a[Member].pk
    assert client.post(url("partyorganization", "edit", organization.pk), data).status_code == 302
    organization.refresh_from_db()
    assert organization.secretary == world.in_a[Member]


def test_organization_detail_shows_covered_enterprises_members_children_and_next_election(world, joint_branch):
    client = client_for(world, "staff_a")
    member = f.MemberFactory(organization=joint_branch, name="联合支部党员")
    f.MemberFactory(
        organization=joint_branch, name="已转出党员", ended_on=datetime.date(2024, 5, 1), end_reason="transferred_out"
    )
    child = f.PartyOrganizationFactory(park=world.zone_a, parent=joint_branch, name="联合支部下属党小组")
    joint_branch.last_election_on = datetime.date(2024, 6, 1)
    joint_branch.save()
    response = client.get(url("partyorganization", "detail", joint_branch.pk))
    assert response.status_code == 200
    text = response.text
    assert "联合甲公司" in text
    assert "联合乙公司" in text
    assert member.name in text
    assert "已转出党员" not in text
    assert child.name in text
    assert "2027-06-01" in text  # next term election: a branch's term is three years
    list_response = client.get(url("partyorganization", "list"), {"q": "联合党支部"})
    assert "2027-06-01" in list_response.text


def test_meetings_record_is_one_aggregate_query(world):
    organization = world.in_a.organization
    staff = world.user("staff_a")
    kinds = {
        ActivityKind.COMMITTEE_MEETING: [
            datetime.date(2025, 1, 10),
            datetime.date(2025, 1, 20),
            datetime.date(2025, 3, 5),
        ],
        ActivityKind.GROUP_MEETING: [datetime.date(2025, 2, 10)],
        ActivityKind.BRANCH_GENERAL_MEETING: [datetime.date(2025, 2, 28)],
        ActivityKind.PARTY_LECTURE: [datetime.date(2025, 4, 2)],
        ActivityKind.THEME_DAY: [datetime.date(2025, 1, 15)],
    }
    for kind, days in kinds.items():
        for day in days:
            f.ActivityFactory(organization=organization, kind=kind, held_on=day)
    f.ActivityFactory(
        organization=world.other_in_a.organization, kind=ActivityKind.GROUP_MEETING, held_on=datetime.date(2025, 1, 3)
    )
    scope_for(staff)  # the user's scope is worked out once per request, before any page is built
    with CaptureQueriesContext(connection) as queries:
        panel = meetings_panel(organization, staff, datetime.date(2025, 5, 20))
    assert len(queries) == 1
    committee, group = panel.extra["monthly"]
    assert [cell["state"] for cell in committee["cells"]] == (
        ["held", "missed", "held", "missed", "open"] + ["future"] * 7
    )
    assert committee["cells"][0]["count"] == 2
    assert (committee["held"], committee["due"]) == (2, 4)
    assert [cell["state"] for cell in group["cells"][:3]] == ["missed", "held", "missed"]
    general, lecture = panel.extra["quarterly"]
    assert [cell["state"] for cell in general["cells"]] == ["held", "open", "future", "future"]
    assert [cell["state"] for cell in lecture["cells"]] == ["missed", "held", "future", "future"]


def test_meetings_before_founding_are_not_due(world):
    # Founded in mid-April: April and the second quarter are not owed (the figures engine's rule).
    organization = f.PartyOrganizationFactory(park=world.zone_a, founded_on=datetime.date(2025, 4, 15))
    f.ActivityFactory(
        organization=organization, kind=ActivityKind.COMMITTEE_MEETING, held_on=datetime.date(2025, 4, 20)
    )
    panel = meetings_panel(organization, world.user("staff_a"), datetime.date(2025, 7, 20))
    committee = panel.extra["monthly"][0]
    assert [cell["state"] for cell in committee["cells"][:7]] == ["na", "na", "na", "held", "missed", "missed", "open"]
    assert (committee["held"], committee["due"]) == (0, 2)  # April's meeting is welcome but was not owed
    general = panel.extra["quarterly"][0]
    assert [cell["state"] for cell in general["cells"]] == ["na", "na", "open", "future"]
    assert (general["held"], general["due"]) == (0, 0)


def test_term_election_is_due_soon_within_the_figures_horizon(world):
    today = datetime.date(2025, 6, 20)
    organization = world.in_a.organization
    for last_election, state in [
        (datetime.date(2022, 9, 18), "soon"),  # due in 90 days
        (datetime.date(2022, 9, 19), "ok"),  # due in 91 days
        (datetime.date(2022, 6, 19), "overdue"),
    ]:
        organization.last_election_on = last_election
        assert term_panel(organization, today).extra["state"] == state


def test_activities_of_last_twelve_months_by_month_and_kind(world):
    organization = world.in_a.organization
    for day, kind in [
        (datetime.date(2024, 6, 1), ActivityKind.THEME_DAY),  # thirteen months back: not counted
        (datetime.date(2024, 7, 3), ActivityKind.THEME_DAY),
        (datetime.date(2024, 7, 20), ActivityKind.THEME_DAY),
        (datetime.date(2025, 6, 10), ActivityKind.PARTY_LECTURE),
    ]:
        f.ActivityFactory(organization=organization, kind=kind, held_on=day)
    staff = world.user("staff_a")
    with CaptureQueriesContext(connection) as queries:
        panel = activities_panel(organization, staff, datetime.date(2025, 6, 20))
    assert len([q for q in queries if "organizations_activity" in q["sql"]]) == 1
    extra = panel.extra
    assert extra["months"][0] == "2024-07"
    assert extra["months"][-1] == "2025-06"
    rows = {row["label"]: row for row in extra["table"]}
    assert rows[ActivityKind.THEME_DAY.label]["cells"][0] == 2
    assert rows[ActivityKind.THEME_DAY.label]["total"] == 2
    assert rows[ActivityKind.PARTY_LECTURE.label]["cells"][-1] == 1
    assert extra["total"] == 3


# --- found and dissolve -------------------------------------------------------------------


def test_found_a_forming_organization(world, joint_branch):
    client = client_for(world, "staff_a")
    assert client.get(url("partyorganization", "found", joint_branch.pk)).status_code == 200
    data = {"version": joint_branch.version, "founded_on": "2024-09-01"}
    response = client.post(url("partyorganization", "found", joint_branch.pk), data)
    assert response.status_code == 302
    joint_branch.refresh_from_db()
    assert joint_branch.status == OrganizationStatus.ACTIVE
    assert joint_branch.founded_on == datetime.date(2024, 9, 1)
    assert last_entry(joint_branch).history_user == world.staff_a


def test_found_is_validated(world, joint_branch):
    client = client_for(world, "staff_a")
    target = url("partyorganization", "found", joint_branch.pk)
    before_forming = client.post(target, {"version": joint_branch.version, "founded_on": "2023-01-01"})
    assert before_forming.status_code == 400
    in_future = client.post(target, {"version": joint_branch.version, "founded_on": "2999-01-01"})
    assert in_future.status_code == 400
    assert client.post(target, {"version": joint_branch.version}).status_code == 400
    joint_branch.refresh_from_db()
    assert joint_branch.status == OrganizationStatus.FORMING
    # Only an organization being formed is founded.
    active = world.in_a.organization
    response = client.post(url("partyorganization", "found", active.pk), {"founded_on": "2024-01-01"})
    assert response.status_code == 404
    page = client.get(url("partyorganization", "detail", active.pk)).text
    assert url("partyorganization", "found", active.pk) not in page


def test_dissolve_an_organization_without_members(world):
    client = client_for(world, "staff_a")
    organization = f.PartyOrganizationFactory(park=world.zone_a, formation_mode=FormationMode.OWN)
    enterprise = f.EnterpriseFactory(organization=organization)
    data = {"version": organization.version, "dissolved_on": "2024-10-01", "dissolution_reason": "企业注销"}
    response = client.post(url("partyorganization", "dissolve", organization.pk), data)
    assert response.status_code == 302
    organization.refresh_from_db()
    enterprise.refresh_from_db()
    assert organization.status == OrganizationStatus.DISSOLVED
    assert organization.dissolved_on == datetime.date(2024, 10, 1)
    assert organization.dissolution_reason == "企业注销"
    assert last_entry(organization).history_user == world.staff_a
    assert enterprise.organization is None
    assert enterprise.coverage_mode == CoverageMode.NONE
    # Dissolved once, the action is gone; the edit form keeps the status.
    assert client.post(url("partyorganization", "dissolve", organization.pk), data).status_code == 404
    data = edit_data(client, "partyorganization", organization.pk)
    assert "status" not in data  # shown, but not editable
    data["notes"] = "档案已移交"
    assert client.post(url("partyorganization", "edit", organization.pk), data).status_code == 302
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.DISSOLVED
    assert organization.notes == "档案已移交"


def test_dissolve_is_refused_while_members_remain(world):
    client = client_for(world, "staff_a")
    organization = world.in_a.organization
    data = {"version": organization.version, "dissolved_on": "2024-10-01", "dissolution_reason": "合并"}
    response = client.post(url("partyorganization", "dissolve", organization.pk), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ACTIVE


def test_dissolve_needs_a_reason_and_a_date_after_founding(world):
    client = client_for(world, "staff_a")
    organization = f.PartyOrganizationFactory(park=world.zone_a, founded_on=datetime.date(2020, 1, 1))
    target = url("partyorganization", "dissolve", organization.pk)
    no_reason = client.post(target, {"version": organization.version, "dissolved_on": "2024-10-01"})
    assert no_reason.status_code == 400
    assert "dissolution_reason" in no_reason.context["form"].errors
    too_early = client.post(
        target, {"version": organization.version, "dissolved_on": "2019-01-01", "dissolution_reason": "撤销"}
    )
    assert too_early.status_code == 400
    assert "dissolved_on" in too_early.context["form"].errors
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ACTIVE


def test_stale_dissolve_is_refused(world):
    client = client_for(world, "staff_a")
    organization = f.PartyOrganizationFactory(park=world.zone_a)
    old_version = organization.version
    colleague = f.ParkStaffFactory(park=world.zone_a, last_name="王", first_name="五")
    organization.notes = "同事先改"
    save_record(organization, user=colleague, expected_version=organization.version)
    data = {"version": old_version, "dissolved_on": "2024-10-01", "dissolution_reason": "撤销"}
    response = client.post(url("partyorganization", "dissolve", organization.pk), data)
    assert response.status_code == 400
    assert "王五" in response.text
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ACTIVE


# --- service centres, instructors, funding --------------------------------------------------


def test_service_centre_search_and_filters(world):
    client = client_for(world, "staff_a")
    online = f.ServiceCenterFactory(park=world.zone_a, kind=ServiceCenterKind.ONLINE, name="甲园区线上党建平台")
    centres = {bundle[ServiceCenter].pk for bundle in (world.in_a, world.other_in_a, world.in_a1)}
    assert listed(client, "servicecenter") == centres | {online.pk}
    assert listed(client, "servicecenter", q="线上") == {online.pk}
    assert listed(client, "servicecenter", kind=ServiceCenterKind.ONLINE) == {online.pk}
    assert listed(client, "servicecenter", park=world.sub_a1.pk) == {world.in_a1[ServiceCenter].pk}


def test_service_centre_organization_must_be_in_its_park(world):
    client = client_for(world, "staff_a")
    data = {
        "name": "错园区中心",
        "kind": ServiceCenterKind.OFFLINE,
        "park": world.zone_a.pk,
        "organization": world.in_a1.organization.pk,
        "opened_on": "2021-05-01",
    }
    response = client.post(url("servicecenter", "add"), data)
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors


def test_instructor_list_masks_phones_counts_enterprises_and_filters(world):
    client = client_for(world, "staff_a")
    instructor = world.in_a[Instructor]
    instructor.name = "唯一指导员"
    instructor.phone = "13812345678"
    instructor.save()
    f.EnterpriseFactory(park=world.zone_a, instructor=instructor, name="另一家企业")
    response = client.get(url("instructor", "list"))
    assert "138****5678" in response.text
    assert "13812345678" not in response.text
    row = next(row for row in response.context["rows"] if row["object"] == instructor)
    assert row["object"].enterprises_posted == 2
    assert listed(client, "instructor", q=instructor.name) == {instructor.pk}
    assert listed(client, "instructor", park=world.sub_a1.pk) == {world.in_a1[Instructor].pk}


def test_instructor_detail_shows_enterprises_and_evaluations(world):
    client = client_for(world, "staff_a")
    instructor = world.in_a[Instructor]
    f.InstructorEvaluationFactory(instructor=instructor, year=2024, quarter=3, score=Decimal("87.5"))
    response = client.get(url("instructor", "detail", instructor.pk))
    assert world.in_a[Enterprise].name in response.text
    assert "87.5" in response.text


def test_funding_filters_and_search(world):
    client = client_for(world, "staff_a")
    award = f.FundingFactory(
        organization=world.other_in_a.organization, kind=FundingKind.PERFORMANCE_AWARD, note="年度考核优秀"
    )
    fundings = {bundle[Funding].pk for bundle in (world.in_a, world.other_in_a, world.in_a1)}
    assert listed(client, "funding") == fundings | {award.pk}
    assert listed(client, "funding", kind=FundingKind.PERFORMANCE_AWARD) == {award.pk}
    assert listed(client, "funding", organization=world.in_a.organization.pk) == {world.in_a[Funding].pk}
    assert listed(client, "funding", q="考核优秀") == {award.pk}


def test_funding_recipient_choices_are_the_organization_members(world):
    client = client_for(world, "staff_a")
    funding = world.in_a[Funding]
    form = client.get(url("funding", "edit", funding.pk)).context["form"]
    assert set(form.fields["recipient"].queryset) == {world.in_a[Member]}
    add_form = client.get(url("funding", "add"), {"organization": world.other_in_a.organization.pk}).context["form"]
    assert set(add_form.fields["recipient"].queryset) == {world.other_in_a[Member]}
    assert world.in_b[Member] not in client.get(url("funding", "add")).context["form"].fields["recipient"].queryset
    data = edit_data(client, "funding", funding.pk)
    data["recipient"] = world.other_in_a[Member].pk
    assert client.post(url("funding", "edit", funding.pk), data).status_code == 400


# --- parks and staffing -------------------------------------------------------------------


def test_park_list_counts_search_and_filter(world):
    client = client_for(world, "staff_a")
    response = client.get(url("park", "list"))
    rows = {row["object"]: row["object"] for row in response.context["rows"]}
    assert set(rows) == {world.zone_a, world.sub_a1}
    zone = rows[world.zone_a]
    assert (zone.child_count, zone.enterprise_count, zone.organization_count) == (1, 3, 3)
    assert (rows[world.sub_a1].enterprise_count, rows[world.sub_a1].organization_count) == (1, 1)
    assert listed(client, "park", q="城西") == {world.sub_a1.pk}
    assert listed(client, "park", q="A1") == {world.sub_a1.pk}
    assert listed(client, "park", parent=world.zone_a.pk) == {world.sub_a1.pk}


def test_park_detail_shows_sub_parks_staffing_and_figures(world):
    client = client_for(world, "staff_a")
    response = client.get(url("park", "detail", world.zone_a.pk))
    assert world.sub_a1.name in response.text
    assert str(world.in_a[ParkStaffing].year) in response.text
    figures = next(panel for panel in response.context["panels"] if panel.template.endswith("park_figures.html"))
    values = [figure["value"] for figure in figures.extra["figures"]]
    # enterprises, operating, building, organizations, forming, members, enterprises with an organization
    assert values == [3, 3, 0, 3, 0, 3, 3]


def test_park_staff_add_sub_parks_only(world):
    client = client_for(world, "staff_a")
    form = client.get(url("park", "add")).context["form"]
    assert set(form.fields["parent"].queryset) == {world.zone_a, world.sub_a1}
    response = client.post(url("park", "add"), {"code": "ZONE", "name": "新园区", "sort_order": "0"})
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    response = client.post(
        url("park", "add"), {"code": "X", "name": "越权园区", "parent": world.zone_b.pk, "sort_order": "0"}
    )
    assert response.status_code == 400
    assert not Park.objects.filter(code__in=["ZONE", "X"]).exists()


def test_park_staff_do_not_move_their_own_park_but_may_move_a_sub_park(world):
    client = client_for(world, "staff_a")
    assert "parent" not in client.get(url("park", "edit", world.zone_a.pk)).context["form"].fields
    sub_form = client.get(url("park", "edit", world.sub_a1.pk)).context["form"]
    assert set(sub_form.fields["parent"].queryset) == {world.zone_a}
    sub_staff = client_for(world, "staff_a1")
    assert "parent" not in sub_staff.get(url("park", "edit", world.sub_a1.pk)).context["form"].fields


def test_administrator_adds_a_zone(world):
    client = client_for(world, "admin")
    response = client.post(url("park", "add"), {"code": "C", "name": "丙工业园区", "sort_order": "3"})
    assert response.status_code == 302
    zone = Park.objects.get(code="C")
    assert zone.parent is None
    assert last_entry(zone).history_user == world.admin


def test_park_staffing_filters_and_one_record_per_year(world):
    client = client_for(world, "staff_a")
    # Factory staffing years count up from 2000; 1999 is this test's own.
    later = f.ParkStaffingFactory(park=world.zone_a, year=1999)
    in_zone_a = {world.in_a[ParkStaffing].pk, world.other_in_a[ParkStaffing].pk, later.pk}
    assert listed(client, "parkstaffing") == in_zone_a | {world.in_a1[ParkStaffing].pk}
    assert listed(client, "parkstaffing", park=world.zone_a.pk) == in_zone_a
    assert listed(client, "parkstaffing", park=world.sub_a1.pk) == {world.in_a1[ParkStaffing].pk}
    assert listed(client, "parkstaffing", year=1999) == {later.pk}
    data = {"park": world.zone_a.pk, "year": "1999", "posts_authorised": "8", "posts_actual": "8"}
    response = client.post(url("parkstaffing", "add"), data)
    assert response.status_code == 400
    assert "__all__" in response.context["form"].errors or "year" in response.context["form"].errors
    assert ParkStaffing.objects.filter(park=world.zone_a, year=1999).count() == 1


# --- the number of queries does not grow with the data ---------------------------------------
#
# Bulk records take their serial numbers from the rows already there; years stay below 1949, which the
# factories never use, so nothing collides with a unique constraint.


def serial(model) -> int:
    return model.objects.count()


def grow_organizations(world: World, n: int) -> None:
    """n organizations in park A (each with a secretary), and n of everything on A's organization."""
    organization = world.in_a.organization
    start = serial(PartyOrganization)
    new = PartyOrganization.objects.bulk_create(
        PartyOrganization(
            name=f"批量党支部{start + i}",
            kind=OrganizationKind.BRANCH,
            status=OrganizationStatus.ACTIVE,
            formation_mode=FormationMode.OWN,
            park=world.zone_a if i % 2 else world.sub_a1,
            parent=organization if i % 3 == 0 else None,
            founded_on=datetime.date(2016, 1, 1),
        )
        for i in range(n)
    )
    start = serial(Member)
    members = Member.objects.bulk_create(
        Member(
            name=f"批量党员{start + i}",
            id_number=f.make_resident_id(500_000 + start + i),
            organization=org,
            joined_on=datetime.date(2015, 7, 1),
        )
        for i, org in enumerate(new)
    )
    for org, member in zip(new, members, strict=True):
        org.secretary = member
    PartyOrganization.objects.bulk_update(new, ["secretary"])
    start = serial(Member)
    Member.objects.bulk_create(
        Member(
            name=f"本支部党员{start + i}",
            id_number=f.make_resident_id(500_000 + start + i),
            organization=organization,
            joined_on=datetime.date(2015, 7, 1),
        )
        for i in range(n)
    )
    start = serial(Enterprise)
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=f.make_uscc(700_000 + start + i),
            name=f"批量企业{start + i}",
            park=world.zone_a,
            organization=organization,
            coverage_mode=CoverageMode.OWN,
            instructor=world.in_a[Instructor],
        )
        for i in range(n)
    )
    today = datetime.date.today()
    kinds = list(ActivityKind)[:6]  # organization life
    Activity.objects.bulk_create(
        Activity(
            park=world.zone_a,
            organization=organization,
            kind=kinds[i % len(kinds)],
            title=f"批量活动{i}",
            held_on=today - datetime.timedelta(days=i % 330),
            place=world.in_a[ServiceCenter],
        )
        for i in range(n)
    )
    Funding.objects.bulk_create(
        Funding(
            organization=organization,
            kind=FundingKind.SECRETARY_ALLOWANCE,
            paid_on=datetime.date(2023, 1, 1),
            amount=Decimal("150"),
            recipient=world.in_a[Member],
        )
        for _i in range(n)
    )


def grow_centres(world: World, n: int) -> None:
    start = serial(ServiceCenter)
    ServiceCenter.objects.bulk_create(
        ServiceCenter(
            name=f"批量中心{start + i}",
            kind=ServiceCenterKind.OFFLINE,
            park=world.zone_a,
            organization=world.in_a.organization if i % 2 else None,
            opened_on=datetime.date(2020, 1, 1),
        )
        for i in range(n)
    )
    grow_organizations(world, n)  # activities held at A's centre


def grow_instructors(world: World, n: int) -> None:
    start = serial(Instructor)
    Instructor.objects.bulk_create(
        Instructor(name=f"批量指导员{start + i}", park=world.zone_a, phone="13800000000") for i in range(n)
    )
    start = serial(InstructorEvaluation)
    InstructorEvaluation.objects.bulk_create(
        InstructorEvaluation(instructor=world.in_a[Instructor], year=1000 + start + i, quarter=1, score=Decimal(80))
        for i in range(n)
    )
    grow_organizations(world, n)  # enterprises posted to A's instructor


def grow_parks(world: World, n: int) -> None:
    start = serial(Park)
    Park.objects.bulk_create(
        Park(code=f"BULK{start + i}", name=f"批量园区{start + i}", parent=world.zone_a, sort_order=i) for i in range(n)
    )
    start = serial(ParkStaffing)
    ParkStaffing.objects.bulk_create(
        ParkStaffing(park=world.zone_a, year=1000 + start + i, posts_authorised=10, posts_actual=5) for i in range(n)
    )
    grow_organizations(world, n)  # enterprises, organizations and members counted


def grow_staffing(world: World, n: int) -> None:
    start = serial(ParkStaffing)
    ParkStaffing.objects.bulk_create(
        ParkStaffing(park=world.sub_a1, year=1000 + start + i, posts_authorised=10, posts_actual=5) for i in range(n)
    )


def grow_funding(world: World, n: int) -> None:
    grow_organizations(world, n)


GROW = {
    "partyorganization": grow_organizations,
    "servicecenter": grow_centres,
    "instructor": grow_instructors,
    "park": grow_parks,
    "parkstaffing": grow_staffing,
    "funding": grow_funding,
}


@every_entity
@pytest.mark.parametrize("persona", ["staff_a", "county", "secretary_a"])
def test_list_and_detail_queries_do_not_grow_with_the_data(world, case, persona):
    client = client_for(world, persona)
    pages = [url(case.slug, "list")]
    record = case.record(world)
    if persona == "secretary_a":
        visible = case.secretary_sees(world)
        if visible is None:
            return  # secretaries are refused park staffing (test_secretary_sees_only_their_organization)
        record = case.model.objects.get(pk=min(visible)) if visible else None
    if record is not None:
        pages.append(url(case.slug, "detail", record.pk))
    GROW[case.slug](world, 5)
    before = [count_queries(client, page, warm=True) for page in pages]
    GROW[case.slug](world, 195)
    after = [count_queries(client, page, warm=True) for page in pages]
    assert after == before
    if persona == "staff_a":
        assert len(listed(client, case.slug)) >= 50  # the first page is full
