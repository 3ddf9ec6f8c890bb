"""Hostile input never answers 500: it is stored and shown escaped, or refused with a Chinese message.

Markup, SQL fragments, Jinja and Word XML fragments, control and bidi
characters, NUL, very long strings and astral characters are pushed through
every form of the workbench (create, edit and actions), every list's
filters, search, sort and page, its export, the dashboards' and figure
drill-downs' parameters, the annual report pages and editor (whose text must
reach the DOCX literally), the import pages and the import engine's cells.

The entities are found through the URL patterns of the generic workbench
views, so a new entity is covered without touching this module.

Hypothesis runs a few examples per test (profile ``hostile-input``,
derandomized so that CI runs the same examples every time); set
``HOSTILE_EXAMPLES`` for a longer run. Lone surrogates cannot travel over
HTTP (the client cannot encode them; encoded as bytes they arrive as U+FFFD),
so they are checked at the model level in tests/test_validation.py.
"""

from __future__ import annotations

import datetime
import io
import itertools
import os
import re
from urllib.parse import quote

import docx
import openpyxl
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from organizations.models import Enterprise, OrganizationStatus
from parkparty.core.imports import run_import
from parkparty.core.permissions import CHANGE, may
from parkparty.core.views.generic import Entity
from reports import outline
from reports.figures import REGISTRY
from reports.figures.series import SERIES
from reports.models import GeneratedReport, ReportDraft

from . import factories as f
from .forms import form_data
from .importing import ENTERPRISE_HEADERS, MEMBER_HEADERS, enterprise_row, member_row

pytestmark = pytest.mark.django_db

settings.register_profile(
    "hostile-input",
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "5")),
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
HOSTILE = settings.get_profile("hostile-input")

CJK = re.compile(r"[\u4e00-\u9fff]")

# --- what an attacker types -----------------------------------------------------------------

#: Markup whose raw form must never appear in a page (the escaped form may).
MARKUP = ['<script>alert("pp-xss")</script>', '"><img src=x onerror=alert("pp-xss")>', "<b class='pp-xss'>粗体</b>"]
RAW_MARKERS = ['<script>alert("pp-xss")', '<img src=x onerror=alert("pp-xss")>', "<b class='pp-xss'>"]
PAYLOADS = [
    *MARKUP,
    "'; DROP TABLE members_member; --",
    "1' OR '1'='1",
    "%_\\%",
    "{{ 7*7 }}",
    "{% for i in range(99999999) %}x{% endfor %}",
    "{{ ''.__class__.__mro__ }}",
    "</w:t></w:r></w:p><w:p><w:r><w:t>注入段落",
    "<w:br/>]]><![CDATA[",
    "&amp;&lt;&#0;",
    "\x00",
    "甲\x00乙",
    "a\x07b\x1b[31m",
    "\u202e文字反转",
    "\u2066隔离\u2069",
    "\u200e\u200f",
    "零\u200b宽",
    "\ufeffBOM",
    "第一行\n第二行\t制表",
    "😀👨\u200d👩\u200d👧",
    "𠀀𪚥",
    "x" * 100_000,
    "甲" * 100_000,
]
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.builds(
        lambda before, payload, after: before + payload + after,
        st.text(max_size=4),
        st.sampled_from(PAYLOADS),
        st.text(max_size=4),
    ),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
)
#: Values for query parameters: numbers, dates, ids and sorts that are wrong in every way, and hostile text.
param_value = st.one_of(
    st.sampled_from(
        [
            "99999",
            "0",
            "-1",
            "1e5",
            "1e999999999",
            "abc",
            "2023-02-30",
            "2023-13-01",
            "99999999999999999999",
            "9" * 5000,
            "",
            "-",
            "--name",
            "-pk",
            "park__name",
            "organization__park__code",
            "²",
            "١٢",
            "NaN",
            "Infinity",
            "true",
        ]
    ),
    hostile_text,
    st.integers().map(str),
)


def assert_no_raw_markup(response) -> None:
    content = response.content.decode("utf-8", errors="replace")
    for marker in RAW_MARKERS:
        assert marker not in content, f"unescaped {marker!r} in {response.request['PATH_INFO']}"


