"""Figures the report prose needs beyond the catalogue: who could form an organization, instructors, how
the 三会一课 gaps are spread, notices signed late, how organizations are managed, services of the centres.

Defined like the catalogue's figures (``definitions``) and registered after them, so they show on the
dashboards and in the report editor with the records they count.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import (
    ActivityKind,
    Audience,
    Instructor,
    InstructorEvaluation,
    ManagingBody,
    NoOrganizationReason,
    RequestCategory,
    Satisfaction,
    ServiceCenter,
    ServiceCenterKind,
)
from organizations.rules import quarters

from . import base
from .compliance import compliance
from .core import COUNT, ENTERPRISES, ITEMS, ORGANIZATIONS, PEOPLE, PERSON_TIMES, RATE, SCORE, TIMES, figure, rate
from .definitions.common import (
    ACTIVITY,
    ENTERPRISE,
    G_ACTIVITIES,
    G_ENTERPRISES,
    G_ORGANIZATIONS,
    G_REQUESTS,
    G_SUPPORT,
    ORGANIZATION,
    REQUEST,
    counted,
    pks,
)
from .definitions.enterprises import coverage
from .definitions.support import late_receipts

INSTRUCTOR = "organizations.Instructor"
CENTRE = "organizations.ServiceCenter"

#: Members an enterprise needs to form its own organization (党章: three full members).
MEMBERS_TO_FORM = 3


# Enterprises with no organization ----------------------------------------------------------


def members_found(enterprise) -> int:
    """The members the last survey found working in ``enterprise`` (0 when not recorded)."""
    return enterprise.surveyed_members or 0


def without_organization(fs) -> list:
    """Existing enterprises neither covered by a founded organization nor part of one being formed."""
    split = coverage(fs)
    forming = base.forming_organizations(fs)
    return [e for e in split["instructor_only"] + split["uncovered"] if e.organization_id not in forming]


def should_form(fs) -> list:
    """Enterprises without an organization whose survey found three or more members (应建未建)."""
    return [
        e
        for e in without_organization(fs)
        if e.no_organization_reason == NoOrganizationReason.SHOULD_HAVE
        or (not e.no_organization_reason and members_found(e) >= MEMBERS_TO_FORM)
    ]


@figure(
    "enterprises_should_form",
    _("Enterprises with three or more members and no organization"),
    ENTERPRISES,
    G_ENTERPRISES,
    ENTERPRISE,
)
def enterprises_should_form(fs):
    return counted(should_form(fs))


@figure(
    "enterprises_few_members",
    _("Enterprises with one or two members and no organization"),
    ENTERPRISES,
    G_ENTERPRISES,
    ENTERPRISE,
)
def enterprises_few_members(fs):
    rows = [e for e in without_organization(fs) if 0 < members_found(e) < MEMBERS_TO_FORM]
    return counted(rows)


@figure(
    "members_outside_organizations",
    _("Members found in enterprises without an organization"),
    PEOPLE,
    G_ENTERPRISES,
    ENTERPRISE,
)
def members_outside_organizations(fs):
    rows = [e for e in without_organization(fs) if members_found(e)]
    return sum(members_found(e) for e in rows), pks(rows)


@figure(
    "enterprises_uncovered_unplanned",
    _("Enterprises not covered, no organization being formed"),
    ENTERPRISES,
    G_ENTERPRISES,
    ENTERPRISE,
)
def enterprises_uncovered_unplanned(fs):
    forming = base.forming_organizations(fs)
    rows = [e for e in coverage(fs)["uncovered"] if e.organization_id not in forming]
    return counted(rows)


@figure("investors_members", _("Enterprises whose investor is a Party member"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def investors_members(fs):
    rows = [e for e in base.enterprises(fs) if e.investor_is_member]
    return counted(rows)


# Instructors -------------------------------------------------------------------------------


@base.memoized
def instructors_in_office(fs) -> list[tuple[int, int]]:
    """(pk, park) of the scope's instructors in office on the as-of date."""
    qs = Instructor.objects.filter(Q(appointed_on__lte=fs.as_of) | Q(appointed_on__isnull=True)).exclude(
        ended_on__lte=fs.as_of
    )
    return list(fs.scoped(qs).values_list("pk", "park_id"))


@base.narrowed_by(instructors_in_office)
def _narrow_instructors(fs, rows):
    return [row for row in rows if fs.in_scope(row[1])]


@figure("instructors", _("Party-building instructors in office"), PEOPLE, G_ENTERPRISES, INSTRUCTOR)
def instructors(fs):
    chosen = [pk for pk, _park in instructors_in_office(fs)]
    return len(chosen), chosen


@base.memoized
def evaluations(fs) -> list[tuple[int, Decimal, int]]:
    """(instructor, score, park) of the year's quarterly evaluations whose quarter ended by the as-of date."""
    ended = [number for number, quarter in enumerate(quarters(fs.year), start=1) if quarter.last <= fs.as_of]
    qs = InstructorEvaluation.objects.filter(year=fs.year, quarter__in=ended)
    return list(fs.scoped(qs, "instructor__park").values_list("instructor_id", "score", "instructor__park_id"))


@base.narrowed_by(evaluations)
def _narrow_evaluations(fs, rows):
    return [row for row in rows if fs.in_scope(row[2])]


@figure("instructor_score_average", _("Instructors' average evaluation score"), SCORE, G_ENTERPRISES, INSTRUCTOR)
def instructor_score_average(fs):
    rows = evaluations(fs)
    if not rows:
        return None, []
    average = sum((score for _pk, score, _park in rows), Decimal(0)) / len(rows)
    return average.quantize(Decimal("0.1"), ROUND_HALF_UP), {pk for pk, _score, _park in rows}


