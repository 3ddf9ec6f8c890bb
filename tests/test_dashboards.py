"""The dashboards: every number is the figures engine's and opens exactly the records it counts; scoping; queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import Park
from reports.alerts import ALERT_KEYS
from reports.dashboards import CARD_KEYS, TABLE_KEYS
from reports.figures import REGISTRY, compute
from reports.figures.series import series
from reports.links import figure_url

from . import factories as f
from .dashboard_records import YEAR, grow
from .queries import count_queries


@pytest.fixture
def world(world):
    """The shared world (conftest.py) with a batch of records that feed every card, cell and alert."""
    grow(world, 1)
    return world


def records_listed(client, url) -> set:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.context["total"] == len(response.context["rows"])  # one page in these worlds
    return {row["object"].pk for row in response.context["rows"]}


def expected_records(figures, key, user):
    model = figures[key].model
    return set(figures.records(key, model.objects.for_user(user)).values_list("pk", flat=True))


# --------------------------------------------------------------------------- numbers and their records


def test_county_cards_table_and_alerts_are_the_engines_and_open_their_records(client, world):
    county = world.user("county")
    client.force_login(county)
    response = client.get(reverse("reports:county"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    figures = compute(None, YEAR)

    cards = {card["key"]: card for card in response.context["cards"]}
    assert list(cards) == CARD_KEYS
    for key, card in cards.items():
        assert card["display"] == figures[key].display, key
        assert card["url"] == figure_url(None, YEAR, key)
        assert f'href="{card["url"]}"' in html
        assert records_listed(client, card["url"]) == expected_records(figures, key, county), key
    quota = cards["members_admitted"]["quota"]
    assert quota["display"] == figures["development_quota"].display
    assert records_listed(client, quota["url"]) == expected_records(figures, "development_quota", county)

    table = response.context["table"]
    parks = [row["park"] for row in table["rows"]]
    assert {p.code for p in parks} == {"A", "A1", "B"}
    for row in table["rows"]:
        alone = compute(row["park"], YEAR)
        for key, cell in zip(TABLE_KEYS, row["cells"], strict=True):
            assert cell["display"] == alone[key].display, (row["park"].code, key)
            assert cell["url"] == figure_url(row["park"], YEAR, key)
            assert f'href="{cell["url"]}"' in html
            assert records_listed(client, cell["url"]) == expected_records(alone, key, county), (row["park"].code, key)
    for key, cell in zip(TABLE_KEYS, table["total"]["cells"], strict=True):
        assert cell["display"] == figures[key].display

    alerts = {alert.key: alert for alert in response.context["alerts"]}
    assert set(alerts) == {key for key in ALERT_KEYS if figures[key].value}
    assert {"requests_overdue", "enterprises_uncovered", "probationary_overdue", "receipts_late"} <= set(alerts)
    for key, alert in alerts.items():
        assert alert.display == figures[key].display
        assert f'href="{alert.url}"' in html
        assert records_listed(client, alert.url) == expected_records(figures, key, county), key


def test_park_dashboard_numbers_are_the_parks_and_its_sub_parks(client, world):
    staff = world.user("staff_a")
    client.force_login(staff)
    response = client.get(reverse("reports:park", args=["A"]), {"year": YEAR})
    assert response.status_code == 200
    figures = compute(world.zone_a, YEAR)
    for card in response.context["cards"]:
        assert card["display"] == figures[card["key"]].display
        assert records_listed(client, card["url"]) == expected_records(figures, card["key"], staff)
    assert [row["park"].code for row in response.context["table"]["rows"]] == ["A1"]
    for alert in response.context["alerts"]:
        assert records_listed(client, alert.url) == expected_records(figures, alert.key, staff)
    matrix = response.context["matrix"]
    organizations = {row["organization"].pk for row in matrix["rows"]}
    assert organizations and all(
        row["organization"].park_id in {world.zone_a.pk, world.sub_a1.pk} for row in matrix["rows"]
    )
    gaps = [cell for row in matrix["rows"] for cell in row["cells"] if cell and cell["gaps"]]
    assert gaps, "months without the required meetings are marked"
    assert "missing" in response.content.decode() or "缺" in response.content.decode()


def test_chart_points_open_their_records(client, world):
    county = world.user("county")
    client.force_login(county)
    figures = compute(None, YEAR)
    data = client.get(reverse("reports:charts", args=["county", YEAR])).json()
    ids = [chart["id"] for chart in data["charts"]]
    assert ids == [
        "coverage",
        "pipeline",
        "quota",
        "request_categories",
        "request_months",
        "activities",
        "member_status",
    ]
    months = series(figures, "requests_received_by_month")
    assert sum(p.value for p in months.points) == figures["requests_received"].value
    for point in months.points:
        url = figure_url(None, YEAR, "requests_received_by_month", point.part)
        assert records_listed(client, url) == point.pks
    pipeline = next(chart for chart in data["charts"] if chart["id"] == "pipeline")
    assert [p["value"] for p in pipeline["series"][0]["data"]] == [
        figures[key].value for key in ("applicants", "activists", "candidates", "members_probationary", "members_full")
    ]


def test_figure_records_page_names_the_figure_scope_and_year(client, world):
    client.force_login(world.user("county"))
    response = client.get(figure_url(world.zone_a, YEAR, "enterprises_uncovered"))
    title = response.context["title"]
    assert str(REGISTRY["enterprises_uncovered"].label) in title and world.zone_a.name in title and str(YEAR) in title
    assert client.get(reverse("reports:figure_records", args=["A", YEAR, "no_such_figure"])).status_code == 404
    assert client.get(reverse("reports:figure_records", args=["A", YEAR, "quota_missed_years"])).status_code == 404


def test_split_sets_equal_sets_computed_alone(world):
    county = compute(None, YEAR)
    parks = list(Park.objects.all())
    split = county.split(parks)
    for park in parks:
        alone = compute(park, YEAR)
        for key in REGISTRY:
            assert split[park.pk][key].value == alone[key].value, (park.code, key)
            assert split[park.pk][key].pks == alone[key].pks, (park.code, key)


def test_split_sets_read_nothing_more_than_the_wider_set(world):
    """Per-park figures are filtered from the county's base data: no query per park, for any figure."""
    county = compute(None, YEAR)
    assert len(county.display()) == len(REGISTRY)
    split = county.split(list(Park.objects.all()))
    with CaptureQueriesContext(connection) as captured:
        shown = [figures.display() for figures in split.values()]
    assert all(len(figures) == len(REGISTRY) for figures in shown)
    assert [query["sql"] for query in captured] == []


