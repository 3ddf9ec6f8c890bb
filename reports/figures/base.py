"""Base data of a figure set: records as they stood on the as-of date, read once per set.

States (status, stage, membership, coverage) are taken from each record's
history as of the end of the as-of day; a record with no history entry by
then (entered later) counts in its current state when its explicit dates
(founded, joined …) say it existed. Explicit dates always win over history
timestamps. Events (activities, requests, payments) are the records dated in
the year up to the as-of date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.db.models import F

from members.models import Applicant, Commendation, DevelopmentQuota, DuesPayment, Member, MemberCategory, PioneerPost
from organizations import rules
from organizations.models import (
    Activity,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
    Funding,
    NoticeReceipt,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)
from organizations.models.requests import RequestStatus
from parkparty.core.history import as_of as history_as_of

#: An organization with no activity of its own for this many days is idle.
IDLE_DAYS = 90

#: Base functions whose result a figure set split from a wider one (``FigureSet.split``) filters
#: from the wider set's result: name → ``narrow(fs, wider_result)``.
NARROWERS: dict = {}


def memoized(function):
    """Compute ``function(figure_set)`` once per figure set.

    A set split from a wider one filters the wider set's result when the
    function has a narrower (:func:`narrowed_by`), instead of querying again.
    """
    name = f"_base_{function.__name__}"

    @wraps(function)
    def wrapper(fs):
        if name not in fs.__dict__:
            narrow = NARROWERS.get(name)
            source = getattr(fs, "source", None)
            if narrow is not None and source is not None:
                fs.__dict__[name] = narrow(fs, wrapper(source))
            else:
                fs.__dict__[name] = function(fs)
        return fs.__dict__[name]

    wrapper.base_name = name
    return wrapper


def narrowed_by(base_function):
    """Register the decorated ``narrow(fs, wider_result)`` for the memoized ``base_function``."""

    def register(narrow):
        NARROWERS[base_function.base_name] = narrow
        return narrow

    return register


def states_as_of(model, fs, current):
    """Each row of the queryset ``current`` in its historical state at the cutoff, when history has one.

    Returns ``{pk: instance}``; rows without history by the cutoff keep their
    current state (the caller decides from explicit dates whether they existed).
    """
    rows = {row.pk: row for row in current}
    if not rows:
        return {}
    # The row in force at the cutoff by ``effective_at`` (when each change took effect, e.g. the
    # survey date), not by ``history_date`` (when it was entered). Keyed by history_id: filter on ``id``.
    for state in history_as_of(model, fs.cutoff).filter(id__in=current.values("pk")):
        state.current_park_id = getattr(rows[state.pk], "park_id", None)  # for narrowing by today's park
        rows[state.pk] = state
    return rows


def current_park_id(row) -> int | None:
    """The park a row of :func:`states_as_of` lies in today (its scope was taken by that park)."""
    return getattr(row, "current_park_id", None) or row.park_id


# Enterprises ---------------------------------------------------------------


@memoized
def enterprises(fs) -> list:
    """Enterprises existing on the as-of date, in scope, in their state of that date."""
    day = fs.as_of
    current = fs.scoped(rules.enterprises_existing(Enterprise.objects.all(), day))
    states = states_as_of(Enterprise, fs, current)
    known = _existed_in_history(Enterprise, fs, current)
    result = []
    for pk, state in states.items():
        if state.founded_on is None and pk not in known:
            continue  # no date says it existed, and it was entered after the cutoff
        if state.status == EnterpriseStatus.DEREGISTERED:
            continue
        if fs.in_scope(state.park_id):
            result.append(state)
    return result


@narrowed_by(enterprises)
def _narrow_enterprises(fs, rows):
    return [e for e in rows if fs.in_scope(e.park_id) and fs.in_scope(current_park_id(e))]


def _existed_in_history(model, fs, current) -> set:
    """Primary keys of ``current`` with a history entry in effect by the cutoff."""
    entries = model.history.filter(effective_at__lte=fs.cutoff, id__in=current.values("pk"))
    return set(entries.values_list("id", flat=True).distinct())


@memoized
def surveyed_enterprise_ids(fs) -> set[int]:
    surveys = EnterpriseSurvey.objects.filter(surveyed_on__gte=fs.year_start, surveyed_on__lte=fs.as_of)
    surveyed = set(surveys.values_list("enterprise_id", flat=True))
    return {e.pk for e in enterprises(fs) if e.pk in surveyed}


@narrowed_by(surveyed_enterprise_ids)
def _narrow_surveyed(fs, pks):
    return {e.pk for e in enterprises(fs) if e.pk in pks}


# Organizations -------------------------------------------------------------


@memoized
def organizations(fs) -> dict[int, PartyOrganization]:
    """Organizations founded by the as-of date and not dissolved, in scope, in their state of that date."""
    return states_as_of(PartyOrganization, fs, fs.scoped(PartyOrganization.objects.founded_as_of(fs.as_of)))


@memoized
def forming_organizations(fs) -> dict[int, PartyOrganization]:
    return states_as_of(PartyOrganization, fs, fs.scoped(PartyOrganization.objects.forming_as_of(fs.as_of)))


@narrowed_by(organizations)
def _narrow_organizations(fs, orgs):
    return {pk: org for pk, org in orgs.items() if fs.in_scope(current_park_id(org))}


narrowed_by(forming_organizations)(_narrow_organizations)


@memoized
def organization_parks(fs) -> dict[int, int]:
    """Every organization's park (current), to place members and applicants."""
    return dict(PartyOrganization.objects.values_list("pk", "park_id"))


