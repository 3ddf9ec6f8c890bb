"""Export in the import workbook format: a round trip export → import changes nothing."""

import datetime
import io

import pytest
from django.http import FileResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from members.models import Member, MembershipEvent
from organizations.imports import no_organization_reason_for
from organizations.models import CoverageMode, Enterprise, EnterpriseSurvey
from parkparty.core.imports import IMPORT_KINDS, run_import
from reports.models import ExportRecord

from . import factories as f

pytestmark = pytest.mark.django_db

ENTERPRISES = "organizations:enterprise_export_workbook"
MEMBERS = "members:member_export_workbook"
FORMULAS = ["=1+1", "+86 转", "-减号公司", '@HYPERLINK("x")']


@pytest.fixture
def exported():
    """Park ZONE's enterprises and members (names and notes that look like formulas among them), a park apart."""
    park = f.ParkFactory(name="城西园区", code="ZONE")
    organization = f.PartyOrganizationFactory(park=park, name="甲公司党支部")
    instructor = f.InstructorFactory(park=park, name="李指导")
    staff = f.ParkStaffFactory(park=park)
    enterprises = []
    for n, name in enumerate(["普通科技有限公司", *FORMULAS]):
        enterprise = f.EnterpriseFactory(
            organization=organization,
            instructor=instructor,
            name=name,
            industry="电子信息",
            founded_on=datetime.date(2018, 5, 20),
            surveyed_on=datetime.date(2023, 6, 30) + datetime.timedelta(days=n),
            investor_name="张三",
            investor_is_member=bool(n % 2),
            investor_phone="13800000000",
            notes="=SUM(A1:A2)" if n == 0 else "",
        )
        f.EnterpriseSurveyFactory(
            enterprise=enterprise, surveyed_on=enterprise.surveyed_on, investor_is_member=enterprise.investor_is_member
        )
        enterprises.append(enterprise)
    uncovered = f.EnterpriseFactory(
        park=park,
        name="未建公司",
        surveyed_members=1,
        no_organization_reason=no_organization_reason_for(1),
        coverage_mode=CoverageMode.NONE,
    )
    enterprises.append(uncovered)
    members = [
        f.MemberFactory(
            organization=organization,
            enterprise=enterprises[n % 2],
            name=name,
            phone=f"1390000000{n}",
            notes="-备注" if n else "",
        )
        for n, name in enumerate(["王五", *FORMULAS])
    ]
    members.append(f.MemberFactory(organization=organization, probationary=True, name="赵六"))
    other = f.ParkFactory(name="城东园区")
    other_staff = f.ParkStaffFactory(park=other)
    other_organization = f.PartyOrganizationFactory(park=other)
    other_enterprise = f.EnterpriseFactory(organization=other_organization, name="城东公司")
    other_member = f.MemberFactory(organization=other_organization, name="城东党员")
    return {
        "park": park,
        "staff": staff,
        "enterprises": enterprises,
        "members": members,
        "other": other,
        "other_staff": other_staff,
        "other_enterprise": other_enterprise,
        "other_member": other_member,
    }


def counts() -> tuple:
    return (
        Enterprise.objects.count(),
        Enterprise.history.count(),
        EnterpriseSurvey.objects.count(),
        EnterpriseSurvey.history.count(),
        Member.objects.count(),
        Member.history.count(),
        MembershipEvent.objects.count(),
        MembershipEvent.history.count(),
    )


def export(client, user, name, params=None) -> bytes:
    client.force_login(user)
    response = client.get(reverse(name), params or {})
    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    return b"".join(response.streaming_content)


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def column(sheet, header: str) -> list:
    rows = list(sheet.iter_rows())
    index = [cell.value for cell in rows[0]].index(header)
    return [row[index] for row in rows[1:]]


@pytest.mark.parametrize(("kind", "name"), [("enterprises", ENTERPRISES), ("members", MEMBERS)])
def test_round_trip_changes_nothing(exported, client, tmp_path, kind, name):
    content = export(client, exported["staff"], name)
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(content)
    before = counts()
    with translation.override("zh-hans"):
        result = run_import(kind, path, park=exported["park"], user=exported["staff"], commit=True)
    assert result.ok, (result.file_error, result.errors)
    expected = len(exported[kind])
    assert (result.total, result.created, result.updated, result.unchanged) == (expected, 0, 0, expected)
    assert counts() == before
    record = ExportRecord.objects.get()
    assert record.user == exported["staff"] and record.rows == expected and "format=import" in record.filters