def assert_chinese_errors(errors) -> None:
    """Every message of a form's errors (or a list of messages) reads in Chinese."""
    messages = [m for field_errors in errors.values() for m in field_errors] if hasattr(errors, "values") else errors
    assert messages, "refused without a message"
    assert all(CJK.search(str(message)) for message in messages), f"not Chinese: {messages}"


# --- the workbench, found through its URL patterns ------------------------------------------------


def workbench_entities() -> list[type[Entity]]:
    """Every Entity that has pages: the ``entity`` of every generic view in the URL configuration."""
    found: dict[type[Entity], None] = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
                continue
            entity = getattr(pattern.callback, "view_initkwargs", {}).get("entity")
            if entity is not None:
                found[entity] = None

    walk(get_resolver().url_patterns)
    return sorted(found, key=lambda entity: entity.slug())


ENTITIES = workbench_entities()
FORM_ENTITIES = [entity for entity in ENTITIES if entity.form_class is not None]
ACTIONS = [(entity, action) for entity in ENTITIES for action in entity.actions]


def test_the_workbench_is_found_through_its_url_patterns():
    slugs = {entity.slug() for entity in ENTITIES}
    assert {"enterprise", "member", "applicant", "activity", "notice", "servicerequest", "park"} <= slugs
    assert len(FORM_ENTITIES) >= 15 and ACTIONS


@pytest.fixture
def staff(client, world):
    client.force_login(world.user("staff_a"))
    return client


@pytest.fixture
def writer(client, world, entity):
    """A client of someone who may change ``entity``'s records: park staff, or the county for its own records."""
    persona = "staff_a" if may(world.user("staff_a"), CHANGE, entity.model) else "county"
    client.force_login(world.user(persona))
    return client


def fill_required(form, data: dict) -> dict:
    """Give required fields left empty a plausible value (an action's date, reason…)."""
    for name, field in form.fields.items():
        if not field.required or data.get(name) not in ("", None) or field.disabled:
            continue
        if isinstance(field, forms.DateField):
            data[name] = datetime.date.today().isoformat()
        elif isinstance(field, forms.ModelChoiceField):
            first = field.queryset.first()
            data[name] = str(first.pk) if first else ""
        elif isinstance(field, forms.ChoiceField):
            data[name] = next((str(key) for key, _label in field.choices if key not in ("", None)), "")
        elif isinstance(field, forms.IntegerField | forms.DecimalField):
            data[name] = "1"
        elif isinstance(field, forms.CharField):
            data[name] = "测试"
    return data


def text_fields(form) -> list[str]:
    """The fields a user types free text into."""
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field, forms.CharField) and not field.disabled and not field.widget.is_hidden
    ]


def other_fields(form) -> list[str]:
    """The fields a user picks or types a number or date into."""
    return [
        name
        for name, field in form.fields.items()
        if not isinstance(field, forms.CharField | forms.FileField)
        and not field.disabled
        and not field.widget.is_hidden
    ]


def check_post(response, form_key: str = "form") -> None:
    """A write answered by a redirect (saved) or 400 with Chinese messages (refused), never anything else."""
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert_chinese_errors(response.context[form_key].errors)
    assert_no_raw_markup(response)


# --- forms: edit, create, actions -------------------------------------------------------------------


@pytest.mark.parametrize("entity", FORM_ENTITIES, ids=lambda entity: entity.slug())
def test_hostile_text_in_an_edit_form_is_saved_escaped_or_refused_in_chinese(writer, world, entity):
    staff = writer
    record = world.in_a[entity.model]
    edit_url = reverse(entity.url_name("edit"), args=[record.pk])
    form = staff.get(edit_url).context["form"]
    names = text_fields(form)
    typing = {name: st.one_of(st.none(), hostile_text) for name in names}
    typing.update({name: st.one_of(st.none(), st.none(), param_value) for name in other_fields(form)})

    @HOSTILE
    @given(typed=st.fixed_dictionaries(typing))
    def edit(typed):
        page = staff.get(edit_url)
        assert page.status_code == 200
        data = form_data(page.context["form"])
        data.update({name: value for name, value in typed.items() if value is not None})
        response = staff.post(edit_url, data)
        check_post(response)
        if response.status_code == 302:
            stored = entity.model.objects.get(pk=record.pk)
            edited = staff.get(edit_url)
            for name in names:
                value = getattr(stored, name, None)
                if isinstance(value, str) and "<" in value:
                    assert escape(value) in edited.content.decode(), f"{name} not shown escaped"
            for view in ("detail", "history", "list"):
                args = [] if view == "list" else [record.pk]
                shown = staff.get(reverse(entity.url_name(view), args=args))
                assert shown.status_code == 200
                assert_no_raw_markup(shown)

    edit()


