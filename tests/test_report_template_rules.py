"""Report templates that could tie up the server or reach Python's internals are refused, in Chinese, with their place.

Every hostile template here is a real DOCX built with python-docx. Before
the rules, the nested loops took 12 s at 400 characters (cubic in the text),
``range(3000)``, ``"x"*50000000`` and ``lipsum(n=2000)`` were accepted and
``{{ ''.__class__ }}`` rendered empty; a refused template showed Jinja's
English message.
"""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from reports import outline
from reports.annual import load_report, render
from reports.docx_templates import default_template
from reports.models import GeneratedReport, ReportTemplate
from reports.rendering import TemplateProblem, render_report, sample_context, validate_template
from reports.sandbox import MAX_LOOP_ITERATIONS, ReportEnvironment, TemplateFailure, run_isolated

from . import factories as f

FIGURE_KEYS = ("members_total", "enterprises_total")
CUBIC = (
    "{% for a in text.intro %}{% for b in text.intro %}{% for c in text.intro %}"
    "{{ a }}{% endfor %}{% endfor %}{% endfor %}"
)


def docx_with(*paragraphs: str, footer: str = "", header: str = "", title: str = "") -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if title:
        document.core_properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refusal(template: bytes) -> list[str]:
    with translation.override("zh-hans"):
        return validate_template(template, outline.DUTY, FIGURE_KEYS)


