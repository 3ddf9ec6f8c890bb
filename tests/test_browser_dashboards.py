"""The dashboards in a real browser: every chart drawn, drill-down to a park, a figure to its records."""

import pytest
from django.urls import reverse

from parkparty.core.models import User
from reports.figures import compute

from .browser import PASSWORD, sign_in
from .dashboard_records import YEAR, grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: True when the chart's canvas has at least one pixel that is not transparent or white.
CANVAS_DRAWN = """(id) => {
  const canvas = document.querySelector('#chart-' + id + ' canvas');
  if (!canvas || !canvas.width || !canvas.height) return false;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) return true;
  }
  return false;
}"""


@pytest.fixture
def world(world):
    """The shared world (conftest.py) with two batches of dashboard records; the county reviewer can sign in."""
    grow(world, 2)
    county = User.objects.get(pk=world.county.pk)
    county.set_password(PASSWORD)
    county.save()
    return world


def test_county_overview_draws_every_chart_and_drills_down(page, live_server, world):
    sign_in(page, live_server, world.county)
    assert page.url == live_server.url + reverse("reports:county")  # the county's home
    page.goto(f"{live_server.url}{reverse('reports:county')}?year={YEAR}")
    page.wait_for_selector("#charts[data-loaded='1']")
    charts = page.locator(".chart").evaluate_all("nodes => nodes.map(n => n.dataset.chart)")
    assert len(charts) == 7
    for chart in charts:
        assert page.evaluate(CANVAS_DRAWN, chart), f"chart {chart} is empty"

    # Each chart's data is also a table.
    page.locator("#chart-pipeline-card summary").click()
    assert page.locator("#chart-pipeline-card table").is_visible()

    # The park table sorts by keyboard.
    header = page.locator(".park-table thead .sort-button").nth(1)
    header.focus()
    page.keyboard.press("Enter")
    assert page.locator(".park-table thead th").nth(1).get_attribute("aria-sort") == "ascending"

    # A figure card lands on exactly its records.
    figures = compute(None, YEAR)
    page.locator(".figure-card[data-key='enterprises_total'] .figure-value a").first.click()
    page.wait_for_load_state("networkidle")
    assert "/reports/figures/county/" in page.url
    assert (
        str(figures["enterprises_total"].label) in page.locator("h1").inner_text()
        or "企业" in page.locator("h1").inner_text()
    )
    assert page.locator("main table tbody tr").count() == figures["enterprises_total"].value

    # Clicking a park drills into its dashboard.
    page.goto(f"{live_server.url}{reverse('reports:county')}?year={YEAR}")
    page.locator(".park-table a.park-link", has_text=world.zone_b.name).click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(live_server.url + reverse("reports:park", args=["B"]))
    assert world.zone_b.name in page.locator("h1").inner_text()
    page.wait_for_selector("#charts[data-loaded='1']")
    assert page.evaluate(CANVAS_DRAWN, "activities")

    # And a cell of its table or card lands on the filtered list.
    page.locator(".figure-card[data-key='members_total'] .figure-value a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("main table tbody tr").count() == compute(world.zone_b, YEAR)["members_total"].value