@pytest.mark.parametrize("entity", FORM_ENTITIES, ids=lambda entity: entity.slug())
def test_hostile_text_and_parameters_on_a_new_record_form_never_answer_500(writer, world, entity):
    staff = writer
    record = world.in_a[entity.model]
    add_url = reverse(entity.url_name("add"))
    for value in ("99999999999999999999", "abc", "\u202e", "-1", MARKUP[0]):
        page = staff.get(add_url, {"organization": value, "park": value, "member": value, "enterprise": value})
        assert page.status_code == 200
        assert_no_raw_markup(page)
    base = form_data(staff.get(reverse(entity.url_name("edit"), args=[record.pk])).context["form"])
    names = text_fields(staff.get(add_url).context["form"])
    for payload in (MARKUP[1], "甲\x00乙", "\u2066名称\u2069", "甲" * 100_000):
        response = staff.post(add_url, {**base, **dict.fromkeys(names, payload)})
        check_post(response)


def record_for_action(world, entity, action):
    """A record of park A the action applies to: the bundle's, else one made in the state the action needs."""
    record = world.in_a[entity.model]
    if action.available is None or action.available(record):
        return record
    organization = world.in_a.organization
    made = {
        "admit": lambda: f.ApplicantFactory(organization=organization, candidate=True),
        "confirm_full": lambda: f.MemberFactory(organization=organization, probationary=True),
        "found": lambda: f.PartyOrganizationFactory(
            park=world.zone_a, status=OrganizationStatus.FORMING, founded_on=None
        ),
    }
    record = made[action.name]()
    assert action.available(record), f"the test cannot make a record {action.name} applies to"
    return record


@pytest.mark.parametrize(("entity", "action"), ACTIONS, ids=lambda item: getattr(item, "name", None) or item.slug())
def test_hostile_text_in_an_action_form_never_answers_500(staff, world, entity, action):
    record = record_for_action(world, entity, action)
    url = reverse(entity.url_name(action.name), args=[record.pk])
    page = staff.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    base = fill_required(form, form_data(form))
    for payload in (MARKUP[0], "\x00", "\u202e说明", "说明\n第二行", "x" * 100_000):
        response = staff.post(url, {**base, **dict.fromkeys(text_fields(form), payload)})
        assert response.status_code in (302, 400, 404), response.status_code
        if response.status_code == 400:
            assert_chinese_errors(response.context["form"].errors)
        assert_no_raw_markup(response)


def test_admin_form_refuses_a_bidi_override_in_a_name_in_chinese(client, world):
    client.force_login(f.AdministratorFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/organizations/park/add/")
    data = fill_required(page.context["adminform"].form, form_data(page.context["adminform"].form))
    data.update(code="X1", name="园区\u202e名称")
    response = client.post("/admin/organizations/park/add/", data)
    assert response.status_code == 200  # the admin shows its form again
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["name"]
    assert_chinese_errors(errors)


# --- lists: filters, search, sort, page, export ----------------------------------------------------


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda entity: entity.slug())
def test_hostile_list_parameters_answer_the_list_or_400_with_the_filter_marked(staff, world, entity):
    list_url = reverse(entity.url_name("list"))
    export_url = reverse(entity.url_name("export"))
    keys = [*staff.get(list_url).context["filter_form"].fields, "q", "page", "sort", "year", "organization"]
    params = st.dictionaries(
        st.sampled_from(keys), st.one_of(param_value, st.lists(param_value, min_size=2, max_size=3)), max_size=3
    )

    @HOSTILE
    @given(query=params)
    def browse(query):
        for url in (list_url, export_url):
            response = staff.get(url, query)
            assert response.status_code in (200, 400), (url, query, response.status_code)
            if response.status_code == 400 and not has_nul(query):
                assert_chinese_errors(response.context["filter_form"].errors)
            if url == list_url:
                assert_no_raw_markup(response)

    browse()


