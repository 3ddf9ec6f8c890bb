"""What the dashboards show, worked out from the figures engine alone.

A dashboard has a scope (a park with its sub-parks, or the county) and a
year. It reads one figure set for the scope and splits it into one set per
park of its table (:meth:`FigureSet.split`), so the number of queries does
not grow with the parks or the records. Every number keeps the link to the
records it counts (:func:`reports.links.figure_url`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.html import format_html
from django.utils.translation import gettext as _

from organizations.models import ActivityKind, Park
from organizations.rules import MONTHLY_MEETINGS, QUARTERLY_MEETINGS, THREE_MEETINGS_KINDS

from .alerts import alerts
from .figures import compute
from .figures.compliance import compliance
from .figures.core import RATE, format_value
from .figures.series import series
from .links import dashboard_url, figure_url

#: The figure cards on top of a dashboard.
CARD_KEYS = [
    "enterprises_total",
    "orgs_total",
    "org_coverage_rate",
    "work_coverage_rate",
    "members_total",
    "members_admitted",
    "requests_closure_rate",
    "three_meetings_compliance",
]
#: The columns of the park table.
TABLE_KEYS = [
    "enterprises_total",
    "enterprises_with_org",
    "org_coverage_rate",
    "work_coverage_rate",
    "orgs_total",
    "members_total",
    "members_admitted",
    "development_quota",
    "requests_received",
    "requests_closure_rate",
    "three_meetings_compliance",
]
#: The development pipeline, from application to full membership.
PIPELINE_KEYS = ["applicants", "activists", "candidates", "members_probationary", "members_full"]
#: Activity kinds charted by month.
CHART_ACTIVITY_KINDS = [*THREE_MEETINGS_KINDS, ActivityKind.THEME_DAY, ActivityKind.TRAINING]


def cell(figures, park, key: str, part: str | None = None) -> dict:
    """A number of the dashboard: its figure's label, value, display and link."""
    figure = figures[key]
    return {
        "key": key,
        "label": str(figure.label),
        "value": _plain(figure.value),
        "display": figure.display,
        "url": figure_url(park, figures.year, key, part) if figure.has_records else None,
    }


def _plain(value):
    """A figure's value as JSON can carry it."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def table_parks(park) -> list[Park]:
    """The parks of a dashboard's table: every park for the county; the sub-parks of a park, in tree order."""
    parks = list(Park.objects.select_related("parent").order_by("sort_order", "code"))
    by_parent: dict[int | None, list[Park]] = {}
    for item in parks:
        by_parent.setdefault(item.parent_id, []).append(item)
    ordered: list[Park] = []

    def walk(parent_id, depth):
        for item in by_parent.get(parent_id, []):
            item.depth = depth
            ordered.append(item)
            walk(item.pk, depth + 1)

    walk(None if park is None else park.pk, 0)
    return ordered


