"""Records the report prose cites by name: the best-run organization, the biggest request solved, a commended
member, a notice signed late, the organizations being formed and the enterprises they will cover, the centres.

Each function reads the figure set's base data (and at most a query or two for names and titles) and
returns small records that keep the primary keys of what they cite, so every example in a report can
be traced to its record. ``None`` or an empty list when the scope has nothing to cite.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from members.models import Commendation, CommendationKind
from organizations.models import (
    Activity,
    ActivityKind,
    Audience,
    Enterprise,
    FormationMode,
    NoticeReceipt,
    Park,
    PartyOrganization,
    ServiceRequest,
)
from organizations.rules import THREE_MEETINGS_KINDS

from . import base
from .compliance import OrganizationCompliance, compliance
from .definitions.activities import idle_organizations
from .definitions.requests import overdue_requests
from .definitions.support import late_receipts


def cited(fs, name: str, compute):
    """``compute()`` once per figure set (examples are read by both report kinds and the problems)."""
    key = f"_example_{name}"
    if key not in fs.__dict__:
        fs.__dict__[key] = compute()
    return fs.__dict__[key]


# Organization life ---------------------------------------------------------------------------


def required_records(fs) -> list[OrganizationCompliance]:
    return [record for record in compliance(fs).organizations if record.required]


def best_run(fs) -> OrganizationCompliance | None:
    """The organization that held the largest share of its required meetings (more meetings held wins a tie)."""
    records = required_records(fs)
    if not records:
        return None
    best = max(records, key=lambda r: (r.met / r.required, r.required, -r.organization.pk))
    return best if best.met else None


def worst_run(fs) -> OrganizationCompliance | None:
    """The organization that missed the most required meetings."""
    below = [r for r in required_records(fs) if r.below]
    if not below:
        return None
    return max(below, key=lambda r: (r.required - r.met, -r.organization.pk))


def missed_by_kind(fs) -> list[tuple[str, int]]:
    """(meeting kind, meetings missed) over all organizations, most missed first."""
    missed: Counter = Counter()
    for record in required_records(fs):
        for _period, kind in record.missing:
            missed[kind] += 1
    order = {kind: i for i, kind in enumerate(THREE_MEETINGS_KINDS)}
    return sorted(missed.items(), key=lambda item: (-item[1], order.get(item[0], 99)))


def missed_bands(fs) -> list[tuple[int, int | None, int]]:
    """How many organizations missed 1–3, 4–9 and 10 or more required meetings: (low, high, organizations)."""
    bands = [(1, 3), (4, 9), (10, None)]
    below = [r.required - r.met for r in required_records(fs) if r.below]
    return [(low, high, sum(1 for n in below if n >= low and (high is None or n <= high))) for low, high in bands]


def special_lecture_themes(fs, limit: int = 3) -> list[str]:
    """The subjects of the year's special Party lectures, most frequent first (titles without 专题党课)."""

    def compute():
        chosen = [a.pk for a in base.activities(fs) if a.kind == ActivityKind.PARTY_LECTURE and a.is_special_lecture]
        if not chosen:
            return []
        titles = Counter()
        for title in Activity.objects.filter(pk__in=chosen).values_list("title", flat=True):
            subject = title.strip().removesuffix("专题党课").removesuffix("专题").strip("：: ")
            if subject:
                titles[subject] += 1
        return [subject for subject, _n in titles.most_common()]

    return cited(fs, "lecture_themes", compute)[:limit]


@dataclass(frozen=True)
class IdleExample:
    organization: PartyOrganization
    last_held_on: datetime.date | None  # its last activity before the as-of date, if any


def idle_examples(fs) -> list[IdleExample]:
    def compute():
        orgs = idle_organizations(fs)
        last = dict(
            Activity.objects.filter(organization__in=[o.pk for o in orgs], held_on__lte=fs.as_of)
            .values_list("organization")
            .annotate(last=Max("held_on"))
            .values_list("organization", "last")
        )
        return [IdleExample(org, last.get(org.pk)) for org in sorted(orgs, key=lambda o: o.name)]

    return cited(fs, "idle", compute)


def secretary_training_organizers(fs) -> list[str]:
    """Who ran the year's secretary trainings, most sessions first."""

    def compute():
        chosen = [
            a.pk for a in base.activities(fs) if a.kind == ActivityKind.TRAINING and a.audience == Audience.SECRETARIES
        ]
        if not chosen:
            return []
        counts = Counter(o for o in Activity.objects.filter(pk__in=chosen).values_list("organizer", flat=True) if o)
        return [name for name, _n in counts.most_common()]

    return cited(fs, "trainers", compute)


# Commendations and demonstration points ----------------------------------------------------------


def commended_members(fs) -> list[Commendation]:
    """The year's outstanding members, earliest awarded first, with their organizations."""

    def compute():
        chosen = [pk for pk, kind, _park in base.commendations(fs) if kind == CommendationKind.OUTSTANDING_MEMBER]
        qs = Commendation.objects.filter(pk__in=chosen).select_related("member", "organization")
        return list(qs.order_by("awarded_on", "pk"))

    return cited(fs, "commended_members", compute)


def advanced_organizations(fs) -> list[PartyOrganization]:
    def compute():
        chosen = [pk for pk, kind, _park in base.commendations(fs) if kind == CommendationKind.ADVANCED_ORGANIZATION]
        qs = Commendation.objects.filter(pk__in=chosen).select_related("organization")
        return [c.organization for c in qs.order_by("awarded_on", "pk")]

    return cited(fs, "advanced_organizations", compute)


