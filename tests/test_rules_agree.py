"""Every rule once: on the demo county, an organization's page and the figures engine give the same answers.

For every organization of the demo, the 三会一课 record on its page (held /
due per meeting kind) is the engine's (met / required, as the dashboards
and the secretary's organization view read it), and its term election is
"soon" or "overdue" on the page exactly when the engine counts it under
``elections_due``. Checked today through the pages, and on past dates of the
demo year through the page's panel.

The demo is the session's (``demo`` in ``conftest.py``).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organizations.models import Park, PartyOrganization
from organizations.views.organization_panels import meetings_panel, term_panel
from parkparty.core.models import User
from reports.figures import base, compute
from reports.figures.compliance import compliance

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(demo):
    return User.objects.get(username="demo-county")


@pytest.fixture
def organizations(demo):
    parks = Park.objects.get(code="DEMO").descendant_ids()
    chosen = list(PartyOrganization.objects.filter(park_id__in=parks).select_related("park").order_by("pk"))
    assert len(chosen) > 10
    return chosen


def page_record(panel) -> tuple[int, int]:
    """(held, due) of an organization page's 三会一课 panel, over its four meeting kinds."""
    rows = panel.extra["monthly"] + panel.extra["quarterly"]
    return sum(row["held"] for row in rows), sum(row["due"] for row in rows)


def engine_records(park, year: int, today: datetime.date) -> tuple[dict, set]:
    """The engine's (met, required) per organization of ``park``'s figures, and the organizations due an election."""
    figures = compute(park, year, today=today)
    records = {record.organization.pk: (record.met, record.required) for record in compliance(figures).organizations}
    return records, set(figures["elections_due"].pks)


def test_organization_pages_and_engine_agree_today(client, county, organizations):
    today = timezone.localdate()
    client.force_login(county)
    by_park: dict[int, tuple[dict, set]] = {}
    states = set()
    for organization in organizations:
        if organization.park_id not in by_park:
            by_park[organization.park_id] = engine_records(organization.park, today.year, today)
        records, elections_due = by_park[organization.park_id]
        response = client.get(reverse("organizations:partyorganization_detail", args=[organization.pk]))
        assert response.status_code == 200
        panels = {panel.template.rsplit("/", 1)[-1]: panel for panel in response.context["panels"]}
        meetings = page_record(panels["partyorganization_meetings.html"])
        assert meetings == records.get(organization.pk, (0, 0)), organization.name
        state = panels["partyorganization_term.html"].extra["state"]
        states.add(state)
        assert (state in ("soon", "overdue")) == (organization.pk in elections_due), (organization.name, state)
    assert "ok" in states


def test_organization_dashboard_reads_the_same_record(client, organizations):
    """The secretary's organization view shows the engine's record, the one the page was compared with."""
    secretary = User.objects.get(username="demo-secretary")
    client.force_login(secretary)
    organization = PartyOrganization.objects.get(pk=secretary.organization_id)
    response = client.get(reverse("reports:organization", args=[organization.pk]))
    assert response.status_code == 200
    record = response.context["record"]
    today = timezone.localdate()
    records, _due = engine_records(organization.park, today.year, today)
    assert (record.met, record.required) == records[organization.pk]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2023, 2, 28), datetime.date(2023, 6, 20), datetime.date(2023, 9, 30), datetime.date(2023, 12, 31)],
)
def test_organization_pages_and_engine_agree_in_the_demo_year(county, organizations, day):
    by_park: dict[int, dict] = {}
    compared = 0
    for organization in organizations:
        if organization.park_id not in by_park:
            by_park[organization.park_id] = engine_records(organization.park, day.year, day)[0]
        expected = by_park[organization.park_id].get(organization.pk, (0, 0))
        assert page_record(meetings_panel(organization, county, day)) == expected, organization.name
        compared += expected[1] > 0
    assert compared > 10  # the demo year has meetings due: the comparison is not of empty records


def test_the_election_state_of_a_page_matches_the_engine_on_past_dates(county, organizations):
    """On a past date the engine reads each organization as it stood then; the page's rule gives its answer."""
    day = datetime.date(2023, 12, 31)
    figures = compute(None, day.year, today=day)
    due = set(figures["elections_due"].pks)
    for organization in base.organizations(figures).values():
        state = term_panel(organization, day).extra["state"]
        assert (state in ("soon", "overdue")) == (organization.pk in due), organization.name