@dataclass
class Dashboard:
    park: Any  # Park or None for the county
    year: int
    figures: Any
    parks: list = field(default_factory=list)
    park_sets: dict = field(default_factory=dict)

    # -- numbers ---------------------------------------------------------
    def cards(self) -> list[dict]:
        cards = [cell(self.figures, self.park, key) for key in CARD_KEYS]
        admitted = next(c for c in cards if c["key"] == "members_admitted")
        admitted["quota"] = cell(self.figures, self.park, "development_quota")
        return cards

    def table(self) -> dict:
        headers = [{"key": key, "label": str(self.figures[key].label)} for key in TABLE_KEYS]
        rows = []
        for item in self.parks:
            figures = self.park_sets[item.pk]
            rows.append(
                {
                    "park": item,
                    "depth": getattr(item, "depth", 0),
                    "url": dashboard_url(item, self.year),
                    "cells": [cell(figures, item, key) for key in TABLE_KEYS],
                }
            )
        total = {"cells": [cell(self.figures, self.park, key) for key in TABLE_KEYS]}
        return {"headers": headers, "rows": rows, "total": total}

    def alerts(self):
        return alerts(self.figures, self.park)

    # -- charts ------------------------------------------------------------
    def charts(self) -> list[dict]:
        """Every chart's data: its id, title, kind, categories and series of linked numbers."""
        charts = self._charts()
        for chart in charts:  # the same numbers as a table: one row per category
            chart["rows"] = [
                {"label": label, "points": [s["data"][index] for s in chart["series"]]}
                for index, label in enumerate(chart["categories"])
            ]
        return charts

    def _charts(self) -> list[dict]:
        fs, park = self.figures, self.park
        names = [p.name for p in self.parks]
        charts = []

        def by_park(key):
            return [cell(self.park_sets[p.pk], p, key) for p in self.parks]

        charts.append(
            {
                "id": "coverage",
                "title": _("Coverage by park"),
                "kind": "bar",
                "unit": "rate",
                "categories": names,
                "series": [
                    {"name": str(fs["org_coverage_rate"].label), "data": by_park("org_coverage_rate")},
                    {"name": str(fs["work_coverage_rate"].label), "data": by_park("work_coverage_rate")},
                ],
            }
        )
        pipeline = [cell(fs, park, key) for key in PIPELINE_KEYS]
        charts.append(
            {
                "id": "pipeline",
                "title": _("Development pipeline"),
                "kind": "funnel",
                "categories": [c["label"] for c in pipeline],
                "series": [{"name": _("People"), "data": pipeline}],
            }
        )
        charts.append(
            {
                "id": "quota",
                "title": _("Development quota and admissions by park"),
                "kind": "bar",
                "categories": names,
                "series": [
                    {"name": str(fs["development_quota"].label), "data": by_park("development_quota")},
                    {"name": str(fs["members_admitted"].label), "data": by_park("members_admitted")},
                ],
            }
        )
        by_category = series(fs, "requests_by_category")
        charts.append(
            {
                "id": "request_categories",
                "title": _("Service requests by category"),
                "kind": "bar",
                "horizontal": True,
                "categories": [str(p.label) for p in by_category.points],
                "series": [{"name": str(fs["requests_received"].label), "data": self.points(by_category)}],
            }
        )
        received = series(fs, "requests_received_by_month")
        closed = series(fs, "requests_closed_by_month")
        closure = series(fs, "requests_closure_rate_by_month")
        charts.append(
            {
                "id": "request_months",
                "title": _("Service requests by month, with the closure rate"),
                "kind": "bar",
                "categories": [str(p.label) for p in received.points],
                "series": [
                    {"name": str(received.label), "data": self.points(received)},
                    {"name": str(closed.label), "data": self.points(closed)},
                    {"name": str(closure.label), "data": self.points(closure, rate=True), "line": True, "unit": "rate"},
                ],
            }
        )
        activity_series = [series(fs, f"activities_{kind.value}_by_month") for kind in CHART_ACTIVITY_KINDS]
        charts.append(
            {
                "id": "activities",
                "title": _("Activities by month and kind"),
                "kind": "bar",
                "stack": True,
                "categories": [str(p.label) for p in activity_series[0].points],
                "series": [{"name": str(s.label), "data": self.points(s)} for s in activity_series],
            }
        )
        statuses = series(fs, "members_by_status")
        charts.append(
            {
                "id": "member_status",
                "title": _("Members by status"),
                "kind": "pie",
                "categories": [str(p.label) for p in statuses.points],
                "series": [{"name": str(fs["members_total"].label), "data": self.points(statuses)}],
            }
        )
        return charts

    def points(self, chosen, rate: bool = False) -> list[dict]:
        return [
            {
                "label": str(p.label),
                "value": p.value,
                "display": format_value(p.value, RATE) if rate else str(p.value),
                "url": figure_url(self.park, self.year, chosen.key, p.part),
            }
            for p in chosen.points
        ]

    # -- the 三会一课 matrix -------------------------------------------------
    def matrix(self) -> dict:
        """Organization × month: meetings held against the required frequency, gaps marked."""
        result = compliance(self.figures)
        shown = (*THREE_MEETINGS_KINDS, ActivityKind.THEME_DAY)
        labels = {kind: str(ActivityKind(kind).label) for kind in shown}
        missing_label = _("missing")
        last_month = max((max(r.counts) for r in result.organizations if r.counts), default=0)
        months = list(range(1, last_month + 1))
        rows = []
        for record in result.organizations:
            missing: dict[int, list[str]] = {}
            for label, kind in record.missing:
                month = int(label[1:]) * 3 if label.startswith("Q") else int(label)
                missing.setdefault(month, []).append(labels[kind])
            cells = []
            for month in months:
                counts = record.counts.get(month)
                if counts is None:
                    cells.append(None)
                    continue
                meetings = sum(counts[kind] for kind in THREE_MEETINGS_KINDS)
                theme = counts[ActivityKind.THEME_DAY]
                gaps = list(missing.get(month, []))
                if month in record.required_months and not theme:
                    gaps.append(labels[ActivityKind.THEME_DAY])
                detail = "；".join(f"{labels[kind]} {counts[kind]}" for kind in shown)
                cell = {"meetings": meetings, "theme": theme, "gaps": gaps, "detail": detail}
                cell["html"] = matrix_cell_html(cell, missing_label)
                cells.append(cell)
            rows.append(
                {
                    "organization": record.organization,
                    "cells": cells,
                    "rate": record.rate,
                    "met": record.met,
                    "required": record.required,
                }
            )
        return {
            "months": months,
            "rows": rows,
            "monthly": [ActivityKind(k).label for k in MONTHLY_MEETINGS],
            "quarterly": [ActivityKind(k).label for k in QUARTERLY_MEETINGS],
        }


def matrix_cell_html(cell: dict, missing_label: str):
    """One cell of the 三会一课 matrix, built here rather than in the template: a park may show thousands."""
    if not cell["gaps"]:
        return format_html(
            '<td class="text-center num" title="{}">{} / {}</td>', cell["detail"], cell["meetings"], cell["theme"]
        )
    gaps = "、".join(cell["gaps"])
    return format_html(
        '<td class="text-center num gap" title="{} — {}: {}">{} / {} <span class="gap-mark">{}</span>'
        '<span class="visually-hidden">: {}</span></td>',
        cell["detail"],
        missing_label,
        gaps,
        cell["meetings"],
        cell["theme"],
        missing_label,
        gaps,
    )


def build(park, year: int, today=None) -> Dashboard:
    """The dashboard of ``park`` (None: the county) for ``year``: the scope's figures and its parks' figures."""
    figures = compute(park, year, today=today)
    parks = table_parks(park)
    return Dashboard(park=park, year=year, figures=figures, parks=parks, park_sets=figures.split(parks))