HOSTILE = {
    "nested loops over the section text": (CUBIC, "不能使用 {% for %}"),
    "a loop over range(3000)": ("{% for i in range(3000) %}x{% endfor %}", "不能使用 {% for %}"),
    "string repetition": ('{{ "x" * 50000000 }}', "不能进行运算（“*”）"),
    "lipsum": ("{{ lipsum(n=2000) }}", "“lipsum(…)”调用了函数"),
    "cycler": ("{{ cycler('a', 'b').next() }}", "调用了函数"),
    "namespace": ("{{ namespace(a=1) }}", "“namespace(…)”调用了函数"),
    "a dunder attribute": ("{{ ''.__class__ }}", "“__class__”是隐藏属性"),
    "a dunder subscript": ("{{ park['__class__'] }}", "“__class__”是隐藏属性"),
    "a private attribute": ("{{ text._secret }}", "“_secret”是隐藏属性"),
    "a method call": ("{{ text.intro.center(100000000) }}", "“text.intro.center(…)”调用了函数"),
    "a set statement": ("{% set x = text.intro %}{{ x }}", "不能使用 {% set %}"),
    "an include": ("{% include 'other.xml' %}", "不能使用 {% include %}"),
    "a macro": ("{% macro m() %}x{% endmacro %}", "不能使用 {% macro %}"),
    "an unknown statement": ("{% colour red %}", "不能使用 {% colour %}"),
    "a filter outside the list": ("{{ park.name|center(99999999) }}", "不能使用过滤器“center”"),
    "concatenation": ("{{ text.intro ~ text.intro }}", "不能进行运算（“~”）"),
    "an unclosed block": ("{% if year %}未闭合", "占位符写法有误：{% if %} 没有结束，请补上 {% endif %}"),
    "an unclosed placeholder": ("{{ text.intro ", "占位符写法有误：{{ 没有用 }} 结束"),
    "an end without a start": ("{% endif %}", "占位符写法有误：{% endif %} 没有对应的开始标记"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_template_is_refused_in_chinese_naming_the_paragraph(name):
    source, message = HOSTILE[name]
    errors = refusal(docx_with("第一段是普通文字。", f"第二段：{source}"))
    assert errors, name
    assert errors[0].startswith("正文第2段（“第二段："), errors
    assert message in errors[0]
    for english in ("Jinja", "expected", "Unexpected", "unknown tag", "Encountered"):
        assert english not in " ".join(errors)


def test_headers_footers_and_document_properties_are_checked_too():
    errors = refusal(
        docx_with("{{ text.intro }}", header="{{ lipsum() }}", footer="第{{ ''.__class__ }}页", title="{{ range(9) }}")
    )
    assert any(error.startswith("页眉第1段") and "lipsum" in error for error in errors)
    assert any(error.startswith("页脚第1段") and "__class__" in error for error in errors)
    assert any(error.startswith("文档属性“title”") and "range" in error for error in errors)


def test_unknown_placeholders_are_listed_with_the_other_problems():
    errors = refusal(docx_with("{{ figures.nope }}", "{% for x in text.intro %}{% endfor %}"))
    assert len(errors) == 2
    assert "不能使用 {% for %}" in errors[0] and "figures.nope" in errors[1]


ALLOWED = [
    "{{ park.name }}{{ year }}年{{ kind }}",
    "{{ text['intro'] }}{{ figures.members_total|default('—') }}",
    "{% if figures.members_total and year >= 2023 %}党员{{ figures.members_total }}名{% else %}无{% endif %}",
    "{% if kind == 'duty' %}述职{% elif kind in ('situation',) %}情况{% endif %}",
    "{{ park.name|trim|upper }}{% if figures.enterprises_total is defined %}有{% endif %}",
    "{{ text.intro if text.intro else '（空）' }}{# 备注 #}",
]


@pytest.mark.parametrize("source", ALLOWED)
def test_placeholders_conditions_and_plain_filters_are_allowed(source):
    assert refusal(docx_with(source)) == []


def test_docxtpl_paragraph_forms_keep_working():
    template = docx_with(
        "开头",
        "{%p if figures.members_total %}",
        "共有党员{{ figures.members_total }}名。",
        "{%p endif %}",
        "{%p if figures.enterprises_total %}",
        "这段不出现。",
        "{%p endif %}",
    )
    assert refusal(template) == []
    context = sample_context(outline.DUTY, FIGURE_KEYS)
    context["figures"] = {"members_total": "83", "enterprises_total": ""}
    texts = [p.text for p in docx.Document(io.BytesIO(render_report(template, context))).paragraphs]
    assert texts == ["开头", "共有党员83名。"]


def test_docxtpl_table_row_forms_keep_working():
    document = docx.Document()
    table = document.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr if figures.members_total %}"
    table.cell(1, 0).text = "党员 {{ figures.members_total }}"
    table.cell(2, 0).text = "{%tr endif %}"
    buffer = io.BytesIO()
    document.save(buffer)
    assert refusal(buffer.getvalue()) == []
    context = sample_context(outline.DUTY, FIGURE_KEYS)
    result = docx.Document(io.BytesIO(render_report(buffer.getvalue(), context)))
    assert [cell.text for row in result.tables[0].rows for cell in row.cells] == ["党员 123"]


@pytest.mark.parametrize("kind", outline.KINDS)
def test_the_built_in_templates_pass_and_render(kind):
    assert validate_template(default_template(kind), kind, FIGURE_KEYS) == []
    assert render_report(default_template(kind), sample_context(kind, FIGURE_KEYS)).startswith(b"PK")


def test_an_ordinary_edited_template_passes_and_renders():
    template = docx_with(
        "{{ park.name }}{{ year }}年度党建工作报告",
        "{{ text.intro }}",
        "（本园区党员{{ figures.members_total }}名，企业{{ figures.enterprises_total }}家。）",
        footer="— {{ park.code }} —",
    )
    assert refusal(template) == []
    document = docx.Document(io.BytesIO(render_report(template, sample_context(outline.DUTY, FIGURE_KEYS))))
    assert document.paragraphs[-1].text == "（本园区党员123名，企业123家。）"
    assert document.sections[0].footer.paragraphs[0].text == "— SAMPLE —"


def test_a_template_heavy_on_long_text_is_stopped_at_upload(settings):
    """5 000 copies of the introduction: fine with sample text, far too big with real sections of 10 000 characters.

    The test fill uses every section at its longest, within the time and memory
    a report may take, so the template is refused now rather than on the day
    the report is due.
    """
    settings.REPORT_RENDER_TIMEOUT = 2
    settings.REPORT_RENDER_MEMORY_MB = 256
    template = docx_with(*(["{{ text.intro }}"] * 5000))
    errors = refusal(template)
    assert len(errors) == 1
    assert errors[0].startswith(("填充模板用时超过 2 秒", "填充模板所需内存超出"))


# --- the sandbox at render time ------------------------------------------------------------------


def render_string(source: str, **context) -> str:
    return ReportEnvironment().from_string(source).render(**context)


def test_loops_are_bounded_at_render_time():
    with pytest.raises(TemplateFailure) as stopped:
        render_string(CUBIC, text={"intro": "长" * 400})
    assert stopped.value.kind == "loop" and stopped.value.details == {"count": MAX_LOOP_ITERATIONS}
    assert render_string("{% for c in s %}{{ c }}{% endfor %}", s="abc") == "abc"


@pytest.mark.parametrize(
    "source, kind",
    [
        ('{{ "x" * 50000000 }}', "size"),
        ("{{ s * 1000000 }}", "size"),
        ("{{ s + t }}", "size"),
        ("{{ 10 ** 100000 }}", "size"),
        ("{{ '%99999999s' % 1 }}", "operator"),
        ("{{ ''.__class__ }}", "private"),
        ("{{ s.upper() }}", "call"),
    ],
)
def test_repetition_powers_calls_and_hidden_attributes_fail_at_render_time(source, kind):
    with pytest.raises(TemplateFailure) as stopped:
        render_string(source, s="ab", t="c" * 200_000)
    assert stopped.value.kind == kind


@pytest.mark.parametrize("name", ["range", "lipsum", "cycler", "joiner", "namespace", "dict"])
def test_no_globals_are_offered(name):
    assert name not in ReportEnvironment().globals


def test_a_render_running_for_minutes_is_stopped_after_the_timeout():
    def forever() -> bytes:
        while True:
            pass

    with pytest.raises(TemplateFailure) as stopped:
        run_isolated(forever, timeout=1, memory_mb=256)
    assert stopped.value.kind == "timeout" and stopped.value.details == {"seconds": 1}


def test_a_render_asking_for_too_much_memory_is_stopped():
    def greedy() -> bytes:
        return b"x" * (2 * 1024**3)

    with pytest.raises(TemplateFailure) as stopped:
        run_isolated(greedy, timeout=30, memory_mb=256)
    assert stopped.value.kind == "memory"


def test_the_child_sends_back_the_document():
    assert run_isolated(lambda: b"PK" + bytes(200_000), timeout=30, memory_mb=256) == b"PK" + bytes(200_000)


# --- pages and commands ------------------------------------------------------------------------


@pytest.fixture
def park(db, media):
    return f.ParkFactory(code="TR", name="模板规则园区")


def test_the_upload_page_lists_the_problems_in_chinese_and_keeps_nothing(client, park):
    client.force_login(f.ParkStaffFactory(park=park))
    data = docx_with("{{ text.intro }}", "{{ ''.__class__ }}", CUBIC)
    upload = SimpleUploadedFile("模板.docx", data)
    response = client.post(reverse("annual:templates"), {"park": park.code, "kind": "duty", "file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "正文第2段" in page and "是隐藏属性" in page
    assert "正文第3段" in page and "{% for %}" in page
    assert not ReportTemplate.objects.exists()


def legacy_template(park) -> ReportTemplate:
    """A template stored before the rules existed (written straight to the database, not uploaded)."""
    data = docx_with("{{ text.intro }}", "{% for c in text.intro %}{{ c }}{% endfor %}")
    return f.ReportTemplateFactory(park=park, kind=outline.DUTY, file=ContentFile(data, name="old.docx"))


def test_generating_with_a_template_stored_before_the_rules_gives_a_message_not_a_500(client, park):
    legacy_template(park)
    staff = f.ParkStaffFactory(park=park)
    client.force_login(staff)
    url = reverse("annual:editor", args=[park.code, 2023, "duty"])
    report = load_report(park, 2023, outline.DUTY)
    data = {f"text_{key}": text for key, text in report.texts.items()}
    response = client.post(url, {**data, "version": "0", "action": "generate"}, follow=True)
    assert response.status_code == 200
    assert "草稿已保存，但报告无法写入模板" in response.content.decode()
    assert "不能使用 {% for %}" in response.content.decode()
    assert not GeneratedReport.objects.exists()
    preview = client.get(reverse("annual:preview", args=[park.code, 2023, "duty"]), follow=True)
    assert "报告无法写入模板" in preview.content.decode()


def test_the_command_reports_the_template_problem(park, tmp_path):
    legacy_template(park)
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command("annual_report", "--park", park.code, "--year", "2023", "-o", str(tmp_path / "r.docx"))
    assert "不能使用 {% for %}" in str(refused.value)
    assert not (tmp_path / "r.docx").exists()


def test_render_holds_a_stored_template_to_the_rules(park):
    legacy_template(park)
    with translation.override("zh-hans"), pytest.raises(TemplateProblem) as refused:
        render(load_report(park, 2023, outline.DUTY))
    assert refused.value.messages == [
        "正文第2段（“{% for c in text.intro %}{{ c }}{% endfor %}”）："
        "不能使用 {% for %}：报告模板中只能有 {{ 占位符 }} 和 {% if %} … {% endif %}。"
    ]
