"""三会一课 and theme-day compliance: which required meetings each organization held.

The rule (FIGURES.md): a branch general meeting and a Party lecture per
quarter, a committee meeting and a group meeting per month, a theme Party day
per month. A period counts once it has ended by the as-of date, for every
organization founded by the period's first day and not dissolved by its last
day. The rule is :mod:`organizations.rules`' (the organization page shows the
same slots); this module counts the meetings held against it. The result keeps every slot so the dashboard can draw the
organization × month matrix and the problems can name the organizations.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from organizations.models import ActivityKind, PartyOrganization
from organizations.rules import (
    THREE_MEETINGS_KINDS,
    Period,
    months,
    required_slots,
    required_theme_day_months,
)

from .base import activities, current_park_id, memoized, narrowed_by


@dataclass
class OrganizationCompliance:
    """One organization's record: slots required and met, and the month-by-month counts."""

    organization: PartyOrganization
    required: int = 0
    met: int = 0
    theme_days_required: int = 0
    theme_days_met: int = 0
    missing: list[tuple[str, str]] = field(default_factory=list)  # (period label, activity kind)
    counts: dict[int, Counter] = field(default_factory=dict)  # month → Counter of kinds
    required_months: set[int] = field(default_factory=set)

    @property
    def rate(self) -> float | None:
        return self.met / self.required if self.required else None

    @property
    def below(self) -> bool:
        return self.met < self.required


@dataclass
class Compliance:
    organizations: list[OrganizationCompliance]

    @property
    def required(self) -> int:
        return sum(o.required for o in self.organizations)

    @property
    def met(self) -> int:
        return sum(o.met for o in self.organizations)

    @property
    def theme_days_required(self) -> int:
        return sum(o.theme_days_required for o in self.organizations)

    @property
    def theme_days_met(self) -> int:
        return sum(o.theme_days_met for o in self.organizations)

    @property
    def below(self) -> list[OrganizationCompliance]:
        return [o for o in self.organizations if o.below]


@memoized
def year_organizations(fs) -> list[PartyOrganization]:
    """Organizations of the scope founded by the as-of date and not dissolved before the year, in display order."""
    return list(
        fs.scoped(
            PartyOrganization.objects.filter(founded_on__lte=fs.as_of).exclude(dissolved_on__lt=fs.year_start)
        ).order_by("park__sort_order", "park__code", "name")
    )


@narrowed_by(year_organizations)
def _narrow_year_organizations(fs, orgs):
    return [org for org in orgs if fs.in_scope(current_park_id(org))]


@memoized
def compliance(fs) -> Compliance:
    """Compliance of every organization of the scope that was active during the year."""
    orgs = year_organizations(fs)
    # Activities per organization, kind and month: every period is a month or a quarter of the year.
    held: Counter = Counter()
    for row in activities(fs):
        if row.organization_id is not None:
            held[(row.organization_id, row.kind, row.held_on.month)] += 1

    def count(org_id, kind, period: Period) -> int:
        return sum(held[(org_id, kind, month)] for month in range(period.first.month, period.last.month + 1))

    year_months = months(fs.year)
    result = []
    for org in orgs:
        record = OrganizationCompliance(org)
        for index, month in enumerate(year_months, start=1):
            if month.first > fs.as_of:
                break
            record.counts[index] = Counter(
                {kind: count(org.pk, kind, month) for kind in (*THREE_MEETINGS_KINDS, ActivityKind.THEME_DAY)}
            )
        for period, kind in required_slots(org, fs.year, fs.as_of):
            record.required += 1
            if count(org.pk, kind, period):
                record.met += 1
            else:
                record.missing.append((period.label, kind))
        for index in required_theme_day_months(org, fs.year, fs.as_of):
            record.required_months.add(index)
            record.theme_days_required += 1
            if count(org.pk, ActivityKind.THEME_DAY, year_months[index - 1]):
                record.theme_days_met += 1
        if record.required or record.theme_days_required or record.counts:
            result.append(record)
    return Compliance(result)


@narrowed_by(compliance)
def _narrow_compliance(fs, wider: Compliance) -> Compliance:
    """Each organization's record depends on its own meetings only: a park's share is a filter."""
    return Compliance([record for record in wider.organizations if fs.in_scope(current_park_id(record.organization))])
