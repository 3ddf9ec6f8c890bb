"""Importing a survey in a real browser: errors listed by row, fix, re-upload, confirm."""

from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from organizations.models import Enterprise
from parkparty.core.imports import write_template
from parkparty.core.models import ImportBatch, Role, User

from . import factories as f
from .browser import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def park(media):
    return f.ParkFactory(code="BI", name="浏览器导入园区")


def survey(path: Path, park, bad_credit_code: bool) -> Path:
    write_template("enterprises", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = {cell.value: cell.column for cell in sheet[1]}
    rows = [
        (f.make_uscc(800_001), "浏览器导入一号有限公司", 120),
        ("91360426XYZ" if bad_credit_code else f.make_uscc(800_002), "浏览器导入二号有限公司", 35),
    ]
    for number, (uscc, name, employees) in enumerate(rows, start=2):
        sheet.cell(row=number, column=column["统一社会信用代码"], value=uscc)
        sheet.cell(row=number, column=column["企业名称"], value=name)
        sheet.cell(row=number, column=column["所属园区"], value=park.name)
        sheet.cell(row=number, column=column["经营状态"], value="已投产运营")
        sheet.cell(row=number, column=column["职工人数"], value=employees)
    book.save(path)
    return path


def upload(page, path: Path):
    page.set_input_files("#id_file", str(path))
    page.locator("form.import-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_staff_upload_a_survey_fix_the_errors_and_confirm(page, live_server, park, tmp_path):
    staff = User.objects.create_user(username="import-staff", password=PASSWORD, role=Role.PARK_STAFF, park=park)
    sign_in(page, live_server, staff)

    page.goto(live_server.url + reverse("imports:index"))
    page.locator(f"a[href='{reverse('imports:upload', args=['enterprises'])}']").first.click()
    page.wait_for_url(f"**{reverse('imports:upload', args=['enterprises'])}")
    assert page.locator("#id_park").input_value() == str(park.pk)  # their own park is preselected
    assert page.locator(f"a[href='{reverse('imports:template', args=['enterprises'])}']").count() == 1

    # A survey with a bad credit code in Excel row 3: listed by row, column and message; no confirm.
    upload(page, survey(tmp_path / "摸排表.xlsx", park, bad_credit_code=True))
    errors = page.locator("table.import-errors tbody tr")
    assert errors.count() >= 1
    first = errors.first.locator("td")
    assert first.nth(0).inner_text() == "3"
    assert first.nth(1).inner_text() == "统一社会信用代码"
    assert first.nth(2).inner_text().strip()
    assert page.locator("#count-rejected").inner_text() != "0"
    assert page.locator("form[action$='/confirm/']").count() == 0
    assert not Enterprise.objects.exists()

    # Fixed and uploaded again: two new rows, confirm, success.
    page.goto(live_server.url + reverse("imports:upload", args=["enterprises"]))
    upload(page, survey(tmp_path / "摸排表-改.xlsx", park, bad_credit_code=False))
    assert page.locator("table.import-errors").count() == 0
    assert page.locator("#count-created").inner_text() == "2"
    assert page.locator("#count-rejected").inner_text() == "0"
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.wait_for_url(f"**{reverse('imports:index')}")
    success = page.locator(".alert-success")
    assert success.count() == 1
    assert "2" in success.inner_text()
    assert Enterprise.objects.filter(park=park).count() == 2
    assert ImportBatch.objects.filter(user=staff, park=park).count() == 1
    assert "摸排表-改.xlsx" in page.locator("main").inner_text()
    assert not any((Path(tmp_path) / "media" / "imports").glob("*.xlsx"))