def test_quota_behind_pace_compares_admissions_with_the_share_of_the_year(world):
    park = f.ParkFactory()
    org = f.PartyOrganizationFactory(park=park)
    f.DevelopmentQuotaFactory(park=park, year=YEAR, quota=12)
    f.ApplicantFactory(organization=org, admitted_on=datetime.date(YEAR, 2, 1))
    mid_year = compute(park, YEAR, today=datetime.date(YEAR, 6, 30))  # 181 of 365 days: 5 expected
    assert mid_year["quota_behind_pace"].value == 4
    year_end = compute(park, YEAR, today=datetime.date(YEAR + 1, 1, 5))
    assert year_end["quota_behind_pace"].value == 11
    assert compute(f.ParkFactory(), YEAR)["quota_behind_pace"].value is None


def test_export_holds_the_figures_and_the_park_table(client, world):
    client.force_login(world.user("county"))
    response = client.get(reverse("reports:export", args=["county", YEAR]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    figures = compute(None, YEAR)
    sheet, parks = book.worksheets
    shown = {row[4]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(shown) == set(REGISTRY)
    assert all(shown[key] == figures[key].display for key in REGISTRY)
    rows = list(parks.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows[:-1]] == ["A", "A1", "B"]
    assert rows[-1][2] == figures["enterprises_total"].value


# --------------------------------------------------------------------------- scoping


@pytest.mark.parametrize(
    ("persona", "name", "args", "status"),
    [
        ("staff_a", "reports:county", [], 404),
        ("staff_a", "reports:park", ["B"], 404),
        ("staff_a", "reports:charts", ["B", YEAR], 404),
        ("staff_a", "reports:charts", ["county", YEAR], 404),
        ("staff_a", "reports:export", ["B", YEAR], 404),
        ("staff_a", "reports:figure_records", ["B", YEAR, "enterprises_total"], 404),
        ("staff_a", "reports:figure_records", ["county", YEAR, "enterprises_total"], 404),
        ("staff_a1", "reports:park", ["A"], 404),
        ("staff_a1", "reports:charts", ["A", YEAR], 404),
        ("secretary_a", "reports:park", ["A"], 404),
        ("secretary_a", "reports:figure_records", ["A", YEAR, "enterprises_total"], 404),
        ("no_role", "reports:park", ["A"], 404),
        ("staff_a", "reports:park", ["A1"], 200),
        ("staff_a", "reports:charts", ["A", YEAR], 200),
        ("county", "reports:park", ["B"], 200),
        ("county", "reports:charts", ["county", YEAR], 200),
    ],
)
def test_dashboards_are_scoped(client, world, persona, name, args, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(name, args=args)).status_code == status


def test_park_staff_never_see_another_parks_numbers(client, world):
    client.force_login(world.user("staff_a"))
    response = client.get(reverse("reports:park", args=["A"]), {"year": YEAR})
    html = response.content.decode()
    assert world.zone_b.name not in html
    data = client.get(reverse("reports:charts", args=["A", YEAR])).json()
    coverage = next(chart for chart in data["charts"] if chart["id"] == "coverage")
    assert coverage["categories"] == [world.sub_a1.name]
    figures_a = compute(world.zone_a, YEAR)
    members = next(chart for chart in data["charts"] if chart["id"] == "member_status")
    assert sum(p["value"] for p in members["series"][0]["data"]) == figures_a["members_total"].value


def test_home_is_each_roles_dashboard(client, world):
    for persona, target in (
        ("county", reverse("reports:county")),
        ("staff_a", reverse("reports:park", args=["A"])),
        ("secretary_a", reverse("reports:organization", args=[world.in_a.organization.pk])),
    ):
        client.force_login(getattr(world, persona))
        assert client.get("/").url == target
    client.force_login(world.admin)
    assert client.get("/").status_code == 200


def test_secretary_sees_their_organizations_month(client, world):
    client.force_login(world.user("secretary_a"))
    response = client.get(reverse("reports:organization", args=[world.in_a.organization.pk]))
    assert response.status_code == 200
    assert response.context["due"], "meetings of this month are due"
    assert client.get(reverse("reports:organization", args=[world.other_in_a.organization.pk])).status_code == 404


# --------------------------------------------------------------------------- queries do not grow with the data


def dashboard_queries(client, world) -> dict[str, int]:
    counts = {}
    client.force_login(world.user("county"))
    counts["county"] = count_queries(client, reverse("reports:county"), {"year": YEAR})
    counts["county charts"] = count_queries(client, reverse("reports:charts", args=["county", YEAR]))
    client.force_login(world.user("staff_a"))
    counts["park"] = count_queries(client, reverse("reports:park", args=["A"]), {"year": YEAR})
    counts["park charts"] = count_queries(client, reverse("reports:charts", args=["A", YEAR]))
    client.force_login(world.user("secretary_a"))
    counts["organization"] = count_queries(client, reverse("reports:organization", args=[world.in_a.organization.pk]))
    return counts


def test_dashboard_query_counts_do_not_grow_with_ten_times_the_data(client, world):
    small = dashboard_queries(client, world)
    grow(world, 10)
    for bundle in (world.in_a, world.in_b):
        for _ in range(10):
            f.ActivityFactory(organization=bundle.organization, held_on=datetime.date(YEAR, 8, 8))
    large = dashboard_queries(client, world)
    assert large == small
