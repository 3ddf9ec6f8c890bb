"""load_demo: the demo county reproduces the 2023 figures of seed 002, and the command contract.

The demo is the session's (``demo`` in ``conftest.py``: loaded once, its tests
run last, each rolled back); every figure is counted straight from the ORM as of 31 December 2023.
"""

import datetime
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min, Sum
from django.test import override_settings
from django.utils import timezone
from stdnum.cn import ric, uscc

from members.models import Applicant, DevelopmentQuota, Member, add_years
from organizations.models import (
    INFRASTRUCTURE_CATEGORIES,
    Activity,
    Enterprise,
    EnterpriseSurvey,
    Funding,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceRequest,
)
from parkparty.core.models import Role, User
from parkparty.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

YEAR_END = datetime.date(2023, 12, 31)
YEAR_END_AT = timezone.make_aware(datetime.datetime(2023, 12, 31, 23, 59, 59, 999999))  # Asia/Shanghai


@pytest.fixture
def enterprises_2023(demo_parks):
    """The enterprises of the demo as they stood at the end of 2023, from their history."""
    rows = list(Enterprise.history.as_of(YEAR_END_AT).filter(park_id__in=demo_parks))
    assert len(rows) == len({row.pk for row in rows}), "one state per enterprise"
    return [e for e in rows if e.founded_on <= YEAR_END and not (e.deregistered_on and e.deregistered_on <= YEAR_END)]


def test_enterprises_existing_operating_and_under_construction(enterprises_2023):
    statuses = Counter(e.status for e in enterprises_2023)
    assert len(enterprises_2023) == 50
    assert statuses == {"operating": 42, "under_construction": 8}
    assert Enterprise.objects.filter(pk__in=[e.pk for e in enterprises_2023], status="under_construction").count() < 8


def test_organization_coverage_at_the_end_of_2023(demo_parks, enterprises_2023):
    founded = set(PartyOrganization.objects.founded_as_of(YEAR_END).values_list("pk", flat=True))
    covered = [e for e in enterprises_2023 if e.organization_id in founded]
    assert len(covered) == 29
    assert Counter(e.coverage_mode for e in covered) == {"own": 14, "joint": 10, "affiliated": 5}
    per_joint_org = Counter(e.organization_id for e in covered if e.coverage_mode == "joint")
    assert max(per_joint_org.values()) >= 3

    forming = {o.pk: o for o in PartyOrganization.objects.forming_as_of(YEAR_END).filter(park_id__in=demo_parks)}
    being_formed = Counter(
        forming[e.organization_id].formation_mode for e in enterprises_2023 if e.organization_id in forming
    )
    assert being_formed == {"own": 2, "joint": 4}
    assert PartyOrganization.objects.filter(pk__in=forming, founded_on__year=2024).count() >= 2

    uncovered = [e for e in enterprises_2023 if e.organization_id is None]
    assert len(uncovered) == 50 - 29 - 6
    with_instructor = [e for e in uncovered if e.instructor_id]
    assert 0 < len(with_instructor) < len(uncovered)
    assert all(e.no_organization_reason for e in uncovered if not e.instructor_id)


def test_every_enterprise_was_surveyed_in_2023(enterprises_2023):
    surveyed = set(EnterpriseSurvey.objects.filter(surveyed_on__year=2023).values_list("enterprise_id", flat=True))
    assert surveyed == {e.pk for e in enterprises_2023}


def test_members_at_the_end_of_2023(demo_parks):
    members = Member.objects.as_of(YEAR_END).filter(organization__park_id__in=demo_parks)
    assert members.count() == 83
    states = [m for m in Member.history.as_of(YEAR_END_AT) if m.pk in set(members.values_list("pk", flat=True))]
    categories = Counter(m.category for m in states)
    assert categories["full"] + categories["probationary"] == 83 and categories["probationary"] > 0
    assert any(m.status == "mobile" for m in states) and any(m.is_frontline for m in states)
    admitted = Counter(Applicant.objects.filter(member__in=members).values_list("admitted_on__year", flat=True))
    assert admitted[2021] and admitted[2022] and admitted[2023]
    assert members.filter(transferred_in_on__isnull=False).count() > 50  # experienced members transferred in


