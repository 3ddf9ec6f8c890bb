"""The rules of Party work that pages and figures share, each said once.

Pure functions of a record and a date: what 三会一课 an organization had to
hold, when its term election is due soon, how an enterprise is covered. The
figures engine (``reports.figures``) computes its figures with them and the
workbench pages (an organization's 三会一课 record and term election) show
their answers, so an organization's page and the dashboards never disagree.
The rules themselves are written down in FIGURES.md.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Collection
from dataclasses import dataclass

from .models import ActivityKind, CoverageMode, OrganizationStatus

# --- 三会一课 ------------------------------------------------------------------------

#: Meetings required every month: a committee meeting and a group meeting.
MONTHLY_MEETINGS = (ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING)
#: Meetings required every quarter: a branch general meeting and a Party lecture.
QUARTERLY_MEETINGS = (ActivityKind.BRANCH_GENERAL_MEETING, ActivityKind.PARTY_LECTURE)
#: The four kinds of 三会一课, in the order they are named.
THREE_MEETINGS_KINDS = QUARTERLY_MEETINGS[:1] + MONTHLY_MEETINGS + QUARTERLY_MEETINGS[1:]


@dataclass(frozen=True)
class Period:
    """A month or a quarter of a year: its first and last day and a short label ("5", "Q2")."""

    first: datetime.date
    last: datetime.date
    label: str


@functools.cache
def months(year: int) -> tuple[Period, ...]:
    """The twelve months of ``year``."""
    return tuple(
        Period(datetime.date(year, m, 1), datetime.date(year, m, calendar.monthrange(year, m)[1]), f"{m}")
        for m in range(1, 13)
    )


@functools.cache
def quarters(year: int) -> tuple[Period, ...]:
    """The four quarters of ``year``."""
    return tuple(
        Period(
            datetime.date(year, 3 * q - 2, 1), datetime.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1]), f"Q{q}"
        )
        for q in range(1, 5)
    )


def active_in(organization, period: Period) -> bool:
    """Whether ``organization`` existed for the whole period: founded by its first day, not dissolved by its last.

    An organization founded (or dissolved) in the middle of a month owes no
    meetings for that month, nor for that quarter.
    """
    return (
        organization.founded_on is not None
        and organization.founded_on <= period.first
        and (organization.dissolved_on is None or organization.dissolved_on > period.last)
    )


def period_ended(period: Period, as_of: datetime.date) -> bool:
    """A period counts once it has ended by the as-of date (its last day included)."""
    return period.last <= as_of


def slot_required(organization, period: Period, as_of: datetime.date) -> bool:
    """Whether a meeting of the period is required of ``organization`` and counted as of ``as_of``."""
    return period_ended(period, as_of) and active_in(organization, period)


def required_slots(organization, year: int, as_of: datetime.date) -> list[tuple[Period, str]]:
    """The 三会一课 slots (period, kind) ``organization`` had to fill in ``year`` by ``as_of``: quarters first."""
    slots = [(p, kind) for p in quarters(year) for kind in QUARTERLY_MEETINGS]
    slots += [(p, kind) for p in months(year) for kind in MONTHLY_MEETINGS]
    return [(period, kind) for period, kind in slots if slot_required(organization, period, as_of)]


def required_theme_day_months(organization, year: int, as_of: datetime.date) -> list[int]:
    """The months (1–12) of ``year`` in which ``organization`` had to hold a theme Party day, by ``as_of``."""
    return [index for index, month in enumerate(months(year), start=1) if slot_required(organization, month, as_of)]


# --- term elections --------------------------------------------------------------------

#: A term election is "due" this many days before the term ends (and stays due once overdue).
ELECTION_NOTICE_DAYS = 90


def election_due_by(organization, on: datetime.date) -> bool:
    """Whether the organization's term ends within :data:`ELECTION_NOTICE_DAYS` of ``on``, or has ended."""
    due = organization.next_election_due
    return due is not None and due <= on + datetime.timedelta(days=ELECTION_NOTICE_DAYS)


def election_state(organization, on: datetime.date) -> str:
    """The term election on ``on``: "none" (no term running), "overdue", "soon" (due by the rule above) or "ok"."""
    if organization.status == OrganizationStatus.DISSOLVED or organization.next_election_due is None:
        return "none"
    if organization.next_election_due < on:
        return "overdue"
    return "soon" if election_due_by(organization, on) else "ok"


# --- coverage --------------------------------------------------------------------------


def enterprises_existing(queryset, day: datetime.date):
    """The enterprises of ``queryset`` that existed on ``day``: not founded later, not deregistered by then.

    (The figures engine further drops those whose state on ``day``, from
    their history, was deregistered; a page for today drops the ones
    deregistered now.)
    """
    return queryset.exclude(founded_on__gt=day).exclude(deregistered_on__lte=day)


#: The coverage parts of an existing enterprise, in the order the figures name them.
COVERAGE_PARTS = ("own", "joint", "affiliated", "instructor_only", "uncovered")
#: The parts that count as covered by a Party organization (党的组织覆盖).
ORGANIZATION_COVERAGE = ("own", "joint", "affiliated")


def coverage_part(enterprise, founded_organization_ids: Collection[int]) -> str:
    """How an enterprise is covered: by a founded organization (own / joint / affiliated), an instructor, or not.

    An enterprise of an organization still being formed (or dissolved) is not
    covered by it; ``founded_organization_ids`` are the organizations founded
    and not dissolved on the date in question.
    """
    if enterprise.organization_id in founded_organization_ids and enterprise.coverage_mode != CoverageMode.NONE:
        return str(enterprise.coverage_mode)
    if enterprise.instructor_id:
        return "instructor_only"
    return "uncovered"
