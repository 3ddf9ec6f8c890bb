"""The machinery of the figures engine: figures, their registry and a computed set.

A figure is computed once, by name, for a *scope* (a park with all its
sub-parks, or the whole county when the park is ``None``) and a year, as of
31 December of that year (or today for the current year). Each figure keeps
its label, unit, value and the primary keys of the records behind it, so the
workbench can list exactly what was counted. Definitions live in
``reports.figures.definitions`` (one module per FIGURES.md group); ``FIGURES.md`` is their specification.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organizations.models import Park

#: Units (display suffixes). Values are formatted by :func:`format_value`.
COUNT = "count"
RATE = "rate"
AMOUNT = "amount"
PEOPLE = "people"
TIMES = "times"
PERSON_TIMES = "person_times"
ENTERPRISES = "enterprises"
ORGANIZATIONS = "organizations"
ITEMS = "items"
YEARS = "years"
FLATS = "flats"
POSTS = "posts"
RANGE = "range"
SCORE = "score"

UNIT_LABELS = {
    COUNT: _("unit: count"),
    RATE: "%",
    AMOUNT: _("unit: yuan"),
    PEOPLE: _("unit: people"),
    TIMES: _("unit: times"),
    PERSON_TIMES: _("unit: person-times"),
    ENTERPRISES: _("unit: enterprises"),
    ORGANIZATIONS: _("unit: organizations"),
    ITEMS: _("unit: items"),
    YEARS: _("unit: years"),
    FLATS: _("unit: flats"),
    POSTS: _("unit: posts"),
    RANGE: _("unit: yuan"),
    SCORE: _("unit: points"),
}

NO_VALUE = "—"


def format_number(value: Any) -> str:
    """A number as people write it: no trailing zeros, no thousands separator."""
    if value is None:
        return NO_VALUE
    if isinstance(value, Decimal):
        value = value.normalize()
        text = format(value, "f")
        return text
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


def format_value(value: Any, unit: str) -> str:
    """The display string of a value: rates as a percentage with one decimal, '—' when undefined."""
    if value is None:
        return NO_VALUE
    if unit == RATE:
        return f"{value * 100:.1f}%"
    if unit == RANGE:
        low, high = value
        if low is None:
            return NO_VALUE
        return format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    return format_number(value)


def rate(numerator: int | Decimal, denominator: int | Decimal) -> float | None:
    """A fraction, or None for a zero denominator (shown as '—', never 0 % or 100 %)."""
    if not denominator:
        return None
    return float(numerator) / float(denominator)


@dataclass(frozen=True)
class Figure:
    """One computed figure: what it is, its value, and the records it counts."""

    key: str
    label: str | Promise
    unit: str
    group: str
    value: Any
    model: type | None = None
    pks: frozenset = frozenset()
    note: str | Promise = ""

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def unit_label(self) -> str:
        return "" if self.unit == RATE else str(UNIT_LABELS.get(self.unit, ""))

    @property
    def has_records(self) -> bool:
        return self.model is not None

    def __str__(self) -> str:
        return self.display


@dataclass(frozen=True)
class Definition:
    key: str
    label: str | Promise
    unit: str
    group: str
    compute: Callable[[FigureSet], Any]
    model: str | None = None  # "app_label.ModelName" of the records behind it


#: Every figure, in catalogue order.
REGISTRY: dict[str, Definition] = {}

#: Figure groups in display order: key → label.
GROUPS: dict[str, str | Promise] = {}


def group(key: str, label: str | Promise) -> str:
    GROUPS[key] = label
    return key


def figure(key: str, label, unit: str, group_key: str, model: str | None = None):
    """Register the decorated function as the definition of figure ``key``.

    The function takes the :class:`FigureSet` and returns either a value, or
    ``(value, pks)`` when the figure has records behind it (``model`` given).
    """

    def register(function):
        if key in REGISTRY:
            raise ValueError(f"figure {key!r} defined twice")
        REGISTRY[key] = Definition(key, label, unit, group_key, function, model)
        return function

    return register


def year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def as_of_date(year: int, today: datetime.date | None = None) -> datetime.date:
    """31 December of ``year``, or today for the current year."""
    today = today or timezone.localdate()
    if year > today.year:
        raise ValueError(f"year {year} has not begun")
    return min(year_end(year), today)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in the project's time zone (history entries up to it count)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@dataclass
class FigureSet(Mapping):
    """The figures of one scope and year, computed on first access and kept.

    ``park`` is a :class:`organizations.models.Park` (with its sub-parks) or
    ``None`` for the whole county. Base data (enterprise states, members,
    activities …) is read once per set and shared by the figures built on it.
    """

    park: Any
    year: int
    today: datetime.date | None = None
    #: A wider set (e.g. the county's) whose base data this set filters instead of querying again.
    source: FigureSet | None = field(default=None, repr=False)
    _figures: dict[str, Figure] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.today = self.today or timezone.localdate()
        self.as_of = as_of_date(self.year, self.today)
        self.year_start = datetime.date(self.year, 1, 1)
        self.cutoff = end_of_day(self.as_of)

    # Scope --------------------------------------------------------------
    @cached_property
    def park_ids(self) -> frozenset[int] | None:
        """Ids of the parks in scope, or None for the whole county."""
        return None if self.park is None else self.park.descendant_ids()

    def split(self, parks) -> dict[int, FigureSet]:
        """One set per park of ``parks`` (each with its sub-parks), built from this set's base data.

        The parks' trees are read in one query and the base data this set has
        read is filtered by park instead of being queried again, so the sets
        of many parks cost as many queries as this one. Base data without a
        park to filter by is read by each set on its own (same result, more
        queries). Every park must lie in this set's scope.
        """
        children: dict[int | None, list[int]] = {}
        for pk, parent_id in Park.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)

        def tree(root: int) -> frozenset[int]:
            found, frontier = {root}, [root]
            while frontier:
                below = children.get(frontier.pop(), [])
                frontier.extend(pk for pk in below if pk not in found)
                found.update(below)
            return frozenset(found)

        sets = {}
        for park in parks:
            ids = tree(park.pk)
            if self.park_ids is not None and not ids <= self.park_ids:
                raise ValueError(f"park {park.pk} lies outside this figure set's scope")
            child = FigureSet(park=park, year=self.year, today=self.today, source=self)
            child.__dict__["park_ids"] = ids
            sets[park.pk] = child
        return sets

    def in_scope(self, park_id: int | None) -> bool:
        return self.park_ids is None or park_id in self.park_ids

    def scoped(self, queryset, lookup: str = "park"):
        """Filter ``queryset`` to the parks in scope through ``lookup``."""
        if self.park_ids is None:
            return queryset
        return queryset.filter(**{f"{lookup}__in": self.park_ids})

    def in_year(self, day: datetime.date | None) -> bool:
        return day is not None and self.year_start <= day <= self.as_of

    # Figures ------------------------------------------------------------
    def __getitem__(self, key: str) -> Figure:
        if key not in self._figures:
            definition = REGISTRY[key]
            result = definition.compute(self)
            pks: Iterable = ()
            if definition.model is not None:
                result, pks = result
            self._figures[key] = Figure(
                key=key,
                label=definition.label,
                unit=definition.unit,
                group=definition.group,
                value=result,
                model=_model(definition.model),
                pks=frozenset(pks),
            )
        return self._figures[key]

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)

    def value(self, key: str) -> Any:
        return self[key].value

    def display(self) -> dict[str, str]:
        """Every figure's display string by key (the ``figures`` of a report template)."""
        return {key: self[key].display for key in REGISTRY}

    def by_group(self) -> list[tuple[str, list[Figure]]]:
        """The figures grouped for display, groups in catalogue order."""
        grouped: dict[str, list[Figure]] = {key: [] for key in GROUPS}
        for key in REGISTRY:
            item = self[key]
            grouped.setdefault(item.group, []).append(item)
        return [(GROUPS.get(key, key), items) for key, items in grouped.items() if items]

    def records(self, key: str, queryset=None):
        """The records behind figure ``key`` (a queryset of its model), or None when it has none."""
        item = self[key]
        if item.model is None:
            return None
        base = queryset if queryset is not None else item.model._default_manager.all()
        return base.filter(pk__in=item.pks)


def _model(label: str | None):
    if label is None:
        return None
    from django.apps import apps

    return apps.get_model(label)
