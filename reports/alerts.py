"""The dashboards' alerts: figures that call for action, each linking to the records behind it.

Alerts are built only from figures of the engine; an alert is raised when
its figure counts at least one record.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .links import figure_url

#: (figure key, what to do about it), in the order they are shown.
ALERTS = [
    ("orgs_idle_90_days", _("Organizations with no activity of their own in the last 90 days.")),
    ("elections_due", _("Term elections due within 90 days, or overdue.")),
    ("receipts_late", _("Notices past their deadline and not signed for in time.")),
    ("requests_overdue", _("Service requests open past their due date.")),
    ("quota_behind_pace", _("Admissions behind the development quota's pace for the year so far.")),
    ("enterprises_uncovered", _("Enterprises with neither a Party organization nor an instructor.")),
    ("probationary_overdue", _("Probationary members past their year of probation.")),
]
ALERT_KEYS = [key for key, _hint in ALERTS]


@dataclass(frozen=True)
class Alert:
    key: str
    label: str
    hint: str
    value: int
    display: str
    url: str


def alerts(figures, park) -> list[Alert]:
    """The raised alerts of a figure set (``park`` is its scope, None for the county)."""
    raised = []
    for key, hint in ALERTS:
        figure = figures[key]
        if figure.value:
            url = figure_url(park, figures.year, key)
            raised.append(Alert(key, figure.label, hint, figure.value, figure.display, url))
    return raised
