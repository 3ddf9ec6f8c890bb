"""Breakdowns of figures for the dashboards' charts: a figure split by month, category, kind or status.

A series is computed from the same base data as the figures (no query of its
own) and, like a figure, keeps the records behind each of its points, so a
chart's table can link every number to the records it counts. Series are
looked up by name with :func:`series`; a point is addressed by its ``part``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from members.models import MemberCategory, MemberStatus
from organizations.models import ActivityKind, RequestCategory

from . import base
from .core import _model, rate


@dataclass(frozen=True)
class Point:
    """One number of a series: its part (month number, category …), label, value and records."""

    part: str
    label: Any
    value: Any
    pks: frozenset = frozenset()


@dataclass(frozen=True)
class Series:
    key: str
    label: Any
    model: type | None
    points: list[Point] = field(default_factory=list)

    def point(self, part: str) -> Point | None:
        return next((p for p in self.points if p.part == part), None)


@dataclass(frozen=True)
class SeriesDefinition:
    key: str
    label: Any
    model: str | None
    compute: Callable


SERIES: dict[str, SeriesDefinition] = {}


def define(key: str, label, model: str | None):
    def register(function):
        SERIES[key] = SeriesDefinition(key, label, model, function)
        return function

    return register


def series(fs, key: str) -> Series:
    """Series ``key`` of the figure set ``fs`` (computed once per set). KeyError for an unknown key."""
    definition = SERIES[key]
    name = f"_series_{key}"
    if name not in fs.__dict__:
        points = [Point(part, label, value, frozenset(pks)) for part, label, value, pks in definition.compute(fs)]
        fs.__dict__[name] = Series(key, definition.label, _model(definition.model), points)
    return fs.__dict__[name]


def month_parts(fs) -> list[int]:
    """The months of the figure year up to the as-of date."""
    return list(range(1, fs.as_of.month + 1)) if fs.as_of.year == fs.year else list(range(1, 13))


def month_label(month: int) -> str:
    return gettext("Month %(month)s") % {"month": month}


@define("requests_received_by_month", _("Service requests received by month"), "organizations.ServiceRequest")
def requests_received_by_month(fs):
    rows = base.requests_of_year(fs)
    for month in month_parts(fs):
        chosen = [r.pk for r in rows if r.received_on.month == month]
        yield str(month), month_label(month), len(chosen), chosen


@define("requests_closed_by_month", _("Of these, closed"), "organizations.ServiceRequest")
def requests_closed_by_month(fs):
    rows = base.requests_of_year(fs)
    for month in month_parts(fs):
        chosen = [r.pk for r in rows if r.received_on.month == month and r.closed]
        yield str(month), month_label(month), len(chosen), chosen


@define("requests_closure_rate_by_month", _("Closure rate by month of receipt"), "organizations.ServiceRequest")
def requests_closure_rate_by_month(fs):
    rows = base.requests_of_year(fs)
    for month in month_parts(fs):
        received = [r for r in rows if r.received_on.month == month]
        closed = [r.pk for r in received if r.closed]
        yield str(month), month_label(month), rate(len(closed), len(received)), closed


@define("requests_by_category", _("Service requests by category"), "organizations.ServiceRequest")
def requests_by_category(fs):
    rows = base.requests_of_year(fs)
    for category in RequestCategory:
        chosen = [r.pk for r in rows if r.category == category]
        yield category.value, category.label, len(chosen), chosen


def _activities_of_kind(kind):
    def compute(fs):
        rows = [a for a in base.activities(fs) if a.kind == kind]
        for month in month_parts(fs):
            chosen = [a.pk for a in rows if a.held_on.month == month]
            yield str(month), month_label(month), len(chosen), chosen

    return compute


#: One series per activity kind: the activities of that kind held in each month.
for _kind in ActivityKind:
    define(f"activities_{_kind.value}_by_month", _kind.label, "organizations.Activity")(_activities_of_kind(_kind))


@define("members_by_status", _("Members by status"), "members.Member")
def members_by_status(fs):
    rows = base.members(fs)
    for status in MemberStatus:
        chosen = [m.pk for m in rows if m.status == status]
        yield status.value, status.label, len(chosen), chosen


@define("members_by_category", _("Members by category"), "members.Member")
def members_by_category(fs):
    rows = base.members(fs)
    for category in MemberCategory:
        chosen = [m.pk for m in rows if m.category == category]
        yield category.value, category.label, len(chosen), chosen
