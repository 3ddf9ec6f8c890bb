"""The panels of a Party organization's page that read its rules: term election, 三会一课, activities by month.

The rules themselves (which periods are due, when an election is due) live in
:mod:`organizations.rules`, the ones the figures engine counts by; these panels only lay them out.
Each panel is read with one aggregate query.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from organizations.models import Activity, ActivityKind
from organizations.rules import (
    ELECTION_NOTICE_DAYS,
    MONTHLY_MEETINGS,
    QUARTERLY_MEETINGS,
    Period,
    active_in,
    election_state,
    months,
    period_ended,
    quarters,
    slot_required,
)
from organizations.views.shared import optional_url
from parkparty.core.views.generic import Panel
from parkparty.core.views.generic.parts import offered_add_url


def period_cell(organization, count: int, period: Period, today: datetime.date) -> dict:
    """One month or quarter of the 三会一课 record: held, missed, still open, not yet due or not applicable.

    ``required`` says whether the period counts in "held / due"; the rule is
    :func:`organizations.rules.slot_required`, the one the figures engine counts by.
    """
    if count:
        state = "held"
    elif not active_in(organization, period):
        state = "na"
    elif period.first > today:
        state = "future"
    elif not period_ended(period, today):
        state = "open"
    else:
        state = "missed"
    return {"state": state, "count": count, "required": slot_required(organization, period, today)}


def meetings_panel(organization, user, today: datetime.date) -> Panel:
    """This year's 三会一课 record, from one aggregate query."""
    year = today.year
    counts = {
        (row["month"], row["kind"]): row["n"]
        for row in Activity.objects.for_user(user)
        .filter(
            organization=organization,
            kind__in=MONTHLY_MEETINGS + QUARTERLY_MEETINGS,
            held_on__gte=datetime.date(year, 1, 1),
            held_on__lte=datetime.date(year, 12, 31),
        )
        .annotate(month=ExtractMonth("held_on"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    }

    def held(kind, period: Period) -> int:
        return sum(counts.get((month, kind), 0) for month in range(period.first.month, period.last.month + 1))

    monthly = []
    for kind in MONTHLY_MEETINGS:
        cells = [period_cell(organization, held(kind, month), month, today) for month in months(year)]
        monthly.append({"label": ActivityKind(kind).label, "cells": cells, **tally(cells)})
    quarterly = []
    for kind in QUARTERLY_MEETINGS:
        cells = [period_cell(organization, held(kind, quarter), quarter, today) for quarter in quarters(year)]
        quarterly.append({"label": ActivityKind(kind).label, "cells": cells, **tally(cells)})
    return Panel(
        title=_("Three meetings and one lecture in %(year)s") % {"year": year},
        template="organizations/partyorganization_meetings.html",
        extra={
            "months": [MONTHS[month] for month in range(1, 13)],
            "quarters": [_("Quarter %(number)s") % {"number": quarter} for quarter in range(1, 5)],
            "monthly": monthly,
            "quarterly": quarterly,
        },
    )


def tally(cells: list[dict]) -> dict:
    """How many periods were held out of those already due (the figures engine's required and met)."""
    held = sum(1 for cell in cells if cell["required"] and cell["state"] == "held")
    due = sum(1 for cell in cells if cell["required"])
    return {"held": held, "due": due}


def activities_panel(organization, user, today: datetime.date) -> Panel:
    """Activities of the last twelve months, counted by month and kind in one aggregate query."""
    first = today.replace(day=1)
    months = []
    for _step in range(12):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    rows = (
        Activity.objects.for_user(user)
        .filter(organization=organization, held_on__gte=months[-1], held_on__lte=today)
        .annotate(month=TruncMonth("held_on"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[datetime.date, str], int] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[(month, row["kind"])] = row["n"]
    months.reverse()
    kinds = [kind for kind in ActivityKind if any(key[1] == kind for key in counts)]
    table = []
    for kind in kinds:
        cells = [counts.get((month, kind), 0) for month in months]
        table.append({"label": kind.label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][index] for row in table) for index in range(len(months))]
    return Panel(
        title=_("Activities in the last twelve months"),
        template="organizations/partyorganization_activities.html",
        add_url=offered_add_url(user, optional_url("organizations:activity_add", organization=organization.pk)),
        empty=_("No activities recorded in the last twelve months."),
        extra={
            "months": [month.strftime("%Y-%m") for month in months],
            "table": table,
            "totals": totals,
            "total": sum(totals),
            "list_url": optional_url("organizations:activity_list", organization=organization.pk),
        },
    )


def term_panel(organization, today: datetime.date) -> Panel:
    """The term election: term length, last election, when the next one is due (by the figures' rule)."""
    return Panel(
        title=_("Term election"),
        template="organizations/partyorganization_term.html",
        extra={
            "term_years": organization.term_years,
            "due": organization.next_election_due,
            "state": election_state(organization, today),
            "notice_days": ELECTION_NOTICE_DAYS,
        },
    )