@narrowed_by(organization_parks)
def _narrow_organization_parks(fs, parks):
    return parks  # every organization's park, whatever the scope


@memoized
def service_centers(fs) -> list[tuple[int, int]]:
    """(pk, park) of the centres open on the as-of date, in scope."""
    qs = ServiceCenter.objects.filter(opened_on__lte=fs.as_of).exclude(closed_on__lte=fs.as_of)
    return list(fs.scoped(qs).values_list("pk", "park_id"))


@narrowed_by(service_centers)
def _narrow_service_centers(fs, rows):
    return [row for row in rows if fs.in_scope(row[1])]


# Members and development ---------------------------------------------------


@dataclass(frozen=True)
class MemberState:
    pk: int
    organization_id: int
    category: str
    status: str
    joined_on: datetime.date
    current_organization_id: int | None = None


@memoized
def members(fs) -> list[MemberState]:
    """Members on the as-of date (joined or transferred in by then, not ended), in scope."""
    current = fs.scoped(Member.objects.as_of(fs.as_of), "organization__park").only(
        "pk", "organization_id", "category", "status", "joined_on", "full_on", "transferred_in_on", "ended_on"
    )
    current_by_pk = {m.pk: m for m in current}
    states = states_as_of(Member, fs, current)
    parks = organization_parks(fs)
    result = []
    for pk, state in states.items():
        now = current_by_pk[pk]
        if now.full_on:  # the explicit date decides the category
            category = MemberCategory.FULL if now.full_on <= fs.as_of else MemberCategory.PROBATIONARY
        else:
            category = state.category
        if fs.in_scope(parks.get(state.organization_id)):
            result.append(
                MemberState(pk, state.organization_id, category, state.status, now.joined_on, now.organization_id)
            )
    return result


@narrowed_by(members)
def _narrow_members(fs, rows):
    parks = organization_parks(fs)
    return [
        m
        for m in rows
        if fs.in_scope(parks.get(m.organization_id)) and fs.in_scope(parks.get(m.current_organization_id))
    ]


@memoized
def applicants(fs) -> list[Applicant]:
    """Everyone in the development pipeline of the scope (current organization)."""
    qs = Applicant.objects.only(
        "pk",
        "organization_id",
        "applied_on",
        "activist_on",
        "candidate_on",
        "dossier_submitted_on",
        "admitted_on",
        "full_on",
        "withdrawn_on",
    )
    return list(fs.scoped(qs, "organization__park"))


@narrowed_by(applicants)
def _narrow_applicants(fs, rows):
    parks = organization_parks(fs)
    return [a for a in rows if fs.in_scope(parks.get(a.organization_id))]


@dataclass(frozen=True)
class QuotaRow:
    pk: int
    park_id: int
    year: int
    quota: int


@memoized
def development_quotas(fs) -> list[QuotaRow]:
    """The development quotas of the scope's parks for the figure year and the years before."""
    qs = fs.scoped(DevelopmentQuota.objects.filter(year__lte=fs.year))
    return [QuotaRow(*row) for row in qs.values_list("pk", "park_id", "year", "quota")]


@narrowed_by(development_quotas)
def _narrow_quotas(fs, rows):
    return [row for row in rows if fs.in_scope(row.park_id)]


@memoized
def staffing(fs) -> list[ParkStaffing]:
    """The scope's parks' staffing records of the figure year."""
    return list(fs.scoped(ParkStaffing.objects.filter(year=fs.year)))


@narrowed_by(staffing)
def _narrow_staffing(fs, rows):
    return [row for row in rows if fs.in_scope(row.park_id)]


@memoized
def pioneer_posts(fs) -> list[tuple[int, int]]:
    """(pk, park) of the posts held on the as-of date, in scope."""
    qs = PioneerPost.objects.filter(started_on__lte=fs.as_of).exclude(ended_on__lt=fs.as_of)
    return list(fs.scoped(qs, "member__organization__park").values_list("pk", "member__organization__park_id"))


@narrowed_by(pioneer_posts)
def _narrow_pioneer_posts(fs, rows):
    return [row for row in rows if fs.in_scope(row[1])]


@memoized
def commendations(fs) -> list[tuple[int, str, int]]:
    """(pk, kind, park) of the commendations of the figure year, in scope."""
    qs = Commendation.objects.filter(year=fs.year)
    return list(fs.scoped(qs, "organization__park").values_list("pk", "kind", "organization__park_id"))


@narrowed_by(commendations)
def _narrow_commendations(fs, rows):
    return [row for row in rows if fs.in_scope(row[2])]


# Events of the year --------------------------------------------------------


