"""Every figure of FIGURES.md, defined once. Order here is the catalogue order."""

from __future__ import annotations

import datetime
import math
from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from members.models import Applicant, CommendationKind, MemberCategory, MemberStatus, add_years
from members.models.development import Stage
from organizations import rules
from organizations.models import (
    INFRASTRUCTURE_CATEGORIES,
    ActivityKind,
    Audience,
    EnterpriseStatus,
    FormationMode,
    FundingKind,
    OrganizationKind,
    PartnerDepartment,
    RequestCategory,
)

from . import base
from .compliance import compliance
from .core import (
    AMOUNT,
    COUNT,
    ENTERPRISES,
    FLATS,
    ITEMS,
    ORGANIZATIONS,
    PEOPLE,
    PERSON_TIMES,
    POSTS,
    RANGE,
    RATE,
    TIMES,
    YEARS,
    figure,
    group,
    rate,
)

ENTERPRISE = "organizations.Enterprise"
ORGANIZATION = "organizations.PartyOrganization"
MEMBER = "members.Member"
APPLICANT = "members.Applicant"
ACTIVITY = "organizations.Activity"
REQUEST = "organizations.ServiceRequest"
FUNDING = "organizations.Funding"
RECEIPT = "organizations.NoticeReceipt"

G_ENTERPRISES = group("enterprises", _("Enterprises and the two coverages"))
G_ORGANIZATIONS = group("organizations", _("Party organizations"))
G_MEMBERS = group("members", _("Members and development"))
G_ACTIVITIES = group("activities", _("Activities"))
G_REQUESTS = group("requests", _("Enterprise service requests"))
G_SUPPORT = group("support", _("Funding, notices, dues and staffing"))


def pks(rows) -> list:
    return [row.pk for row in rows]


def counted(rows) -> tuple[int, list]:
    """A count figure's value and records: how many rows, and which."""
    return len(rows), pks(rows)


# Enterprises -----------------------------------------------------------------


def _enterprise_coverage(fs) -> dict[str, list]:
    """Existing enterprises split by how they are covered on the as-of date."""
    founded = base.organizations(fs)
    split = {part: [] for part in rules.COVERAGE_PARTS}
    for enterprise in base.enterprises(fs):
        split[rules.coverage_part(enterprise, founded)].append(enterprise)
    return split


coverage = base.memoized(_enterprise_coverage)


def with_org(fs) -> list:
    split = coverage(fs)
    return [enterprise for part in rules.ORGANIZATION_COVERAGE for enterprise in split[part]]