@pytest.mark.parametrize(("kind", "name"), [("enterprises", ENTERPRISES), ("members", MEMBERS)])
def test_headers_types_and_spellings_are_the_templates(exported, client, kind, name):
    sheet = sheet_of(export(client, exported["staff"], name))
    spec = IMPORT_KINDS[kind]
    assert [cell.value for cell in next(sheet.iter_rows())] == [c.column_name for c in spec.columns()]
    assert sheet.title == spec.sheet_title
    for spec_column in spec.columns():
        cells = column(sheet, spec_column.column_name)
        for cell in cells:
            assert cell.data_type != "f"
            if spec_column.text and cell.value is not None:
                assert cell.data_type == "s" and cell.number_format == "@"
            if spec_column.choices and cell.value is not None:
                assert cell.value in spec_column.choices
    if kind == "enterprises":
        by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
        row = [cell.value for cell in by_name["普通科技有限公司"]]
        enterprise = exported["enterprises"][0]
        assert row[:4] == [enterprise.uscc, "普通科技有限公司", "城西园区", "已投产运营"]
        assert (
            row[4:8] == ["电子信息", datetime.datetime(2018, 5, 20), 50, 3] and by_name["普通科技有限公司"][5].is_date
        )
        assert row[9] == "否" and row[10] == "13800000000" and row[12:14] == ["甲公司党支部", "李指导"]
        assert row[15] == "=SUM(A1:A2)" and by_name["普通科技有限公司"][15].data_type == "s"
    else:
        by_name = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        member = exported["members"][0]
        row = [cell.value for cell in by_name["王五"]]
        assert row[1] == member.id_number and "*" not in row[1]
        assert row[5:8] == ["13900000000", "甲公司党支部", exported["enterprises"][0].uscc]
        assert row[8] == "正式党员" and row[9] == datetime.datetime(2015, 7, 1)
        assert by_name["赵六"][8].value == "预备党员" and by_name["赵六"][7].value is None


@pytest.mark.parametrize(("kind", "name"), [("enterprises", ENTERPRISES), ("members", MEMBERS)])
def test_formula_like_text_round_trips_as_the_same_text(exported, client, kind, name):
    sheet = sheet_of(export(client, exported["staff"], name))
    header = "企业名称" if kind == "enterprises" else "姓名"
    cells = {cell.value: cell for cell in column(sheet, header)}
    for text in FORMULAS:
        assert cells[text].data_type == "s"
    model = Enterprise if kind == "enterprises" else Member
    assert set(FORMULAS) <= set(model.objects.values_list("name", flat=True))


def test_county_reviewer_gets_403_and_no_button(exported, client):
    reviewer = f.CountyReviewerFactory()
    client.force_login(reviewer)
    for name in (ENTERPRISES, MEMBERS):
        assert client.get(reverse(name)).status_code == 403
    assert not ExportRecord.objects.exists()
    response = client.get(reverse("organizations:enterprise_list"))
    assert response.status_code == 200 and "export_workbook_url" not in response.context


def test_staff_of_another_park_get_only_their_rows(exported, client):
    sheet = sheet_of(export(client, exported["other_staff"], ENTERPRISES))
    assert [cell.value for cell in column(sheet, "企业名称")] == ["城东公司"]
    client.logout()
    sheet = sheet_of(export(client, exported["other_staff"], MEMBERS))
    assert [cell.value for cell in column(sheet, "姓名")] == ["城东党员"]


def test_list_page_links_to_the_workbook_export_with_its_filters(exported, client):
    client.force_login(exported["staff"])
    response = client.get(reverse("organizations:enterprise_list"), {"q": "普通", "page": "1"})
    url = response.context["export_workbook_url"]
    assert url == reverse(ENTERPRISES) + "?q=%E6%99%AE%E9%80%9A"
    assert url.replace("&", "&amp;") in response.content.decode() or url in response.content.decode()
    sheet = sheet_of(export(client, exported["staff"], ENTERPRISES, {"q": "普通"}))
    assert [cell.value for cell in column(sheet, "企业名称")] == ["普通科技有限公司"]
    response = client.get(reverse("members:member_list"))
    assert response.context["export_workbook_url"] == reverse(MEMBERS)