def demonstration_points(fs) -> list[PartyOrganization]:
    """Demonstration points on the as-of date, the highest level first."""
    rank = {"province": 0, "city": 1, "county": 2}
    points = [org for org in base.organizations(fs).values() if org.is_demonstration_point]
    return sorted(points, key=lambda org: (rank.get(org.demonstration_level, 9), org.name))


def founded_this_year(fs) -> list[PartyOrganization]:
    founded = [org for org in base.organizations(fs).values() if fs.in_year(org.founded_on)]
    return sorted(founded, key=lambda org: (org.founded_on, org.name))


# Organizations being formed ------------------------------------------------------------------


@dataclass(frozen=True)
class Forming:
    """An organization being formed and the enterprises it will cover."""

    organization: PartyOrganization
    park_name: str
    enterprises: list[str] = field(default_factory=list)

    @property
    def joint(self) -> bool:
        return self.organization.formation_mode == FormationMode.JOINT


def forming(fs) -> list[Forming]:
    """The organizations being formed on the as-of date, each with the names of its enterprises."""

    def compute():
        orgs = base.forming_organizations(fs)
        names: dict[int, list[str]] = {}
        for enterprise in sorted(base.enterprises(fs), key=lambda e: e.name):
            if enterprise.organization_id in orgs:
                names.setdefault(enterprise.organization_id, []).append(enterprise.name)
        parks = dict(Park.objects.filter(pk__in={o.park_id for o in orgs.values()}).values_list("pk", "name"))
        found = [Forming(org, parks.get(org.park_id, ""), names.get(pk, [])) for pk, org in orgs.items()]
        return sorted(found, key=lambda f: (f.joint, f.organization.forming_since or datetime.date.min, f.park_name))

    return cited(fs, "forming", compute)


# Requests ------------------------------------------------------------------------------------


def biggest_request(fs) -> ServiceRequest | None:
    """The closed request of the year that served the most (flats, people), the earliest received on a tie."""

    def compute():
        closed = [r for r in base.requests_of_year(fs) if r.closed]
        if not closed:
            return None
        best = max(closed, key=lambda r: (r.quantity + r.people_served, -r.received_on.toordinal(), -r.pk))
        if not best.quantity + best.people_served:
            return None
        return ServiceRequest.objects.select_related("enterprise").get(pk=best.pk)

    return cited(fs, "biggest_request", compute)


def overdue_examples(fs, limit: int = 2) -> list[ServiceRequest]:
    def compute():
        chosen = [r.pk for r in overdue_requests(fs)]
        qs = ServiceRequest.objects.filter(pk__in=chosen).select_related("enterprise")
        return list(qs.order_by("due_on", "pk"))

    return cited(fs, "overdue", compute)[:limit]


# Notices -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LateNotice:
    """A notice signed late: by the park itself (it held the notice up) or by an organization."""

    receipt: NoticeReceipt
    received_on: datetime.date | None  # None: not signed for by the as-of date
    still_missing: list[str] = field(default_factory=list)  # organizations that never signed for it

    @property
    def by_park(self) -> bool:
        return self.receipt.organization_id is None


def late_notice(fs) -> LateNotice | None:
    """The late receipt that shows the delay best: the park's own, else the longest delay, else a missing one."""

    def compute():
        late = late_receipts(fs)
        if not late:
            return None

        def delay(receipt) -> int:
            if receipt.received_at is None:
                return (fs.as_of - receipt.notice.deadline).days
            return (timezone.localdate(receipt.received_at) - receipt.notice.deadline).days

        chosen = max(late, key=lambda r: (r.organization_id is None, r.received_at is not None, delay(r), -r.pk))
        receipt = NoticeReceipt.objects.select_related("notice", "organization").get(pk=chosen.pk)
        missing = [
            r.organization.name
            for r in NoticeReceipt.objects.filter(
                pk__in=[r.pk for r in late if r.notice_id == chosen.notice_id and r.received_at is None]
            )
            .select_related("organization")
            .order_by("organization__name")
            if r.organization_id
        ]
        received = timezone.localdate(receipt.received_at) if receipt.received_at else None
        return LateNotice(receipt, received, missing)

    return cited(fs, "late_notice", compute)


# The park -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Integration:
    """How a zone was put together from its parks (一区五园)."""

    zone: Park
    parks: list[Park]  # the sub-parks, in order
    core: Park | None
    integrated: list[Park]  # the sub-parks integrated into the zone, with their dates

    @property
    def integrated_years(self) -> list[int]:
        return sorted({p.integrated_on.year for p in self.integrated if p.integrated_on})


def integration(fs) -> Integration | None:
    """The zone of the report's park with its sub-parks, when the zone records how it was formed."""

    def compute():
        park = fs.park
        if park is None:
            return None
        zone = park if park.parent_id is None else Park.objects.get(pk=park.parent_id)
        parks = list(Park.objects.filter(parent=zone).order_by("sort_order", "code"))
        if not parks:
            return None
        core = next((p for p in parks if p.is_core), None)
        integrated = [p for p in parks if p.integrated_on and not p.is_core]
        return Integration(zone, parks, core, integrated)

    return cited(fs, "integration", compute)


def enterprise_names(pks) -> dict[int, str]:
    return dict(Enterprise.objects.filter(pk__in=pks).values_list("pk", "name"))