def has_nul(query: dict) -> bool:
    values = [v for value in query.values() for v in (value if isinstance(value, list) else [value])]
    return any("\x00" in text for text in [*query, *values])


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/applicant/", {"year": "99999"}),
        ("/applicant/", {"year": "0"}),
        ("/duespayment/", {"year": "-1"}),
        ("/pioneerpost/", {"year": "1e5"}),
        ("/commendation/", {"year": "99999999999999999999"}),
        ("/developmentquota/", {"year": "1e999999999"}),
        ("/parkstaffing/", {"year": "32768"}),
    ],
)
def test_year_filter_out_of_range_is_a_chinese_message_on_the_filter_not_a_500(staff, world, path, query):
    response = staff.get(path, query)
    assert response.status_code == 400
    assert response.context["rows"] == []
    errors = response.context["filter_form"].errors
    assert list(errors) == ["year"]
    assert_chinese_errors(errors)
    assert "is-invalid" in response.content.decode()


def test_export_with_a_refused_filter_shows_the_list_instead_of_a_file(staff, world):
    response = staff.get("/applicant/export/", {"year": "99999"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_sort_with_a_doubled_minus_falls_back_to_the_default_order(staff, world):
    assert staff.get("/member/", {"sort": "--name"}).status_code == 200


def test_attendee_picker_ignores_ids_beyond_the_database_range(staff, world):
    for value in ("99999999999999999999", "²", "-1", "1e5"):
        response = staff.get("/activity/attendees/", {"organization": value, "activity": value})
        assert response.status_code == 200


def test_nul_in_an_address_or_query_is_a_400_and_in_a_cookie_is_ignored(staff, world):
    assert staff.get("/member/", {"q": "张\x00"}).status_code == 400
    assert staff.get("/reports/parks/%00/").status_code == 400
    anonymous = Client()
    anonymous.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert anonymous.get("/member/").status_code == 302  # no session: to the login page


def test_detail_and_edit_urls_with_ids_beyond_bigint_answer_404(staff, world):
    for entity in FORM_ENTITIES:
        for view in ("detail", "edit", "history"):
            url = reverse(entity.url_name(view), args=[1]).replace("/1/", "/99999999999999999999999/")
            assert staff.get(url).status_code == 404, url


# --- dashboards, figures, charts, annual report pages ---------------------------------------------

path_text = st.one_of(hostile_text.filter(lambda text: text.strip()), st.sampled_from(["A", "B", "county", "DEMO"]))


@pytest.mark.parametrize("persona", ["staff_a", "county"])
def test_hostile_dashboard_figure_and_chart_parameters_answer_200_or_404(client, world, persona):
    client.force_login(world.user(persona))
    keys = st.one_of(st.sampled_from([*list(REGISTRY)[:5], *list(SERIES)[:3]]), path_text)
    years = st.one_of(st.just(2023), st.integers(min_value=0, max_value=10**25))

    @HOSTILE
    @given(
        scope=path_text,
        year=years,
        key=keys,
        query=st.dictionaries(st.sampled_from(["part", "sort", "page", "year"]), param_value, max_size=3),
    )
    def visit(scope, year, key, query):
        scope, key = quote(scope, safe=""), quote(key, safe="")
        for url in (
            f"/reports/figures/{scope}/{year}/{key}/",
            f"/reports/charts/{scope}/{year}/",
            f"/reports/export/{scope}/{year}/",
            f"/reports/parks/{scope}/",
            "/reports/county/",
            f"/reports/annual/{scope}/{year}/{key}/",
            f"/reports/annual/{scope}/{year}/{key}/preview.docx",
            f"/reports/annual/{scope}/{year}/{key}/history/",
            f"/reports/annual/templates/{scope}/{key}.docx",
            "/reports/annual/",
        ):
            response = client.get(url, query)
            assert response.status_code in (200, 400, 404), (url, query, response.status_code)
            if response["Content-Type"].startswith("text/html"):
                assert_no_raw_markup(response)

    visit()


def test_annual_index_with_hostile_choices_never_answers_500(staff, world):
    for value in ("A", "99999", "\u202e", MARKUP[0], "9" * 5000, "duty"):
        response = staff.get("/reports/annual/", {"park": value, "year": value, "kind": value})
        assert response.status_code in (302, 404)


def test_template_upload_with_hostile_park_kind_and_file_name_never_answers_500(staff, world):
    values = ("A", "duty", "\u202e", "\x00", MARKUP[0], "9" * 5000)
    for park, kind in itertools.product(values, values):
        upload = SimpleUploadedFile(f"{kind}模板\u202excod.docx", b"PK\x03\x04 not a docx")
        response = staff.post("/reports/annual/templates/", {"park": park, "kind": kind, "file": upload})
        assert response.status_code in (400, 404)
        assert_no_raw_markup(response)


# --- the report editor and its DOCX -------------------------------------------------------------------


def test_hostile_report_text_reaches_the_docx_literally_or_is_refused_in_chinese(staff, world):
    park, year, kind = world.zone_a, 2023, outline.DUTY
    url = reverse("annual:editor", args=[park.code, year, kind])
    keys = [key for key in outline.text_keys(kind) if key != "title"]

    @HOSTILE
    @given(texts=st.fixed_dictionaries({key: st.one_of(st.none(), hostile_text) for key in keys}))
    def write(texts):
        page = staff.get(url)
        data = {f"text_{block['key']}": block["text"] for block in page.context["blocks"]}
        data.update({f"text_{key}": text for key, text in texts.items() if text is not None})
        data.update(version=page.context["version"], action="generate")
        generated_before = GeneratedReport.objects.count()
        response = staff.post(url, data)
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert_chinese_errors(response.context["errors"])
            assert GeneratedReport.objects.count() == generated_before
            return
        saved = ReportDraft.objects.get(park=park, year=year, kind=kind).texts
        generated = GeneratedReport.objects.order_by("-pk").first()
        document = docx.Document(io.BytesIO(generated.file.read()))
        text = "\n".join(paragraph.text for paragraph in document.paragraphs)
        for value in saved.values():
            for line in value.splitlines():
                assert line.strip() in text, f"{line[:60]!r} is not in the DOCX as typed"

    write()


def test_report_text_with_word_xml_and_jinja_is_written_as_text(staff, world):
    park, year, kind = world.zone_a, 2023, outline.DUTY
    url = reverse("annual:editor", args=[park.code, year, kind])
    page = staff.get(url)
    body_key = next(block["key"] for block in page.context["blocks"] if block["style"] == outline.BODY)
    typed = "</w:t></w:r></w:p><w:p><w:r><w:t>注入 {{ 7*7 }} {% if 1 %}真{% endif %} & <b>"
    data = {f"text_{block['key']}": block["text"] for block in page.context["blocks"]}
    data.update({f"text_{body_key}": typed, "version": page.context["version"], "action": "generate"})
    assert staff.post(url, data).status_code == 302
    document = docx.Document(io.BytesIO(GeneratedReport.objects.order_by("-pk").first().file.read()))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert typed in texts
    assert "49" not in " ".join(t for t in texts if "注入" in t)


# --- the import --------------------------------------------------------------------------------------

#: Characters XML cannot hold: Excel writes them as ``_xHHHH_`` escapes, which the reader decodes.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def as_cell(text: str) -> str:
    return XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def workbook(headers: list[str], rows: list[dict]) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([as_cell(v) if isinstance(v, str) else v for v in (row.get(h, "") for h in headers)])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=0" typed as text stays text (a formula is refused as a whole file)
    handle = io.BytesIO()
    book.save(handle)
    handle.seek(0)
    return handle


ENTERPRISE_TEXT_COLUMNS = [
    "企业名称",
    "所属行业",
    "出资人（负责人）",
    "出资人联系电话",
    "备注",
    "所属党组织",
    "党建指导员",
    "统一社会信用代码",
]
MEMBER_TEXT_COLUMNS = ["姓名", "民族", "手机号码", "备注", "所在党组织", "公民身份号码", "工作单位统一社会信用代码"]


@pytest.mark.parametrize(
    ("kind", "headers", "row", "columns"),
    [
        ("enterprises", ENTERPRISE_HEADERS, enterprise_row, ENTERPRISE_TEXT_COLUMNS),
        ("members", MEMBER_HEADERS, member_row, MEMBER_TEXT_COLUMNS),
    ],
    ids=["enterprises", "members"],
)
def test_hostile_cells_are_imported_as_typed_or_refused_by_row_in_chinese(world, tmp_path, kind, headers, row, columns):
    park = world.zone_a
    f.PartyOrganizationFactory(park=park, name="甲公司党支部")
    numbers = iter(range(9000, 10_000))

    @HOSTILE
    @given(cells=st.fixed_dictionaries({column: st.one_of(st.none(), hostile_text) for column in columns}))
    def load(cells):
        values = row(next(numbers))
        values.update({column: text for column, text in cells.items() if text is not None})
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(workbook(headers, [values]).getvalue())
        result = run_import(kind, path, park=park, user=None, commit=True)
        assert not result.file_error
        if result.errors:
            assert not result.committed
            assert all(error.row == 2 for error in result.errors)
            assert_chinese_errors([error.message for error in result.errors])
        else:
            assert result.committed

    load()


def test_enterprise_name_with_a_bidi_override_is_a_row_error(world, tmp_path):
    path = tmp_path / "bidi.xlsx"
    path.write_bytes(workbook(ENTERPRISE_HEADERS, [enterprise_row(9001, 企业名称="甲\u202e公司")]).getvalue())
    result = run_import("enterprises", path, park=world.zone_a, user=None, commit=True)
    assert [(e.row, e.column) for e in result.errors] == [(2, "企业名称")]
    assert "U+202E" in result.errors[0].message
    assert not Enterprise.objects.filter(uscc=f.make_uscc(9001)).exists()


def test_nul_escaped_in_a_cell_is_a_row_error_not_a_database_error(world, tmp_path):
    path = tmp_path / "nul.xlsx"
    rows = [member_row(9002, 姓名="张\x00三"), member_row(9003, 所在党组织="甲公司\x00党支部", 备注="\x00")]
    path.write_bytes(workbook(MEMBER_HEADERS, rows).getvalue())
    result = run_import("members", path, park=world.zone_a, user=None, commit=True)
    assert {(e.row, e.column) for e in result.errors} >= {(2, "姓名"), (3, "所在党组织"), (3, "备注")}
    assert_chinese_errors([e.message for e in result.errors])


def test_import_pages_with_hostile_workbook_and_fields_never_answer_500(staff, world):
    rows = [enterprise_row(9100 + n, 企业名称=payload, 备注=payload) for n, payload in enumerate(PAYLOADS[:12])]
    rows.append(enterprise_row(9199, 企业名称="甲\u202e公司"))
    for park in ("A", "99999999999999999999", "\u202e", MARKUP[0]):
        upload = SimpleUploadedFile(f"摸排{MARKUP[2]}\u202exslx.xlsx", workbook(ENTERPRISE_HEADERS, rows).getvalue())
        response = staff.post("/import/enterprises/", {"park": park, "file": upload})
        assert response.status_code in (200, 400)
        assert_no_raw_markup(response)
    response = staff.post(
        "/import/enterprises/",
        {
            "park": world.zone_a.pk,
            "file": SimpleUploadedFile(f"{MARKUP[0]}.xlsx", workbook(ENTERPRISE_HEADERS, rows).getvalue()),
        },
    )
    assert response.status_code == 400  # markup, SQL and template text are names like any other; bidi is not
    assert [(e.row, e.column) for e in response.context["result"].errors] == [(len(rows) + 1, "企业名称")]
    assert_no_raw_markup(response)
    for token in ("\x00", "../../etc/passwd", "0" * 32, MARKUP[0]):
        response = staff.post("/import/enterprises/confirm/", {"token": token, "sha256": token})
        assert response.status_code in (302, 400)