@dataclass(frozen=True)
class ActivityRow:
    pk: int
    kind: str
    held_on: datetime.date
    organization_id: int | None
    audience: str
    partner_department: str
    actual_attendance: int
    is_special_lecture: bool
    park_id: int | None = None
    place_id: int | None = None  # the service centre it was held at


@memoized
def activities(fs) -> list[ActivityRow]:
    """Activities held in the year up to the as-of date, in scope."""
    qs = Activity.objects.filter(held_on__gte=fs.year_start, held_on__lte=fs.as_of)
    fields = (
        "pk",
        "kind",
        "held_on",
        "organization_id",
        "audience",
        "partner_department",
        "actual_attendance",
        "is_special_lecture",
        "park_id",
        "place_id",
    )
    return [
        ActivityRow(pk, kind, held_on, org, audience or "", partner or "", attendance or 0, special, park, place)
        for pk, kind, held_on, org, audience, partner, attendance, special, park, place in fs.scoped(qs).values_list(
            *fields
        )
    ]


@narrowed_by(activities)
def _narrow_activities(fs, rows):
    return [a for a in rows if fs.in_scope(a.park_id)]


@dataclass(frozen=True)
class RequestRow:
    pk: int
    category: str
    received_on: datetime.date
    due_on: datetime.date | None
    closed: bool  # closed by the as-of date
    finished: bool  # closed or rejected by the as-of date
    quantity: int
    people_served: int
    park_id: int | None = None
    satisfaction: int | None = None  # the enterprise's rating of a finished request (1–5)


@memoized
def requests(fs) -> list[RequestRow]:
    """Service requests received on or before the as-of date, in scope (overdue ones may be older)."""
    qs = fs.scoped(ServiceRequest.objects.filter(received_on__lte=fs.as_of))
    rows = []
    fields = (
        "pk",
        "category",
        "received_on",
        "due_on",
        "status",
        "closed_on",
        "quantity",
        "people_served",
        "park_id",
        "satisfaction",
    )
    for pk, category, received_on, due_on, status, closed_on, quantity, people, park, rating in qs.values_list(*fields):
        done = closed_on is not None and closed_on <= fs.as_of
        closed = done and status == RequestStatus.CLOSED
        finished = done and status in (RequestStatus.CLOSED, RequestStatus.REJECTED)
        rows.append(
            RequestRow(
                pk,
                category,
                received_on,
                due_on,
                closed,
                finished,
                quantity or 0,
                people or 0,
                park,
                rating if done else None,
            )
        )
    return rows


@narrowed_by(requests)
def _narrow_requests(fs, rows):
    return [r for r in rows if fs.in_scope(r.park_id)]


def requests_of_year(fs) -> list[RequestRow]:
    return [r for r in requests(fs) if r.received_on >= fs.year_start]


@memoized
def funding(fs) -> list[Funding]:
    qs = Funding.objects.filter(paid_on__gte=fs.year_start, paid_on__lte=fs.as_of).annotate(
        scope_park_id=F("organization__park_id")
    )
    return list(fs.scoped(qs, "organization__park").only("pk", "kind", "amount", "months", "organization_id"))


@narrowed_by(funding)
def _narrow_funding(fs, rows):
    return [row for row in rows if fs.in_scope(row.scope_park_id)]


@memoized
def notice_receipts(fs) -> list[NoticeReceipt]:
    """Receipts in scope of notices issued in the year up to the as-of date."""
    qs = NoticeReceipt.objects.filter(notice__issued_on__gte=fs.year_start, notice__issued_on__lte=fs.as_of)
    fields = ("pk", "park_id", "organization_id", "received_at", "notice__deadline", "notice_id")
    return list(fs.scoped(qs).select_related("notice").only(*fields))


@narrowed_by(notice_receipts)
def _narrow_notice_receipts(fs, rows):
    return [row for row in rows if fs.in_scope(row.park_id)]


@memoized
def dues(fs) -> list[tuple[int, int, Decimal, Decimal, int]]:
    """(pk, member, due, paid, park) of the months of the year up to the as-of date, in scope."""
    qs = DuesPayment.objects.filter(month__gte=fs.year_start, month__lte=fs.as_of)
    fields = ("pk", "member_id", "amount_due", "amount_paid", "member__organization__park_id")
    return list(fs.scoped(qs, "member__organization__park").values_list(*fields))


@narrowed_by(dues)
def _narrow_dues(fs, rows):
    return [row for row in rows if fs.in_scope(row[4])]


@memoized
def recently_active_organizations(fs) -> set[tuple[int, int]]:
    """(organization, park) of the organizations with an activity of their own in the 90 days to the as-of date."""
    since = fs.as_of - datetime.timedelta(days=IDLE_DAYS)
    qs = Activity.objects.filter(held_on__gt=since, held_on__lte=fs.as_of, organization__isnull=False)
    return set(fs.scoped(qs).values_list("organization_id", "park_id"))


@narrowed_by(recently_active_organizations)
def _narrow_recently_active(fs, rows):
    return {row for row in rows if fs.in_scope(row[1])}