@figure("enterprises_total", _("Enterprises in total"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_total(fs):
    rows = base.enterprises(fs)
    return counted(rows)


def _by_status(status):
    def compute(fs):
        rows = [e for e in base.enterprises(fs) if e.status == status]
        return counted(rows)

    return compute


figure("enterprises_operating", _("Enterprises in operation"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.OPERATING)
)
figure("enterprises_under_construction", _("Enterprises under construction"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.UNDER_CONSTRUCTION)
)
figure("enterprises_suspended", _("Enterprises with production suspended"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.SUSPENDED)
)


@figure("enterprises_surveyed", _("Enterprises surveyed"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_surveyed(fs):
    surveyed = base.surveyed_enterprise_ids(fs)
    return len(surveyed), surveyed


@figure("enterprises_with_org", _("Enterprises with a Party organization"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_with_org(fs):
    rows = with_org(fs)
    return counted(rows)


def _coverage_part(part):
    def compute(fs):
        rows = coverage(fs)[part]
        return counted(rows)

    return compute


for _part, _label in (
    ("own", _("Enterprises with their own organization")),
    ("joint", _("Enterprises in a joint organization")),
    ("affiliated", _("Enterprises affiliated to an organization")),
):
    figure(f"enterprises_with_org_{_part}", _label, ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(_coverage_part(_part))

figure(
    "enterprises_instructor_only",
    _("Enterprises with an instructor posted"),
    ENTERPRISES,
    G_ENTERPRISES,
    ENTERPRISE,
)(_coverage_part("instructor_only"))
figure("enterprises_uncovered", _("Enterprises not covered"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _coverage_part("uncovered")
)


@figure("org_coverage_rate", _("Organization coverage rate"), RATE, G_ENTERPRISES, ENTERPRISE)
def org_coverage_rate(fs):
    rows = with_org(fs)
    return rate(len(rows), len(base.enterprises(fs))), pks(rows)


@figure("work_coverage_rate", _("Work coverage rate"), RATE, G_ENTERPRISES, ENTERPRISE)
def work_coverage_rate(fs):
    rows = with_org(fs) + coverage(fs)["instructor_only"]
    return rate(len(rows), len(base.enterprises(fs))), pks(rows)


# Organizations ---------------------------------------------------------------


@figure("orgs_total", _("Grassroots Party organizations"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_total(fs):
    orgs = base.organizations(fs)
    return len(orgs), orgs.keys()


def _orgs_of_kind(*kinds):
    def compute(fs):
        chosen = [pk for pk, org in base.organizations(fs).items() if org.kind in kinds]
        return len(chosen), chosen

    return compute


figure("orgs_committees", _("Party committees"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.COMMITTEE)
)
figure("orgs_general_branches", _("General Party branches"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.GENERAL_BRANCH)
)
figure("orgs_branches", _("Party branches (joint branches included)"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH)
)
figure("orgs_joint_branches", _("Joint Party branches"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.JOINT_BRANCH)
)


@figure("orgs_forming", _("Organizations being formed"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_forming(fs):
    forming = base.forming_organizations(fs)
    return len(forming), forming.keys()


@figure(
    "orgs_forming_enterprises",
    _("Enterprises whose organization is being formed"),
    ENTERPRISES,
    G_ORGANIZATIONS,
    ENTERPRISE,
)
def orgs_forming_enterprises(fs):
    forming = base.forming_organizations(fs)
    rows = [e for e in base.enterprises(fs) if e.organization_id in forming]
    return counted(rows)


@figure("orgs_forming_joint", _("Joint organizations being formed"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_forming_joint(fs):
    chosen = [pk for pk, org in base.forming_organizations(fs).items() if org.formation_mode == FormationMode.JOINT]
    return len(chosen), chosen


@figure("orgs_founded", _("Organizations founded this year"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_founded(fs):
    chosen = [pk for pk, org in base.organizations(fs).items() if fs.in_year(org.founded_on)]
    return len(chosen), chosen


@figure("demonstration_points", _("Party-building demonstration points"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def demonstration_points(fs):
    chosen = [pk for pk, org in base.organizations(fs).items() if org.is_demonstration_point]
    return len(chosen), chosen


@figure("service_centers", _("Party and public service centres"), COUNT, G_ORGANIZATIONS, "organizations.ServiceCenter")
def service_centers(fs):
    chosen = [pk for pk, _park in base.service_centers(fs)]
    return len(chosen), chosen


def elections_due_orgs(fs) -> list:
    return [org for org in base.organizations(fs).values() if rules.election_due_by(org, fs.as_of)]


@figure("elections_due", _("Organizations due for a term election"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def elections_due(fs):
    rows = elections_due_orgs(fs)
    return counted(rows)


# Members and development -----------------------------------------------------


@figure("members_total", _("Party members in total"), PEOPLE, G_MEMBERS, MEMBER)
def members_total(fs):
    rows = base.members(fs)
    return counted(rows)


@figure("members_full", _("Full members"), PEOPLE, G_MEMBERS, MEMBER)
def members_full(fs):
    rows = [m for m in base.members(fs) if m.category == MemberCategory.FULL]
    return counted(rows)


@figure("members_probationary", _("Probationary members"), PEOPLE, G_MEMBERS, MEMBER)
def members_probationary(fs):
    rows = [m for m in base.members(fs) if m.category == MemberCategory.PROBATIONARY]
    return counted(rows)


@figure("members_mobile", _("Mobile members"), PEOPLE, G_MEMBERS, MEMBER)
def members_mobile(fs):
    rows = [m for m in base.members(fs) if m.status == MemberStatus.MOBILE]
    return counted(rows)


def admitted_in(fs, year: int) -> list[Applicant]:
    last = min(datetime.date(year, 12, 31), fs.as_of)
    return [a for a in base.applicants(fs) if a.admitted_on and datetime.date(year, 1, 1) <= a.admitted_on <= last]


@figure("members_admitted", _("Members admitted this year"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted(fs):
    rows = admitted_in(fs, fs.year)
    return counted(rows)


@figure("members_admitted_y1", _("Members admitted the year before"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted_y1(fs):
    rows = admitted_in(fs, fs.year - 1)
    return counted(rows)


@figure("members_admitted_y2", _("Members admitted two years before"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted_y2(fs):
    rows = admitted_in(fs, fs.year - 2)
    return counted(rows)


@base.memoized
def quotas(fs) -> dict[int, int]:
    """The scope's development quota by year (the parks' quotas added up)."""
    totals: Counter = Counter()
    for row in base.development_quotas(fs):
        totals[row.year] += row.quota
    return dict(totals)


@figure("development_quota", _("Development quota"), PEOPLE, G_MEMBERS, "members.DevelopmentQuota")
def development_quota(fs):
    chosen = [row.pk for row in base.development_quotas(fs) if row.year == fs.year]
    return quotas(fs).get(fs.year), chosen


def missed_years(fs) -> list[int]:
    """The consecutive years ending at the figure year in which fewer were admitted than the quota."""
    plan = quotas(fs)
    admitted = Counter(a.admitted_on.year for a in base.applicants(fs) if a.admitted_on and a.admitted_on <= fs.as_of)
    years = []
    year = fs.year
    while year in plan and admitted[year] < plan[year]:
        years.append(year)
        year -= 1
    return years


def quota_pace(fs) -> float:
    """The share of the year elapsed by the as-of date (days), against which admissions are paced."""
    days = (datetime.date(fs.year, 12, 31) - fs.year_start).days + 1
    return ((fs.as_of - fs.year_start).days + 1) / days


@figure("quota_behind_pace", _("Admissions behind the quota's pace"), PEOPLE, G_MEMBERS, APPLICANT)
def quota_behind_pace(fs):
    """How many admissions the scope lacks against quota × elapsed share of the year (0 when on pace).

    None when the scope has no quota for the year. The records are the year's admissions so far.
    """
    quota = quotas(fs).get(fs.year)
    rows = admitted_in(fs, fs.year)
    if not quota:
        return None, pks(rows)
    expected = math.floor(quota * quota_pace(fs))
    return max(expected - len(rows), 0), pks(rows)


@figure("quota_missed_years", _("Consecutive years the quota was missed"), YEARS, G_MEMBERS)
def quota_missed_years(fs):
    return len(missed_years(fs))


def _at_stage(stage):
    def compute(fs):
        rows = [a for a in base.applicants(fs) if a.stage_on(fs.as_of) == stage]
        return counted(rows)

    return compute


figure("applicants", _("Applicants for membership"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.APPLICANT))
figure("activists", _("Activists"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.ACTIVIST))
figure("candidates", _("Candidates for membership"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.CANDIDATE))


@figure("dossiers_submitted", _("Candidate dossiers submitted"), ITEMS, G_MEMBERS, APPLICANT)
def dossiers_submitted(fs):
    rows = [a for a in base.applicants(fs) if fs.in_year(a.dossier_submitted_on)]
    return counted(rows)


@figure("pioneer_posts", _("Pioneer and model posts"), POSTS, G_MEMBERS, "members.PioneerPost")
def pioneer_posts(fs):
    chosen = [pk for pk, _park in base.pioneer_posts(fs)]
    return len(chosen), chosen


def _commendations(kind):
    def compute(fs):
        chosen = [pk for pk, of_kind, _park in base.commendations(fs) if of_kind == kind]
        return len(chosen), chosen

    return compute


COMMENDATION = "members.Commendation"
figure("commended_members", _("Outstanding members commended"), PEOPLE, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.OUTSTANDING_MEMBER)
)
figure("commended_orgs", _("Advanced organizations commended"), ORGANIZATIONS, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.ADVANCED_ORGANIZATION)
)
figure("commended_secretaries", _("Excellent secretaries commended"), PEOPLE, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.EXCELLENT_SECRETARY)
)


# Activities ------------------------------------------------------------------


def _activities(kind, **conditions):
    def select(fs):
        return [
            a
            for a in base.activities(fs)
            if a.kind == kind and all(getattr(a, name) == value for name, value in conditions.items())
        ]

    return select


def _count_of(select):
    def compute(fs):
        rows = select(fs)
        return counted(rows)

    return compute


def _attendance_of(select):
    def compute(fs):
        rows = select(fs)
        return sum(a.actual_attendance for a in rows), pks(rows)

    return compute


_lectures = _activities(ActivityKind.PARTY_LECTURE)
_trainings = _activities(ActivityKind.TRAINING)
_secretary_trainings = _activities(ActivityKind.TRAINING, audience=Audience.SECRETARIES)

figure("party_lectures", _("Party lectures (special lectures included)"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_lectures)
)
figure("special_lectures", _("Special Party lectures"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.PARTY_LECTURE, is_special_lecture=True))
)
figure("theme_days", _("Theme Party days"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.THEME_DAY))
)
figure("listening_visits", _("Listening visits"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.LISTENING_VISIT))
)
figure("trainings", _("Training sessions"), TIMES, G_ACTIVITIES, ACTIVITY)(_count_of(_trainings))
figure("training_person_times", _("Training person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_trainings)
)
figure("secretary_trainings", _("Secretary training sessions"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_secretary_trainings)
)
figure("secretary_training_person_times", _("Secretary training person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_secretary_trainings)
)
figure("owner_symposiums", _("Owners' symposiums"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.OWNER_SYMPOSIUM))
)
figure("joint_inspections", _("Joint inspections"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.JOINT_INSPECTION))
)
figure("joint_inspection_person_times", _("Joint inspection person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_activities(ActivityKind.JOINT_INSPECTION))
)

#: One count and one person-times figure per partner department.
INSPECTION_LABELS = {
    PartnerDepartment.SAFETY: (_("Joint work-safety inspections"), _("Joint work-safety inspection person-times")),
    PartnerDepartment.ENVIRONMENT: (
        _("Joint environmental inspections"),
        _("Joint environmental inspection person-times"),
    ),
    PartnerDepartment.MARKET: (_("Joint canteen inspections"), _("Joint canteen inspection person-times")),
    PartnerDepartment.HOUSING: (
        _("Joint infrastructure inspections"),
        _("Joint infrastructure inspection person-times"),
    ),
    PartnerDepartment.OTHER: (_("Other joint inspections"), _("Other joint inspection person-times")),
}
for _department, (_count_label, _times_label) in INSPECTION_LABELS.items():
    _select = _activities(ActivityKind.JOINT_INSPECTION, partner_department=_department)
    figure(f"joint_inspections_{_department}", _count_label, TIMES, G_ACTIVITIES, ACTIVITY)(_count_of(_select))
    figure(f"joint_inspection_person_times_{_department}", _times_label, PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
        _attendance_of(_select)
    )


@figure("three_meetings_compliance", _("Three meetings and one lecture compliance"), RATE, G_ACTIVITIES, ORGANIZATION)
def three_meetings_compliance(fs):
    result = compliance(fs)
    return rate(result.met, result.required), [o.organization.pk for o in result.below]


@figure("theme_day_compliance", _("Theme Party day compliance"), RATE, G_ACTIVITIES, ORGANIZATION)
def theme_day_compliance(fs):
    result = compliance(fs)
    short = [o.organization.pk for o in result.organizations if o.theme_days_met < o.theme_days_required]
    return rate(result.theme_days_met, result.theme_days_required), short


@figure(
    "orgs_below_three_meetings",
    _("Organizations below the required meetings"),
    ORGANIZATIONS,
    G_ACTIVITIES,
    ORGANIZATION,
)
def orgs_below_three_meetings(fs):
    rows = [o.organization.pk for o in compliance(fs).below]
    return len(rows), rows


def idle_organizations(fs) -> list:
    """Organizations of the scope with no activity of their own in the 90 days before the as-of date."""
    since = fs.as_of - datetime.timedelta(days=base.IDLE_DAYS)
    active = {organization for organization, _park in base.recently_active_organizations(fs)}
    return [
        org
        for org in base.organizations(fs).values()
        if org.pk not in active and org.founded_on and org.founded_on <= since
    ]


@figure("orgs_idle_90_days", _("Organizations with no activity in 90 days"), ORGANIZATIONS, G_ACTIVITIES, ORGANIZATION)
def orgs_idle_90_days(fs):
    rows = idle_organizations(fs)
    return counted(rows)


# Service requests ------------------------------------------------------------


@figure("requests_received", _("Service requests received"), ITEMS, G_REQUESTS, REQUEST)
def requests_received(fs):
    rows = base.requests_of_year(fs)
    return counted(rows)


@figure("requests_closed", _("Service requests closed"), ITEMS, G_REQUESTS, REQUEST)
def requests_closed(fs):
    rows = [r for r in base.requests_of_year(fs) if r.closed]
    return counted(rows)


@figure("requests_closure_rate", _("Request closure rate"), RATE, G_REQUESTS, REQUEST)
def requests_closure_rate(fs):
    received = base.requests_of_year(fs)
    closed = [r for r in received if r.closed]
    return rate(len(closed), len(received)), pks(closed)


def overdue_requests(fs) -> list:
    return [r for r in base.requests(fs) if not r.finished and r.due_on and r.due_on < fs.as_of]


@figure("requests_overdue", _("Requests overdue"), ITEMS, G_REQUESTS, REQUEST)
def requests_overdue(fs):
    rows = overdue_requests(fs)
    return counted(rows)


def _requests_of(category):
    def compute(fs):
        rows = [r for r in base.requests_of_year(fs) if r.category == category]
        return counted(rows)

    return compute


for _category in RequestCategory:
    figure(f"requests_{_category.value}", _category.label, ITEMS, G_REQUESTS, REQUEST)(_requests_of(_category))


def _closed_of(*categories):
    def select(fs):
        return [r for r in base.requests_of_year(fs) if r.closed and r.category in categories]

    return select


@figure("infrastructure_solved", _("Infrastructure problems solved"), ITEMS, G_REQUESTS, REQUEST)
def infrastructure_solved(fs):
    rows = _closed_of(*INFRASTRUCTURE_CATEGORIES)(fs)
    return counted(rows)


@figure("talent_flats", _("Talent flats provided"), FLATS, G_REQUESTS, REQUEST)
def talent_flats(fs):
    rows = _closed_of(RequestCategory.TALENT_FLAT)(fs)
    return sum(r.quantity for r in rows), pks(rows)


@figure("talent_flat_people", _("Staff housed in talent flats"), PEOPLE, G_REQUESTS, REQUEST)
def talent_flat_people(fs):
    rows = _closed_of(RequestCategory.TALENT_FLAT)(fs)
    return sum(r.people_served for r in rows), pks(rows)


@figure("schooling_solved", _("Employees' children placed in school"), PEOPLE, G_REQUESTS, REQUEST)
def schooling_solved(fs):
    rows = _closed_of(RequestCategory.SCHOOLING)(fs)
    return sum(r.people_served for r in rows), pks(rows)


# Funding, notices, dues, staffing --------------------------------------------


def _funding(fs, kind) -> list:
    return [f for f in base.funding(fs) if f.kind == kind]


@figure("startup_funds", _("Start-up funds granted"), ORGANIZATIONS, G_SUPPORT, FUNDING)
def startup_funds(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    return len({f.organization_id for f in rows}), pks(rows)


@figure("startup_funds_total", _("Start-up funds in total"), AMOUNT, G_SUPPORT, FUNDING)
def startup_funds_total(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("startup_fund_per_org", _("Start-up fund per organization"), RANGE, G_SUPPORT, FUNDING)
def startup_fund_per_org(fs):
    rows = _funding(fs, FundingKind.STARTUP_FUND)
    per_org: Counter = Counter()
    for f in rows:
        per_org[f.organization_id] += f.amount
    amounts = list(per_org.values())
    return ((min(amounts), max(amounts)) if amounts else (None, None)), pks(rows)


@figure("secretary_allowance", _("Secretary allowance per month"), RANGE, G_SUPPORT, FUNDING)
def secretary_allowance(fs):
    rows = _funding(fs, FundingKind.SECRETARY_ALLOWANCE)
    monthly = [f.monthly_amount for f in rows]
    return ((min(monthly), max(monthly)) if monthly else (None, None)), pks(rows)


@figure("secretary_allowance_total", _("Secretary allowance paid in total"), AMOUNT, G_SUPPORT, FUNDING)
def secretary_allowance_total(fs):
    rows = _funding(fs, FundingKind.SECRETARY_ALLOWANCE)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("performance_awards", _("Performance awards to secretaries"), PEOPLE, G_SUPPORT, FUNDING)
def performance_awards(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    return counted(rows)


@figure("performance_award_range", _("Performance award range"), RANGE, G_SUPPORT, FUNDING)
def performance_award_range(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    amounts = [f.amount for f in rows]
    return ((min(amounts), max(amounts)) if amounts else (None, None)), pks(rows)


@figure("performance_awards_total", _("Performance awards in total"), AMOUNT, G_SUPPORT, FUNDING)
def performance_awards_total(fs):
    rows = _funding(fs, FundingKind.PERFORMANCE_AWARD)
    return sum((f.amount for f in rows), Decimal(0)), pks(rows)


@figure("notices_issued", _("Notices issued"), ITEMS, G_SUPPORT, "organizations.Notice")
def notices_issued(fs):
    notices = {r.notice_id for r in base.notice_receipts(fs)}
    return len(notices), notices


def late_receipts(fs) -> list:
    return [r for r in base.notice_receipts(fs) if r.is_late(fs.as_of)]


@figure("receipts_late", _("Notices received late"), ITEMS, G_SUPPORT, RECEIPT)
def receipts_late(fs):
    rows = late_receipts(fs)
    return counted(rows)


@figure("dues_collection_rate", _("Dues collection rate"), RATE, G_SUPPORT, "members.DuesPayment")
def dues_collection_rate(fs):
    rows = base.dues(fs)
    due = sum((row[2] for row in rows), Decimal(0))
    paid = sum((min(row[3], row[2]) for row in rows), Decimal(0))
    return rate(paid, due), [row[0] for row in rows if row[3] < row[2]]


@figure("dues_arrears_members", _("Members with dues in arrears"), PEOPLE, G_SUPPORT, MEMBER)
def dues_arrears_members(fs):
    members = {row[1] for row in base.dues(fs) if row[3] < row[2]}
    return len(members), members


def staffing(fs) -> tuple[int | None, int | None, list]:
    """Authorised posts and staff in post of the scope's parks in the year (None when not recorded)."""
    rows = base.staffing(fs)
    if not rows:
        return None, None, []
    return sum(r.posts_authorised for r in rows), sum(r.posts_actual for r in rows), pks(rows)


@figure("posts_authorised", _("Authorised posts"), POSTS, G_SUPPORT, "organizations.ParkStaffing")
def posts_authorised(fs):
    authorised, _actual, chosen = staffing(fs)
    return authorised, chosen


@figure("posts_actual", _("Staff in post"), PEOPLE, G_SUPPORT, "organizations.ParkStaffing")
def posts_actual(fs):
    _authorised, actual, chosen = staffing(fs)
    return actual, chosen


@figure("posts_vacant", _("Posts unfilled"), POSTS, G_SUPPORT, "organizations.ParkStaffing")
def posts_vacant(fs):
    authorised, actual, chosen = staffing(fs)
    return (None if authorised is None else max(authorised - actual, 0)), chosen


# Applicants due: used by alerts and the organization view.
def probationary_overdue(fs) -> list:
    """Probationary members whose year of probation ended before the as-of date."""
    return [
        m
        for m in base.members(fs)
        if m.category == MemberCategory.PROBATIONARY and add_years(m.joined_on, 1) < fs.as_of
    ]


@figure("probationary_overdue", _("Probationary members past one year"), PEOPLE, G_MEMBERS, MEMBER)
def probationary_overdue_figure(fs):
    rows = probationary_overdue(fs)
    return counted(rows)