# Organizations -------------------------------------------------------------------------------


def top_organizations(fs) -> list:
    """Founded organizations that are no other organization's branch (an enterprise's own, or joint)."""
    founded = base.organizations(fs)
    return [org for org in founded.values() if org.parent_id not in founded]


def _managed_by(body):
    def compute(fs):
        return counted([org for org in top_organizations(fs) if org.primary_managing_body == body])

    return compute


figure(
    "orgs_managed_by_county",
    _("Organizations managed mainly by the county non-public working committee"),
    ORGANIZATIONS,
    G_ORGANIZATIONS,
    ORGANIZATION,
)(_managed_by(ManagingBody.COUNTY_NON_PUBLIC))
figure(
    "orgs_managed_by_township",
    _("Organizations managed mainly by a township Party committee"),
    ORGANIZATIONS,
    G_ORGANIZATIONS,
    ORGANIZATION,
)(_managed_by(ManagingBody.TOWNSHIP))


@base.memoized
def centres(fs) -> list[ServiceCenter]:
    """The scope's service centres open on the as-of date, offline ones first."""
    qs = ServiceCenter.objects.filter(opened_on__lte=fs.as_of).exclude(closed_on__lte=fs.as_of)
    return list(fs.scoped(qs).order_by("kind", "opened_on", "pk"))  # "offline" sorts before "online"


@base.narrowed_by(centres)
def _narrow_centres(fs, rows):
    return [row for row in rows if fs.in_scope(row.park_id)]


def _centres_of(kind):
    def compute(fs):
        return counted([c for c in centres(fs) if c.kind == kind])

    return compute


figure("service_centers_offline", _("Offline service centres"), COUNT, G_ORGANIZATIONS, CENTRE)(
    _centres_of(ServiceCenterKind.OFFLINE)
)
figure("service_centers_online", _("Online service platforms"), COUNT, G_ORGANIZATIONS, CENTRE)(
    _centres_of(ServiceCenterKind.ONLINE)
)


# 三会一课 in detail -----------------------------------------------------------------------------


def _required(fs) -> list:
    return [record for record in compliance(fs).organizations if record.required]


@figure(
    "orgs_required_three_meetings",
    _("Organizations required to hold the three meetings"),
    ORGANIZATIONS,
    G_ACTIVITIES,
    ORGANIZATION,
)
def orgs_required_three_meetings(fs):
    rows = [record.organization.pk for record in _required(fs)]
    return len(rows), rows


@figure(
    "orgs_full_three_meetings",
    _("Organizations holding every required meeting"),
    ORGANIZATIONS,
    G_ACTIVITIES,
    ORGANIZATION,
)
def orgs_full_three_meetings(fs):
    rows = [record.organization.pk for record in _required(fs) if not record.below]
    return len(rows), rows


@figure("three_meetings_missed", _("Required meetings not held"), TIMES, G_ACTIVITIES, ORGANIZATION)
def three_meetings_missed(fs):
    below = [record for record in _required(fs) if record.below]
    return sum(r.required - r.met for r in below), [r.organization.pk for r in below]


# Activities at the centres and for employees ---------------------------------------------------


def _employee_trainings(fs) -> list:
    return [a for a in base.activities(fs) if a.kind == ActivityKind.TRAINING and a.audience == Audience.EMPLOYEES]


@figure("employee_trainings", _("Training sessions for employees"), TIMES, G_ACTIVITIES, ACTIVITY)
def employee_trainings(fs):
    return counted(_employee_trainings(fs))


@figure("employee_training_person_times", _("Employee training person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)
def employee_training_person_times(fs):
    rows = _employee_trainings(fs)
    return sum(a.actual_attendance for a in rows), pks(rows)


@figure("centre_activities", _("Activities held at the service centres"), TIMES, G_ACTIVITIES, ACTIVITY)
def centre_activities(fs):
    return counted([a for a in base.activities(fs) if a.place_id])


@figure("listening_visit_person_times", _("Listening visits: person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)
def listening_visit_person_times(fs):
    rows = [a for a in base.activities(fs) if a.kind == ActivityKind.LISTENING_VISIT]
    return sum(a.actual_attendance for a in rows), pks(rows)


# Requests and notices -------------------------------------------------------------------------


@figure(
    "infrastructure_repairs", _("Infrastructure requests closed (roads, lighting, pipes)"), ITEMS, G_REQUESTS, REQUEST
)
def infrastructure_repairs(fs):
    rows = [r for r in base.requests_of_year(fs) if r.closed and r.category == RequestCategory.INFRASTRUCTURE]
    return counted(rows)


@figure("requests_satisfaction_rate", _("Requests closed to the enterprise's satisfaction"), RATE, G_REQUESTS, REQUEST)
def requests_satisfaction_rate(fs):
    """Of the year's closed requests the enterprise rated, the share rated satisfied or very satisfied."""
    rated = [r for r in base.requests_of_year(fs) if r.closed and r.satisfaction]
    satisfied = [r for r in rated if r.satisfaction >= Satisfaction.SATISFIED]
    return rate(len(satisfied), len(rated)), pks(satisfied)


@figure("notices_late", _("Notices not signed for by everyone in time"), ITEMS, G_SUPPORT, "organizations.Notice")
def notices_late(fs):
    notices = {r.notice_id for r in late_receipts(fs)}
    return len(notices), notices
