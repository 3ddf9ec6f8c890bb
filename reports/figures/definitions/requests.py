"""Enterprise service requests received in the year: closure, overdue, by category, what was solved
(FIGURES.md, "Service requests").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organizations.models import INFRASTRUCTURE_CATEGORIES, RequestCategory

from .. import base
from ..core import FLATS, ITEMS, PEOPLE, RATE, figure, rate
from .common import G_REQUESTS, REQUEST, counted, pks


@figure("requests_received", _("Service requests received"), ITEMS, G_REQUESTS, REQUEST)
def requests_received(fs):
    rows = base.requests_of_year(fs)
    return counted(rows)


@figure("requests_closed", _("Service requests closed"), ITEMS, G_REQUESTS, REQUEST)
def requests_closed(fs):
    rows = [r for r in base.requests_of_year(fs) if r.closed]
    return counted(rows)


@figure("requests_closure_rate", _("Request closure rate"), RATE, G_REQUESTS, REQUEST)
def requests_closure_rate(fs):
    received = base.requests_of_year(fs)
    closed = [r for r in received if r.closed]
    return rate(len(closed), len(received)), pks(closed)


def overdue_requests(fs) -> list:
    return [r for r in base.requests(fs) if not r.finished and r.due_on and r.due_on < fs.as_of]


@figure("requests_overdue", _("Requests overdue"), ITEMS, G_REQUESTS, REQUEST)
def requests_overdue(fs):
    rows = overdue_requests(fs)
    return counted(rows)


def _requests_of(category):
    def compute(fs):
        rows = [r for r in base.requests_of_year(fs) if r.category == category]
        return counted(rows)

    return compute


for _category in RequestCategory:
    figure(f"requests_{_category.value}", _category.label, ITEMS, G_REQUESTS, REQUEST)(_requests_of(_category))


def _closed_of(*categories):
    def select(fs):
        return [r for r in base.requests_of_year(fs) if r.closed and r.category in categories]

    return select


@figure("infrastructure_solved", _("Infrastructure problems solved"), ITEMS, G_REQUESTS, REQUEST)
def infrastructure_solved(fs):
    rows = _closed_of(*INFRASTRUCTURE_CATEGORIES)(fs)
    return counted(rows)


@figure("talent_flats", _("Talent flats provided"), FLATS, G_REQUESTS, REQUEST)
def talent_flats(fs):
    rows = _closed_of(RequestCategory.TALENT_FLAT)(fs)
    return sum(r.quantity for r in rows), pks(rows)


@figure("talent_flat_people", _("Staff housed in talent flats"), PEOPLE, G_REQUESTS, REQUEST)
def talent_flat_people(fs):
    rows = _closed_of(RequestCategory.TALENT_FLAT)(fs)
    return sum(r.people_served for r in rows), pks(rows)


@figure("schooling_solved", _("Employees' children placed in school"), PEOPLE, G_REQUESTS, REQUEST)
def schooling_solved(fs):
    rows = _closed_of(RequestCategory.SCHOOLING)(fs)
    return sum(r.people_served for r in rows), pks(rows)
