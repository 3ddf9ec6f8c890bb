"""The annual report editor in a real browser: edit, save, reload, generate and download the DOCX."""

import datetime
import io

import docx
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from parkparty.core.models import Role, User
from reports.models import GeneratedReport, ReportDraft

from . import factories as f
from .browser import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2023
EDITED = "本年度园区党建工作在浏览器中改写：A & B <测试> {{ x }}。"


@pytest.fixture
def park(media):
    zone = f.ParkFactory(code="BR", name="浏览器报告园区")
    org = f.PartyOrganizationFactory(park=zone, name="浏览器报告企业党支部")
    f.EnterpriseFactory(organization=org, founded_on=datetime.date(2015, 1, 1))
    f.ParkStaffingFactory(park=zone, year=YEAR, posts_authorised=4, posts_actual=3)
    return zone


def test_park_staff_edit_save_generate_and_download(page, live_server, park):
    staff = User.objects.create_user(username="report-staff", password=PASSWORD, role=Role.PARK_STAFF, park=park)
    sign_in(page, live_server, staff)
    url = live_server.url + reverse("annual:editor", args=[park.code, YEAR, "duty"])

    page.goto(url)
    intro = page.locator("#text-intro")
    expect(intro).to_be_editable()
    assert "浏览器报告园区" in intro.input_value()
    intro.fill(EDITED)
    page.locator("button[name=action][value=save]").click()
    page.wait_for_url(url)
    expect(page.locator(".alert-danger")).to_have_count(0)

    draft = ReportDraft.objects.get(park=park, year=YEAR, kind="duty")
    assert draft.texts == {"intro": EDITED}

    page.reload()
    expect(page.locator("#text-intro")).to_have_value(EDITED)

    page.locator("button[name=action][value=generate]").click()
    page.wait_for_url(f"{url}?generated=*")
    generated = GeneratedReport.objects.get(park=park)
    link = page.locator("#latest-download")
    expect(link).to_have_attribute("href", reverse("annual:download", args=[generated.pk]))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    with open(download.path(), "rb") as handle:
        document = docx.Document(io.BytesIO(handle.read()))
    texts = [p.text for p in document.paragraphs]
    assert EDITED in texts
    assert texts[0] == f"{YEAR}年浏览器报告园区\n抓基层党建工作述职报告"  # the title broken after the park's name
