"""The figures engine on small hand-built data sets with known answers.

Records are written through ``save_record`` with dated history, as imports
and the demo write them, so the as-of-year-end rule is exercised on real
history: a state changed in 2024 still counts as it was for 2023.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import CommendationKind, MemberCategory, MemberStatus
from organizations.models import (
    ActivityKind,
    Audience,
    CoverageMode,
    EnterpriseStatus,
    FormationMode,
    FundingKind,
    OrganizationKind,
    OrganizationStatus,
    PartnerDepartment,
    RequestCategory,
    RequestStatus,
)
from parkparty.core.services import save_record
from reports.figures import NO_VALUE, REGISTRY, compute

from . import factories as f

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)
D = datetime.date


@pytest.fixture
def admin():
    return f.AdministratorFactory()


@pytest.fixture
def parks():
    zone = f.ParkFactory(code="Z")
    sub = f.ParkFactory(code="Z1", parent=zone)
    other = f.ParkFactory(code="O")
    return zone, sub, other


def dated(admin, factory, day, **fields):
    """Build a record and save it with its creation dated ``day``."""
    record = factory.build(**fields)
    save_record(record, user=admin, effective=day)
    return record


def change(admin, record, day, **fields):
    for name, value in fields.items():
        setattr(record, name, value)
    save_record(record, user=admin, expected_version=record.version, effective=day)
    return record


def figures(park, year):
    return compute(park, year, today=TODAY)


LONG_AGO = D(2020, 1, 1)
MAY_2023 = D(2023, 5, 1)


def org(admin, park, day=LONG_AGO, **fields):
    fields.setdefault("founded_on", day)
    return dated(admin, f.PartyOrganizationFactory, day, park=park, **fields)


# Enterprises -----------------------------------------------------------------


def test_enterprise_status_is_taken_as_it_was_at_the_year_end(admin, parks):
    zone, sub, other = parks
    changed = dated(admin, f.EnterpriseFactory, D(2023, 6, 30), park=sub, founded_on=D(2019, 1, 1))
    change(admin, changed, D(2024, 3, 1), status=EnterpriseStatus.SUSPENDED)
    dated(admin, f.EnterpriseFactory, D(2023, 6, 30), park=zone, status=EnterpriseStatus.UNDER_CONSTRUCTION)
    dated(admin, f.EnterpriseFactory, D(2023, 6, 30), park=other)  # out of scope

    y2023, y2024 = figures(zone, 2023), figures(zone, 2024)
    assert (y2023["enterprises_total"].value, y2023["enterprises_operating"].value) == (2, 1)
    assert y2023["enterprises_under_construction"].value == 1
    assert y2023["enterprises_suspended"].value == 0
    assert (y2024["enterprises_operating"].value, y2024["enterprises_suspended"].value) == (0, 1)
    assert y2024["enterprises_suspended"].pks == {changed.pk}
    assert figures(None, 2023)["enterprises_total"].value == 3  # the county


def test_founding_and_deregistration_dates_decide_existence(admin, parks):
    zone, _sub, _other = parks
    later = dated(admin, f.EnterpriseFactory, D(2023, 6, 30), park=zone, founded_on=D(2024, 2, 1))
    gone = dated(admin, f.EnterpriseFactory, D(2023, 6, 30), park=zone, founded_on=D(2010, 1, 1))
    change(admin, gone, D(2024, 5, 1), status=EnterpriseStatus.DEREGISTERED, deregistered_on=D(2024, 5, 1))
    # Entered only now, but its founding date says it existed in 2023: counted, in its current state.
    entered_now = f.EnterpriseFactory(park=zone, founded_on=D(2015, 1, 1))
    # Entered now with no founding date: nothing says it existed in 2023.
    undated = f.EnterpriseFactory(park=zone, founded_on=None)

    assert figures(zone, 2023)["enterprises_total"].pks == {gone.pk, entered_now.pk}
    assert figures(zone, 2024)["enterprises_total"].pks == {later.pk, entered_now.pk}
    now = compute(zone, timezone.localdate().year)
    assert now["enterprises_total"].pks == {later.pk, entered_now.pk, undated.pk}


def test_coverage_split_and_rates(admin, parks):
    zone, sub, _other = parks
    own = org(admin, zone)
    joint = org(admin, sub, kind=OrganizationKind.JOINT_BRANCH, formation_mode=FormationMode.JOINT)
    forming = dated(
        admin,
        f.PartyOrganizationFactory,
        D(2023, 3, 1),
        park=zone,
        status=OrganizationStatus.FORMING,
        founded_on=None,
        forming_since=D(2023, 3, 1),
    )
    instructor = dated(admin, f.InstructorFactory, D(2022, 1, 1), park=zone)
    day = D(2023, 6, 30)
    e_own = dated(admin, f.EnterpriseFactory, day, park=zone, organization=own)
    e_joint = [dated(admin, f.EnterpriseFactory, day, park=sub, organization=joint) for _ in range(2)]
    e_forming = dated(admin, f.EnterpriseFactory, day, park=zone, organization=forming, coverage_mode=CoverageMode.OWN)
    e_instructed = dated(admin, f.EnterpriseFactory, day, park=zone, instructor=instructor)
    e_bare = dated(admin, f.EnterpriseFactory, day, park=zone, no_organization_reason="no_members")

    fs = figures(zone, 2023)
    assert fs["enterprises_total"].value == 6
    assert fs["enterprises_with_org"].pks == {e_own.pk, *(e.pk for e in e_joint)}
    assert fs["enterprises_with_org_own"].value == 1
    assert fs["enterprises_with_org_joint"].value == 2
    assert fs["enterprises_with_org_affiliated"].value == 0
    # An organization still being formed covers nobody yet.
    assert fs["enterprises_instructor_only"].pks == {e_instructed.pk}
    assert fs["enterprises_uncovered"].pks == {e_forming.pk, e_bare.pk}
    assert fs["orgs_forming"].pks == {forming.pk}
    assert fs["orgs_forming_enterprises"].pks == {e_forming.pk}
    assert fs["org_coverage_rate"].value == pytest.approx(3 / 6)
    assert fs["org_coverage_rate"].display == "50.0%"
    assert fs["work_coverage_rate"].display == "66.7%"

    change(admin, forming, D(2024, 4, 1), status=OrganizationStatus.ACTIVE, founded_on=D(2024, 4, 1))
    assert figures(zone, 2024)["enterprises_with_org_own"].pks == {e_own.pk, e_forming.pk}
    assert figures(zone, 2023)["enterprises_with_org_own"].pks == {e_own.pk}


def test_rates_with_nothing_to_divide_by_show_a_dash(parks):
    zone, _sub, _other = parks
    fs = figures(zone, 2023)
    assert fs["enterprises_total"].value == 0
    for key in ("org_coverage_rate", "work_coverage_rate", "requests_closure_rate", "dues_collection_rate"):
        assert fs[key].value is None and fs[key].display == NO_VALUE, key


def test_surveyed_counts_surveys_dated_in_the_year(admin, parks):
    zone, _sub, _other = parks
    e1 = dated(admin, f.EnterpriseFactory, D(2022, 6, 30), park=zone)
    e2 = dated(admin, f.EnterpriseFactory, D(2022, 6, 30), park=zone)
    f.EnterpriseSurveyFactory(enterprise=e1, surveyed_on=D(2023, 5, 1))
    f.EnterpriseSurveyFactory(enterprise=e2, surveyed_on=D(2022, 5, 1))
    assert figures(zone, 2023)["enterprises_surveyed"].pks == {e1.pk}
    assert figures(zone, 2022)["enterprises_surveyed"].pks == {e2.pk}


# Organizations ---------------------------------------------------------------


def test_organizations_by_kind_founded_and_dissolved(admin, parks):
    zone, sub, other = parks
    committee = org(admin, zone, kind=OrganizationKind.COMMITTEE)
    general = org(admin, sub, kind=OrganizationKind.GENERAL_BRANCH)
    branch = org(admin, sub)
    joint = org(admin, zone, kind=OrganizationKind.JOINT_BRANCH, formation_mode=FormationMode.JOINT)
    new = org(admin, zone, day=D(2023, 9, 1), is_demonstration_point=True, demonstration_level="county")
    gone = org(admin, zone)
    change(admin, gone, D(2023, 10, 1), status=OrganizationStatus.DISSOLVED, dissolved_on=D(2023, 10, 1))
    org(admin, other)

    fs = figures(zone, 2023)
    assert fs["orgs_total"].pks == {committee.pk, general.pk, branch.pk, joint.pk, new.pk}
    assert fs["orgs_committees"].value == 1
    assert fs["orgs_general_branches"].value == 1
    assert fs["orgs_branches"].pks == {branch.pk, joint.pk, new.pk}
    assert fs["orgs_joint_branches"].pks == {joint.pk}
    assert fs["orgs_founded"].pks == {new.pk}
    assert fs["demonstration_points"].pks == {new.pk}
    assert figures(zone, 2022)["orgs_total"].value == 5  # gone still existed, new did not


def test_service_centres_open_on_the_date(admin, parks):
    zone, _sub, _other = parks
    f.ServiceCenterFactory(park=zone, opened_on=D(2021, 1, 1))
    f.ServiceCenterFactory(park=zone, opened_on=D(2021, 1, 1), closed_on=D(2023, 6, 1))
    f.ServiceCenterFactory(park=zone, opened_on=D(2024, 1, 1))
    assert figures(zone, 2022)["service_centers"].value == 2
    assert figures(zone, 2023)["service_centers"].value == 1
    assert figures(zone, 2024)["service_centers"].value == 2


def test_term_elections_due_within_90_days(admin, parks):
    zone, _sub, _other = parks
    due = org(admin, zone, day=D(2021, 2, 1))  # branch: 3-year term ends 2024-02-01, within 90 days of 2023-12-31
    org(admin, zone, day=D(2021, 6, 1))  # ends 2024-06-01
    overdue = org(admin, zone, day=D(2016, 1, 1), last_election_on=D(2019, 1, 1))
    assert figures(zone, 2023)["elections_due"].pks == {due.pk, overdue.pk}


# Members and development -----------------------------------------------------


def test_members_as_of_the_year_end(admin, parks):
    zone, sub, other = parks
    o, o_other = org(admin, sub), org(admin, other)
    day = D(2023, 1, 10)
    full = dated(admin, f.MemberFactory, day, organization=o)
    probation = dated(
        admin,
        f.MemberFactory,
        day,
        organization=o,
        category=MemberCategory.PROBATIONARY,
        joined_on=D(2023, 5, 1),
        full_on=None,
    )
    change(admin, probation, D(2024, 5, 2), category=MemberCategory.FULL, full_on=D(2024, 5, 1))
    mobile = dated(admin, f.MemberFactory, day, organization=o, status=MemberStatus.MOBILE)
    ended = dated(admin, f.MemberFactory, day, organization=o)
    change(admin, ended, D(2023, 8, 1), ended_on=D(2023, 8, 1), end_reason="transferred_out")
    joined_later = dated(admin, f.MemberFactory, D(2024, 3, 1), organization=o, joined_on=D(2024, 3, 1), full_on=None)
    joined_later.category = MemberCategory.PROBATIONARY
    save_record(joined_later, user=admin, expected_version=joined_later.version, effective=D(2024, 3, 1))
    # A member who moved to another park's organization in 2024 counted where they were in 2023.
    moved = dated(admin, f.MemberFactory, day, organization=o)
    change(admin, moved, D(2024, 2, 1), organization=o_other)

    fs = figures(zone, 2023)
    assert fs["members_total"].pks == {full.pk, probation.pk, mobile.pk}
    assert fs["members_full"].pks == {full.pk, mobile.pk}
    assert fs["members_probationary"].pks == {probation.pk}
    assert fs["members_mobile"].pks == {mobile.pk}
    later = figures(zone, 2024)
    assert later["members_probationary"].pks == {joined_later.pk}
    assert later["members_full"].pks == {full.pk, probation.pk, mobile.pk}
    assert moved.pk in figures(other, 2024)["members_total"].pks


def test_admissions_quota_and_consecutive_missed_years(admin, parks):
    zone, sub, _other = parks
    o = org(admin, sub)
    for year, quota in ((2021, 1), (2022, 2), (2023, 3)):
        f.DevelopmentQuotaFactory(park=zone, year=year, quota=quota)
    f.DevelopmentQuotaFactory(park=sub, year=2023, quota=1)  # sub-park quotas add up

    def admitted(year):
        return f.ApplicantFactory(
            organization=o,
            applied_on=D(year - 3, 1, 1),
            activist_on=D(year - 3, 3, 1),
            candidate_on=D(year - 2, 3, 1),
            admitted_on=D(year, 6, 1),
        )

    a2021 = admitted(2021)
    a2022 = admitted(2022)
    a2023 = [admitted(2023) for _ in range(2)]
    fs = figures(zone, 2023)
    assert fs["members_admitted"].pks == {a.pk for a in a2023}
    assert fs["members_admitted_y1"].pks == {a2022.pk}
    assert fs["members_admitted_y2"].pks == {a2021.pk}
    assert fs["development_quota"].value == 4
    assert fs["quota_missed_years"].value == 2  # 2023 (2 < 4) and 2022 (1 < 2); 2021 met
    assert figures(zone, 2021)["quota_missed_years"].value == 0


def test_pipeline_stages_and_dossiers(admin, parks):
    zone, _sub, _other = parks
    o = org(admin, zone)
    applicant = f.ApplicantFactory(organization=o, applied_on=D(2023, 3, 1))
    activist = f.ApplicantFactory(organization=o, applied_on=D(2022, 3, 1), activist_on=D(2023, 2, 1))
    candidate = f.ApplicantFactory(
        organization=o,
        applied_on=D(2021, 1, 1),
        activist_on=D(2021, 6, 1),
        candidate_on=D(2023, 3, 1),
        dossier_submitted_on=D(2023, 4, 1),
    )
    # Became a candidate only in 2024: an activist at the end of 2023.
    f.ApplicantFactory(organization=o, applied_on=D(2021, 1, 1), activist_on=D(2022, 6, 1), candidate_on=D(2024, 1, 5))
    f.ApplicantFactory(organization=o, applied_on=D(2021, 1, 1), withdrawn_on=D(2023, 1, 1), withdrawn_reason="离职")
    fs = figures(zone, 2023)
    assert fs["applicants"].pks == {applicant.pk}
    assert fs["activists"].value == 2 and activist.pk in fs["activists"].pks
    assert fs["candidates"].pks == {candidate.pk}
    assert fs["dossiers_submitted"].pks == {candidate.pk}
    assert figures(zone, 2024)["dossiers_submitted"].value == 0


def test_pioneer_posts_and_commendations(admin, parks):
    zone, _sub, _other = parks
    o = org(admin, zone)
    member = f.MemberFactory(organization=o)
    f.PioneerPostFactory(member=member, started_on=D(2023, 1, 1))
    f.PioneerPostFactory(member=member, started_on=D(2022, 1, 1), ended_on=D(2023, 6, 30))
    f.CommendationFactory(organization=o, year=2023)
    f.CommendationFactory(organization=o, year=2023, outstanding_member=True)
    f.CommendationFactory(organization=o, year=2023, kind=CommendationKind.EXCELLENT_SECRETARY, member=member)
    f.CommendationFactory(organization=o, year=2022)
    fs = figures(zone, 2023)
    assert fs["pioneer_posts"].value == 1
    assert (fs["commended_orgs"].value, fs["commended_members"].value, fs["commended_secretaries"].value) == (1, 1, 1)


# Activities ------------------------------------------------------------------


def test_activity_counts_and_person_times(admin, parks):
    zone, sub, other = parks
    o = org(admin, sub)

    def activity(kind, held_on=MAY_2023, attendance=5, **fields):
        return f.ActivityFactory(organization=o, kind=kind, held_on=held_on, actual_attendance=attendance, **fields)

    activity(ActivityKind.PARTY_LECTURE, is_special_lecture=True)
    activity(ActivityKind.PARTY_LECTURE)
    activity(ActivityKind.PARTY_LECTURE, held_on=D(2022, 5, 1))
    activity(ActivityKind.TRAINING, attendance=4, audience=Audience.SECRETARIES)
    activity(ActivityKind.TRAINING, attendance=20, audience=Audience.SECRETARIES)
    activity(ActivityKind.TRAINING, attendance=30, audience=Audience.EMPLOYEES)
    activity(ActivityKind.LISTENING_VISIT)
    activity(ActivityKind.JOINT_INSPECTION, attendance=6, partner_department=PartnerDepartment.SAFETY)
    activity(ActivityKind.JOINT_INSPECTION, attendance=3, partner_department=PartnerDepartment.MARKET)
    f.ActivityFactory(organization=org(admin, other), kind=ActivityKind.TRAINING, held_on=D(2023, 5, 1))

    fs = figures(zone, 2023)
    assert (fs["party_lectures"].value, fs["special_lectures"].value) == (2, 1)
    assert (fs["trainings"].value, fs["training_person_times"].value) == (3, 54)
    assert (fs["secretary_trainings"].value, fs["secretary_training_person_times"].value) == (2, 24)
    assert fs["listening_visits"].value == 1
    assert (fs["joint_inspections"].value, fs["joint_inspection_person_times"].value) == (2, 9)
    assert (fs["joint_inspections_safety"].value, fs["joint_inspection_person_times_safety"].value) == (1, 6)
    assert fs["joint_inspections_market"].value == 1 and fs["joint_inspections_environment"].value == 0


def test_three_meetings_compliance_counts_required_slots(admin, parks):
    zone, _sub, _other = parks
    keen = org(admin, zone, day=D(2020, 1, 1))
    idle = org(admin, zone, day=D(2020, 1, 1))
    for month in range(1, 13):
        for kind in (ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING, ActivityKind.THEME_DAY):
            f.ActivityFactory(organization=keen, kind=kind, held_on=D(2023, month, 10))
    for quarter in range(4):
        for kind in (ActivityKind.BRANCH_GENERAL_MEETING, ActivityKind.PARTY_LECTURE):
            f.ActivityFactory(organization=keen, kind=kind, held_on=D(2023, 3 * quarter + 1, 20))
    # idle held one group meeting and one theme day all year
    f.ActivityFactory(organization=idle, kind=ActivityKind.GROUP_MEETING, held_on=D(2023, 2, 2))
    f.ActivityFactory(organization=idle, kind=ActivityKind.THEME_DAY, held_on=D(2023, 2, 2))

    fs = figures(zone, 2023)
    # per organization: 4 quarters × 2 + 12 months × 2 = 32 slots
    assert fs["three_meetings_compliance"].value == pytest.approx(33 / 64)
    assert fs["three_meetings_compliance"].pks == {idle.pk}
    assert fs["orgs_below_three_meetings"].pks == {idle.pk}
    assert fs["theme_day_compliance"].value == pytest.approx(13 / 24)

    # In the current year only ended periods count: on 22 November, 10 months and 3 quarters.
    current = compute(zone, 2026, today=TODAY)
    assert current["three_meetings_compliance"].value == 0.0
    from reports.figures.compliance import compliance

    keen_record = next(r for r in compliance(current).organizations if r.organization.pk == keen.pk)
    assert keen_record.required == 3 * 2 + 10 * 2
    assert len(keen_record.counts) == 11  # November is shown, not yet required


def test_an_organization_founded_mid_year_owes_only_later_periods(admin, parks):
    zone, _sub, _other = parks
    org(admin, zone, day=D(2023, 10, 1))
    from reports.figures.compliance import compliance

    (record,) = compliance(figures(zone, 2023)).organizations
    assert record.required == 1 * 2 + 3 * 2  # Q4 and October to December
    assert record.theme_days_required == 3


def test_idle_organizations(admin, parks):
    zone, _sub, _other = parks
    busy, idle = org(admin, zone), org(admin, zone)
    org(admin, zone, day=D(2023, 11, 1))  # too young to be idle
    f.ActivityFactory(organization=busy, held_on=D(2023, 11, 1))
    f.ActivityFactory(organization=idle, held_on=D(2023, 9, 1))
    assert figures(zone, 2023)["orgs_idle_90_days"].pks == {idle.pk}


# Requests --------------------------------------------------------------------


def test_requests_received_closed_overdue_and_served(admin, parks):
    zone, _sub, _other = parks
    enterprise = f.EnterpriseFactory(park=zone)

    def request(category=RequestCategory.WATER, closed_on=None, **fields):
        status = RequestStatus.CLOSED if closed_on else RequestStatus.IN_PROGRESS
        return f.ServiceRequestFactory(
            enterprise=enterprise, category=category, status=status, closed_on=closed_on, **fields
        )

    request(closed_on=D(2023, 5, 1))
    request(RequestCategory.LAND, closed_on=D(2023, 5, 1))
    late = request(closed_on=D(2024, 1, 15))  # closed after the year end: open at 2023-12-31
    request(RequestCategory.TALENT_FLAT, closed_on=D(2023, 6, 1), quantity=3, people_served=4)
    request(RequestCategory.SCHOOLING, closed_on=D(2023, 9, 1), people_served=2)
    request(received_on=D(2022, 3, 1), due_on=D(2022, 4, 1), closed_on=D(2022, 4, 1))

    fs = figures(zone, 2023)
    assert fs["requests_received"].value == 5
    assert fs["requests_closed"].value == 4
    assert fs["requests_closure_rate"].display == "80.0%"
    assert fs["requests_overdue"].pks == {late.pk}
    assert fs["infrastructure_solved"].value == 2
    assert (fs["talent_flats"].value, fs["talent_flat_people"].value) == (3, 4)
    assert fs["schooling_solved"].value == 2
    assert fs["requests_water"].value == 2 and fs["requests_land"].value == 1
    assert figures(zone, 2024)["requests_overdue"].value == 0


# Funding, notices, dues, staffing --------------------------------------------


def test_funding_amounts_and_ranges(admin, parks):
    zone, _sub, _other = parks
    o1, o2 = org(admin, zone), org(admin, zone)
    f.FundingFactory(organization=o1, amount=Decimal(5000))
    f.FundingFactory(organization=o2, amount=Decimal(5000))
    f.FundingFactory(organization=o1, kind=FundingKind.SECRETARY_ALLOWANCE, amount=Decimal(1800), months=12)
    f.FundingFactory(organization=o1, kind=FundingKind.PERFORMANCE_AWARD, amount=Decimal(2000))
    f.FundingFactory(organization=o2, kind=FundingKind.PERFORMANCE_AWARD, amount=Decimal(6000))
    f.FundingFactory(organization=o2, kind=FundingKind.PERFORMANCE_AWARD, amount=Decimal(9000), paid_on=D(2022, 12, 1))

    fs = figures(zone, 2023)
    assert (fs["startup_funds"].value, fs["startup_funds_total"].display) == (2, "10000")
    assert fs["startup_fund_per_org"].display == "5000"
    assert fs["secretary_allowance"].display == "150"
    assert fs["performance_awards"].value == 2
    assert fs["performance_award_range"].display == "2000–6000"
    assert fs["performance_awards_total"].value == Decimal(8000)


def test_notices_received_late_or_missing(admin, parks):
    zone, sub, _other = parks
    tz = timezone.get_current_timezone()
    notice = f.NoticeFactory(issued_on=D(2023, 3, 1), deadline=D(2023, 3, 10))
    on_time = f.NoticeReceiptFactory(notice=notice, park=zone, received_at=datetime.datetime(2023, 3, 9, 9, tzinfo=tz))
    late = f.NoticeReceiptFactory(notice=notice, park=sub, received_at=datetime.datetime(2023, 3, 12, 9, tzinfo=tz))
    o = org(admin, sub)
    missing = f.NoticeReceiptFactory(notice=notice, organization=o)
    fs = figures(zone, 2023)
    assert fs["notices_issued"].value == 1
    assert fs["receipts_late"].pks == {late.pk, missing.pk}
    assert on_time.pk not in fs["receipts_late"].pks


def test_dues_collection_and_staffing(admin, parks):
    zone, sub, _other = parks
    o = org(admin, zone)
    payer, debtor = f.MemberFactory(organization=o), f.MemberFactory(organization=o)
    for month in (1, 2):
        f.DuesPaymentFactory(member=payer, month=D(2023, month, 1))
        f.DuesPaymentFactory(member=debtor, month=D(2023, month, 1), amount_paid=Decimal(0), paid_on=None)
    f.ParkStaffingFactory(park=zone, year=2023, posts_authorised=10, posts_actual=6)
    f.ParkStaffingFactory(park=sub, year=2023, posts_authorised=2, posts_actual=2)

    fs = figures(zone, 2023)
    assert fs["dues_collection_rate"].display == "50.0%"
    assert fs["dues_arrears_members"].pks == {debtor.pk}
    assert (fs["posts_authorised"].value, fs["posts_actual"].value, fs["posts_vacant"].value) == (12, 8, 4)
    assert figures(zone, 2022)["posts_vacant"].display == NO_VALUE


# The engine ------------------------------------------------------------------


def test_every_figure_has_a_label_and_records_in_its_model(admin, parks):
    zone, _sub, _other = parks
    o = org(admin, zone)
    f.MemberFactory(organization=o)
    fs = figures(zone, 2023)
    for key in REGISTRY:
        item = fs[key]
        assert str(item.label) and item.display, key
        if item.model is not None:
            assert fs.records(key).count() == len(item.pks), key


def test_a_future_year_is_refused(parks):
    with pytest.raises(ValueError):
        compute(parks[0], 2027, today=TODAY)


def build(admin, park, n):
    o = org(admin, park)
    for _ in range(n):
        e = f.EnterpriseFactory(park=park, organization=o, founded_on=D(2015, 1, 1))
        f.EnterpriseSurveyFactory(enterprise=e, surveyed_on=D(2023, 5, 1))
        f.MemberFactory(organization=o)
        f.ActivityFactory(organization=o, held_on=D(2023, 5, 1))
        f.ServiceRequestFactory(enterprise=e)
        f.FundingFactory(organization=o)
        f.ApplicantFactory(organization=o)


def queries_for_all_figures(park) -> int:
    with CaptureQueriesContext(connection) as captured:
        fs = figures(park, 2023)
        shown = [fs[key].display for key in REGISTRY]
    assert len(shown) == len(REGISTRY)
    return len(captured)


def test_query_count_does_not_grow_with_the_data(admin, parks):
    _zone, _sub, other = parks
    small = f.ParkFactory()  # like ``other``, no sub-parks: the tree walk costs the same
    build(admin, small, 2)
    build(admin, other, 20)
    assert queries_for_all_figures(small) == queries_for_all_figures(other)
