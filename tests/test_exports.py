"""Excel exports of the workbench lists: same rows as the list, typed cells, escaping, masking, the export log."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from organizations.models import CoverageMode, Enterprise, EnterpriseStatus, ServiceRequest
from parkparty.core.masking import mask_id, mask_phone
from reports.dashboard_views import WORKBENCH_VIEWS
from reports.exports import escape_text
from reports.models import ExportRecord

from . import factories as f

pytestmark = pytest.mark.django_db

ENTERPRISES = "organizations:enterprise"
MEMBERS = "members:member"
REQUESTS = "organizations:servicerequest"


def url(entity: str, view: str) -> str:
    return reverse(f"{entity}_{view}")


def download(client, entity: str, params=None):
    response = client.get(url(entity, "export"), params or {})
    assert response.status_code == 200, response
    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    return response, sheet


def values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def column(sheet, header: str) -> list:
    rows = values(sheet)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def list_context(client, entity: str, params=None):
    response = client.get(url(entity, "list"), params or {})
    assert response.status_code == 200
    return response.context


def make_enterprises(park, count: int, start: int = 500000, **fields) -> None:
    """Many enterprises at once (no history: only the export reads them)."""
    Enterprise.objects.bulk_create(
        Enterprise(
            uscc=f.make_uscc(start + n),
            name=f"批量企业{n:05d}有限公司",
            park=park,
            status=EnterpriseStatus.OPERATING,
            coverage_mode=CoverageMode.NONE,
            employees=n,
            surveyed_on=datetime.date(2023, 1, 1) + datetime.timedelta(days=n % 300),
            **fields,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("entity", [ENTERPRISES, MEMBERS, REQUESTS])
def test_header_row_is_the_lists_column_labels_in_chinese(client, world, entity):
    client.force_login(world.staff_a)
    labels = [str(c["label"]) for c in list_context(client, entity)["columns"]]
    response, sheet = download(client, entity)
    assert values(sheet)[0] == labels
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels), labels
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_filename_is_chinese_and_dated(client, world):
    client.force_login(world.staff_a)
    response, _sheet = download(client, ENTERPRISES)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" in disposition
    assert "%E4%BC%81%E4%B8%9A" in disposition  # 企业
    assert disposition.endswith(".xlsx")


@pytest.mark.parametrize(
    ("entity", "model", "field"),
    [(ENTERPRISES, Enterprise, "name"), (MEMBERS, Member, "name"), (REQUESTS, ServiceRequest, "title")],
)
def test_only_rows_in_scope_are_exported(client, world, entity, model, field):
    client.force_login(world.staff_b)
    _response, sheet = download(client, entity)
    assert column(sheet, str(list_label(client, entity, field))) == [getattr(world.in_b[model], field)]


def test_filters_search_and_sort_apply_as_on_the_list(client, world):
    suspended = f.EnterpriseFactory(park=world.zone_a, status=EnterpriseStatus.SUSPENDED, name="停产测试企业")
    f.EnterpriseFactory(park=world.sub_a1, status=EnterpriseStatus.SUSPENDED, name="另一停产企业")
    client.force_login(world.staff_a)
    name_label = str(Enterprise._meta.get_field("name").verbose_name)
    for params in (
        {"status": EnterpriseStatus.SUSPENDED},
        {"status": EnterpriseStatus.SUSPENDED, "sort": "-name"},
        {"q": suspended.uscc},
        {"q": "测试企业", "sort": "employees"},
        {"park": world.sub_a1.pk},
        {},
    ):
        on_page = [row["object"].name for row in list_context(client, ENTERPRISES, params)["rows"]]
        _response, sheet = download(client, ENTERPRISES, params)
        assert column(sheet, name_label) == on_page, params
    _response, sheet = download(client, ENTERPRISES, {"status": EnterpriseStatus.SUSPENDED})
    assert sorted(column(sheet, name_label)) == sorted(["停产测试企业", "另一停产企业"])


def test_member_search_by_full_id_number_applies(client, world):
    member = world.in_a[Member]
    client.force_login(world.staff_a)
    _response, sheet = download(client, MEMBERS, {"q": member.id_number})
    assert column(sheet, str(Member._meta.get_field("name").verbose_name)) == [member.name]


def test_list_page_links_to_the_export_with_its_query_string(client, world):
    client.force_login(world.county)
    for entity in (ENTERPRISES, MEMBERS, REQUESTS):
        context = list_context(client, entity, {"q": "x", "page": "1", "sort": "name"})
        assert context["export_url"] == url(entity, "export") + "?q=x&sort=name"
        page = client.get(url(entity, "list")).content.decode()
        assert f'href="{url(entity, "export")}"' in page
        assert "btn-outline-secondary" in page


def test_numbers_are_numbers_and_dates_are_dates(client, world):
    enterprise = world.in_b[Enterprise]
    enterprise.employees = 692
    enterprise.surveyed_on = datetime.date(2023, 6, 30)
    enterprise.save()
    client.force_login(world.staff_b)
    _response, sheet = download(client, ENTERPRISES)
    headers = values(sheet)[0]
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    employees = row[headers.index(str(Enterprise._meta.get_field("employees").verbose_name))]
    surveyed = row[headers.index(str(Enterprise._meta.get_field("surveyed_on").verbose_name))]
    status = row[headers.index(str(Enterprise._meta.get_field("status").verbose_name))]
    park = row[headers.index("园区")] if "园区" in headers else None
    assert employees.data_type == "n" and employees.value == 692
    assert surveyed.is_date and surveyed.value.date() == datetime.date(2023, 6, 30)
    assert "yy" in surveyed.number_format
    assert status.value == enterprise.get_status_display()
    if park is not None:
        assert park.value == world.zone_b.name


def test_booleans_read_yes_or_no_and_empty_values_are_empty_cells(client, world):
    request = world.in_b[ServiceRequest]
    client.force_login(world.staff_b)
    _response, sheet = download(client, REQUESTS)
    headers = values(sheet)[0]
    row = values(sheet)[1]
    overdue = row[headers.index(str(list_label(client, REQUESTS, "overdue")))]
    assert overdue in ("是", "否")
    assert overdue == ("是" if request.due_on < datetime.date.today() else "否")
    closed = row[headers.index(str(ServiceRequest._meta.get_field("closed_on").verbose_name))]
    assert closed is None


def list_label(client, entity, name):
    for header in list_context(client, entity)["columns"]:
        if header["column"].name == name:
            return header["label"]
    raise AssertionError(name)


DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tA", "\rB", "=1+1"]


def test_formula_like_text_is_escaped_and_no_cell_is_a_formula(client, world):
    for n, text in enumerate(DANGEROUS):
        f.EnterpriseFactory(park=world.zone_b, name=text, investor_name="x", uscc=f.make_uscc(800000 + n))
    client.force_login(world.staff_b)
    _response, sheet = download(client, ENTERPRISES)
    names = []
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
        names.append(row[0])
    exported = {cell.value for cell in names[1:]}
    for text in DANGEROUS:
        # Without lxml, XML reading turns a carriage return into a line feed; the guard is what matters.
        assert {"'" + text, "'" + text.replace("\r", "\n")} & exported, text
    for cell in names[1:]:
        if cell.value.startswith("'"):
            assert cell.data_type == "s"


def test_escape_text():
    assert escape_text("=1+1") == "'=1+1"
    assert escape_text("-2") == "'-2"
    assert escape_text("普通文本") == "普通文本"
    assert escape_text("a\x01b") == "ab"
    assert escape_text("\x01=1") == "'=1"


def test_personal_numbers_are_masked_for_the_county_and_full_for_park_staff(client, world):
    member = world.in_b[Member]
    member.phone = "13812345678"
    member.save()
    id_label = str(Member._meta.get_field("id_number").verbose_name)
    phone_label = str(Member._meta.get_field("phone").verbose_name)

    client.force_login(world.county)
    _response, sheet = download(client, MEMBERS, {"q": member.name})
    assert column(sheet, id_label) == [mask_id(member.id_number)]
    assert column(sheet, phone_label) == [mask_phone("13812345678")]
    assert "*" in column(sheet, id_label)[0]

    client.force_login(world.staff_b)
    _response, sheet = download(client, MEMBERS, {"q": member.name})
    assert column(sheet, id_label) == [member.id_number]
    assert column(sheet, phone_label) == ["13812345678"]
    assert all(isinstance(value, str) for value in column(sheet, id_label))


def test_every_export_is_recorded(client, world):
    client.force_login(world.staff_a)
    download(client, ENTERPRISES, {"status": EnterpriseStatus.OPERATING, "q": "测试", "page": "2"})
    record = ExportRecord.objects.get()
    assert record.user == world.staff_a
    assert record.entity == "organizations.enterprise"
    assert record.filters == "status=operating&q=%E6%B5%8B%E8%AF%95"
    expected = Enterprise.objects.for_user(world.staff_a).filter(
        status=EnterpriseStatus.OPERATING, name__contains="测试"
    )
    assert record.rows == expected.count() > 0
    assert record.created_at is not None


def test_county_reviewer_may_export_every_park(client, world):
    client.force_login(world.county)
    _response, sheet = download(client, ENTERPRISES)
    assert len(values(sheet)) - 1 == Enterprise.objects.count()
    assert ExportRecord.objects.get().rows == Enterprise.objects.count()


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(url(ENTERPRISES, "export"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not ExportRecord.objects.exists()


@pytest.mark.parametrize("entity", [ENTERPRISES, MEMBERS, REQUESTS])
def test_query_count_does_not_grow_with_the_rows(client, world, entity):
    client.force_login(world.staff_b)
    client.get(url(entity, "export"))  # warm caches (sessions, content types)

    def exported_rows():
        with CaptureQueriesContext(connection) as queries:
            _response, sheet = download(client, entity)
        return len(values(sheet)) - 1, len(queries)

    few_rows, few_queries = exported_rows()
    if entity == ENTERPRISES:
        make_enterprises(world.zone_b, 200)
    elif entity == MEMBERS:
        enterprise = world.in_b[Enterprise]
        f.MemberFactory.create_batch(200, organization=world.in_b.organization, enterprise=enterprise)
    else:
        f.ServiceRequestFactory.create_batch(200, enterprise=world.in_b[Enterprise])
    many_rows, many_queries = exported_rows()
    assert few_rows < 5 and many_rows >= 200
    assert many_queries == few_queries


def test_a_large_export_is_streamed_from_a_file(client, world):
    make_enterprises(world.zone_b, 3000, annual_output=Decimal("12.50"))
    client.force_login(world.staff_b)
    response = client.get(url(ENTERPRISES, "export"))
    assert isinstance(response, FileResponse) and response.streaming
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3000 + 1  # the header, the 3000 and the world's own enterprise in B
    assert ExportRecord.objects.get().rows == len(rows) - 1


def all_entities():
    return [entity for module in WORKBENCH_VIEWS for entity in module.ENTITIES]


@pytest.mark.parametrize("entity", all_entities(), ids=lambda entity: entity.slug())
def test_every_list_exports_its_rows(client, world, entity):
    client.force_login(world.staff_a)
    context = list_context(client, entity.url_name("list").replace("_list", ""))
    response = client.get(context["export_url"])
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = values(sheet)
    assert rows[0] == [str(header["label"]) for header in context["columns"]]
    assert len(rows) - 1 == context["total"] > 0
    for row in rows[1:]:
        assert not any(isinstance(value, str) and value.startswith(("=", "+", "@")) for value in row)


def test_amounts_keep_their_decimal_places(client, world):
    client.force_login(world.staff_b)
    response = client.get(reverse("organizations:funding_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    headers = values(sheet)[0]
    amount = next(sheet.iter_rows(min_row=2, max_row=2))[
        headers.index(str(list_label(client, "organizations:funding", "amount")))
    ]
    assert amount.data_type == "n" and amount.value == 5000
    assert amount.number_format == "0.00"


def test_the_export_log_is_read_only_in_the_admin(client, world):
    administrator = f.AdministratorFactory(is_staff=True)  # the administrator role, not a superuser
    client.force_login(world.staff_a)
    download(client, ENTERPRISES)
    record = ExportRecord.objects.get()
    client.force_login(administrator)
    changelist = client.get(reverse("admin:reports_exportrecord_changelist"))
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 1
    assert client.get(reverse("admin:reports_exportrecord_change", args=[record.pk])).status_code == 200
    assert client.get(reverse("admin:reports_exportrecord_add")).status_code == 403
    assert (
        client.post(reverse("admin:reports_exportrecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    )
    assert ExportRecord.objects.filter(pk=record.pk).exists()