def test_development_quota_missed_in_2022_and_2023(demo_parks):
    for year, missed in ((2021, False), (2022, True), (2023, True)):
        quota = DevelopmentQuota.objects.get(park__code="DEMO", year=year).quota
        admitted = Applicant.objects.filter(organization__park_id__in=demo_parks, admitted_on__year=year).count()
        assert (admitted < quota) == missed
    assert Applicant.objects.filter(dossier_submitted_on__year=2023).exists()
    for stage in ("applicant", "activist", "candidate", "probationary"):
        assert Applicant.objects.at_stage(stage, YEAR_END).exists()


def test_secretary_trainings_of_2023(demo_parks):
    trainings = Activity.objects.filter(
        park_id__in=demo_parks, kind="training", audience="secretaries", held_on__year=2023
    )
    assert trainings.count() == 6
    assert trainings.aggregate(total=Sum("actual_attendance"))["total"] == 24


def test_service_requests_closed_in_2023(demo_parks):
    closed = ServiceRequest.objects.filter(
        park_id__in=demo_parks, received_on__year=2023, status="closed", closed_on__lte=YEAR_END
    )
    assert closed.filter(category__in=INFRASTRUCTURE_CATEGORIES).count() == 26
    flats = closed.filter(category="talent_flat").aggregate(flats=Sum("quantity"), people=Sum("people_served"))
    assert flats == {"flats": 43, "people": 53}
    assert closed.filter(category="schooling").aggregate(people=Sum("people_served"))["people"] == 17


def test_staffing_of_2023(demo):
    staffing = ParkStaffing.objects.get(park__code="DEMO", year=2023)
    assert (staffing.posts_authorised, staffing.posts_actual) == (10, 6)


def test_funding_of_2023(demo_parks):
    paid = Funding.objects.filter(organization__park_id__in=demo_parks, paid_on__year=2023)
    startup = paid.filter(kind="startup_fund")
    founded_2023 = PartyOrganization.objects.filter(park_id__in=demo_parks, founded_on__year=2023)
    assert founded_2023.exists()
    assert set(startup.values_list("organization_id", flat=True)) == set(founded_2023.values_list("pk", flat=True))
    assert set(startup.values_list("amount", flat=True)) == {Decimal(5000)}
    allowances = list(paid.filter(kind="secretary_allowance"))
    assert allowances and {a.monthly_amount for a in allowances} == {Decimal(150)}
    assert all(a.recipient_id == a.organization.secretary_id for a in allowances)
    awards = paid.filter(kind="performance_award")
    assert awards.aggregate(low=Min("amount"), high=Max("amount")) == {"low": Decimal(2000), "high": Decimal(6000)}
    assert set(awards.values_list("paid_on__month", flat=True)) == {12}


def test_identifiers_are_valid(demo):
    assert all(uscc.is_valid(code) for code in Enterprise.objects.values_list("uscc", flat=True))
    for model in (Member, Applicant):
        for number in model.objects.values_list("id_number", flat=True):
            assert ric.is_valid(number), number
    for member in Member.objects.all():
        assert add_years(member.birth_date, 18) <= member.joined_on


def test_history_has_one_entry_per_record_and_instant(demo_output):
    for model in apps.get_models():
        if not any(field.name == "history_date" for field in model._meta.fields):
            continue
        pk = model.instance_type._meta.pk.attname
        clashes = model.objects.values(pk, "history_date").annotate(n=Count("history_id")).filter(n__gt=1)
        assert not clashes.exists(), model.__name__


def test_demo_logins_authenticate_with_their_roles(demo_output):
    for username in ("demo-staff", "demo-county", "demo-secretary", "demo-admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
        assert username in demo_output
    assert DEMO_PASSWORD in demo_output
    staff = User.objects.get(username="demo-staff")
    assert staff.role == Role.PARK_STAFF and staff.park.code == "DEMO"
    assert User.objects.get(username="demo-county").role == Role.COUNTY_REVIEWER
    secretary = User.objects.get(username="demo-secretary")
    assert secretary.role == Role.SECRETARY and secretary.organization.status == "active"
    assert secretary.organization.members.current().count() >= 2
    assert secretary.organization.secretary.organization_id == secretary.organization_id
    admin = User.objects.get(username="demo-admin")
    assert admin.role == Role.ADMINISTRATOR and admin.is_staff and admin.is_superuser


def test_second_run_changes_nothing(demo_output):
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    out = StringIO()
    call_command("load_demo", "--force", stdout=out)  # DEBUG is off under pytest
    assert counts == {model._meta.label: model.objects.count() for model in apps.get_models()}
    assert "DEMO" in out.getvalue() and "demo-admin" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_refused_when_debug_is_off_without_force(demo_output):
    parks = Park.objects.count()
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())
    assert Park.objects.count() == parks
