"""The production Content-Security-Policy in a real browser: every main page works under it.

Chromium loads the pages with the policy the site sends in production (only our own static files, no
inline script or style, no framing); any ``securitypolicyviolation`` event or console message about the
policy fails the test, on page load and after the interactions that add to a page (charts and their
tooltips, the htmx reveal, the report editor's reset button, an import preview).
"""

from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from members.models import Applicant, Member
from organizations.models import Activity, Enterprise, Notice, PartyOrganization, ServiceRequest
from parkparty.core.imports import write_template
from parkparty.core.models import User

from . import factories as f
from .browser import PASSWORD
from .dashboard_records import YEAR, grow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: Collects the page's policy violations from the first script on; read back by ``violations()``.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " at " +
    (event.sourceFile || location.pathname) + ":" + event.lineNumber);
});
"""

#: Every list of the workbench, as the left navigation offers them.
LISTS = [
    "organizations:enterprise_list",
    "organizations:partyorganization_list",
    "organizations:servicecenter_list",
    "organizations:instructor_list",
    "organizations:funding_list",
    "organizations:park_list",
    "organizations:parkstaffing_list",
    "organizations:activity_list",
    "organizations:servicerequest_list",
    "organizations:notice_list",
    "members:member_list",
    "members:applicant_list",
    "members:developmentquota_list",
    "members:duespayment_list",
    "members:commendation_list",
    "members:pioneerpost_list",
]

#: Records whose detail, history and edit pages are visited (each has panels of its own).
RECORDS = [
    ("organizations", "enterprise", Enterprise),
    ("organizations", "partyorganization", PartyOrganization),
    ("organizations", "activity", Activity),
    ("organizations", "servicerequest", ServiceRequest),
    ("organizations", "notice", Notice),
    ("members", "member", Member),
    ("members", "applicant", Applicant),
]


class Visitor:
    """Drives one page and keeps every policy complaint it sees, with the URL it came from."""

    def __init__(self, page, live_server):
        self.page = page
        self.base = live_server.url
        self.complaints: list[str] = []
        self.visited: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.complaints.append(f"{self.page.url}: console: {message.text}")

    def collect(self):
        for item in self.page.evaluate("window.__csp || []"):
            self.complaints.append(f"{self.page.url}: {item}")
        self.page.evaluate("window.__csp = []")

    def visit(self, path: str, *, status: int = 200):
        response = self.page.goto(self.base + path)
        assert response.status == status, f"{path} answered {response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, f"{path} has no policy: {policy!r}"
        self.page.wait_for_load_state("networkidle")
        self.visited.append(path)
        self.collect()

    def sign_in(self, user):
        self.page.context.clear_cookies()
        self.visit(reverse("login"))
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(lambda url: "/login/" not in url)
        self.page.wait_for_load_state("networkidle")
        self.collect()

    def charts(self):
        """Wait for the charts, hover each one so that its tooltip is drawn, and collect."""
        self.page.wait_for_selector("#charts[data-loaded='1']")
        for chart in self.page.locator(".chart").all():
            chart.scroll_into_view_if_needed()
            box = chart.bounding_box()
            self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            self.page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] * 2 / 3)
        self.collect()


@pytest.fixture
def world(world):
    """The shared world (conftest.py) with a batch of dashboard records; four personas can sign in."""
    grow(world, 1)
    for user in (world.staff_a, world.county, world.secretary_a, world.admin):
        account = User.objects.get(pk=user.pk)
        account.set_password(PASSWORD)
        account.save()
    return world


def survey(path: Path, park) -> Path:
    """A small enterprise survey with one good and one bad row, for the preview page."""
    write_template("enterprises", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}
    for number, uscc in ((2, f.make_uscc(810_001)), (3, "91360426XYZ")):
        sheet.cell(row=number, column=column["统一社会信用代码"], value=uscc)
        sheet.cell(row=number, column=column["企业名称"], value=f"策略测试企业{number}")
        sheet.cell(row=number, column=column["所属园区"], value=park.name)
        sheet.cell(row=number, column=column["经营状态"], value="已投产运营")
    book.save(path)
    return path


def test_main_pages_raise_no_content_security_policy_violation(page, live_server, world, tmp_path):
    visitor = Visitor(page, live_server)
    visitor.visit(reverse("login"))

    # Park staff: their dashboard with charts, every list, records, forms, the report editor, imports.
    visitor.sign_in(world.staff_a)
    visitor.visit(reverse("home"))
    visitor.charts()
    for name in LISTS:
        visitor.visit(reverse(name))
    for app, model, cls in RECORDS:
        record = cls.objects.for_user(world.staff_a).order_by("pk").first()
        for view in ("detail", "edit"):
            visitor.visit(reverse(f"{app}:{model}_{view}", args=[record.pk]))
        visitor.visit(reverse(f"{app}:{model}_add"))
    visitor.visit(reverse("members:member_history", args=[Member.objects.for_user(world.staff_a).first().pk]))
    # The member page reveals an ID number through htmx.
    member = Member.objects.for_user(world.staff_a).order_by("pk").first()
    visitor.visit(reverse("members:member_detail", args=[member.pk]))
    page.locator("#field-id_number button").click()
    page.wait_for_load_state("networkidle")
    visitor.collect()
    # The activity form loads the organization's members as checkboxes.
    visitor.visit(reverse("organizations:activity_add"))
    page.select_option("#id_organization", str(world.in_a.organization.pk))
    page.wait_for_load_state("networkidle")
    visitor.collect()

    visitor.visit(reverse("annual:index"))
    visitor.visit(reverse("annual:templates"))
    visitor.visit(reverse("annual:editor", args=[world.zone_a.code, YEAR, "duty"]))
    page.locator("#text-intro").fill("改写的开头。")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_load_state("networkidle")
    reset = page.locator("[data-reset-target='text-intro']")
    reset.click()
    assert "改写的开头" not in page.locator("#text-intro").input_value()
    visitor.collect()
    visitor.visit(reverse("annual:history", args=[world.zone_a.code, YEAR, "duty"]))

    visitor.visit(reverse("imports:index"))
    visitor.visit(reverse("imports:upload", args=["enterprises"]))
    page.set_input_files("#id_file", str(survey(tmp_path / "survey.xlsx", world.zone_a)))
    page.locator("form.import-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("table.import-errors tbody tr").count() >= 1  # the preview lists the bad row
    visitor.collect()

    visitor.visit("/no-such-page/", status=404)

    # County reviewers: the county overview and its charts, a park's dashboard.
    visitor.sign_in(world.county)
    visitor.visit(f"{reverse('reports:county')}?year={YEAR}")
    visitor.charts()
    visitor.visit(f"{reverse('reports:park', args=[world.zone_a.code])}?year={YEAR}")
    visitor.charts()
    visitor.visit(reverse("reports:figure_records", args=["county", YEAR, "enterprises_total"]))

    # Secretaries: their organization's month.
    visitor.sign_in(world.secretary_a)
    visitor.visit(reverse("home"))

    # Administrators: the Django admin's index, a list, a form and a record's history.
    visitor.sign_in(world.admin)
    visitor.visit(reverse("admin:index"))
    visitor.visit(reverse("admin:members_member_changelist"))
    visitor.visit(reverse("admin:members_member_change", args=[member.pk]))
    visitor.visit(reverse("admin:members_member_history", args=[member.pk]))
    visitor.visit(reverse("admin:parkparty_user_changelist"))

    assert visitor.complaints == [], "\n".join(visitor.complaints)
    assert len(visitor.visited) > 50
