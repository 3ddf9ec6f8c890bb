"""The DOCX layer of the annual reports: default templates, rendering, placeholders, validation, uploads."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports import docx_templates, outline
from reports.docx_templates import (
    FONT_BODY,
    FONT_HEADING1,
    FONT_HEADING2,
    FONT_HEADING3,
    FONT_PAGE_NUMBER,
    FONT_TITLE,
    HEADING3_STYLE,
    STYLE_NAMES,
    build_template,
    default_template,
    template_path,
)
from reports.models import ReportTemplate, template_for
from reports.rendering import (
    MAX_TEMPLATE_BYTES,
    TemplateProblem,
    render_report,
    sample_context,
    template_placeholders,
    validate_template,
)
from reports.services import report_template_upload

from . import factories as f

COMPARED_PARTS = (
    "word/document.xml",
    "word/styles.xml",
    "word/footer1.xml",
    "word/footer2.xml",
    "word/settings.xml",
    "word/fontTable.xml",
    "word/theme/theme1.xml",
)
FIGURE_KEYS = ("members_total", "enterprises_total", "org_coverage_rate")


def context(kind: str = outline.DUTY, **text) -> dict:
    ctx = sample_context(kind, FIGURE_KEYS, park_name="甲工业园区", year=2023)
    ctx["park"]["code"] = "A"
    ctx["text"].update(text)
    return ctx


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def rendered(kind: str = outline.DUTY, **text) -> docx.document.Document:
    return read(render_report(default_template(kind), context(kind, **text)))


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def docx_with(*paragraphs: str, footer: str = "") -> bytes:
    """A minimal user template: one paragraph per string, optionally a footer."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_with(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# The committed default templates ------------------------------------------------------------


@pytest.mark.parametrize("kind", outline.KINDS)
def test_committed_default_templates_are_what_the_builder_builds(kind):
    committed = docx_parts(template_path(kind).read_bytes())
    built = docx_parts(build_template(kind))
    for part in COMPARED_PARTS:
        assert committed[part] == built[part], f"{kind}: {part} differs; run manage.py build_report_templates"


def test_build_report_templates_command_rewrites_the_files(tmp_path, monkeypatch):
    monkeypatch.setattr("reports.docx_templates.TEMPLATE_DIR", tmp_path)
    call_command("build_report_templates", stdout=io.StringIO())
    assert sorted(path.name for path in tmp_path.iterdir()) == ["duty.docx", "situation.docx"]
    assert (
        docx_parts((tmp_path / "duty.docx").read_bytes())["word/document.xml"]
        == (docx_parts(build_template("duty"))["word/document.xml"])
    )


@pytest.mark.parametrize("kind", outline.KINDS)
def test_default_template_holds_one_paragraph_per_block_in_its_style(kind):
    """One paragraph a block, and the blank line GB/T 9704 leaves between the body and the signature."""
    paragraphs = read(default_template(kind)).paragraphs
    expected = []
    for block in outline.outline(kind):
        if block.style == outline.CLOSING and expected and expected[-1][1] != STYLE_NAMES[outline.CLOSING]:
            expected.append(("", "Normal"))
        expected.append(("{{ text." + block.key + " }}", STYLE_NAMES[block.style]))
    assert [(p.text, p.style.name) for p in paragraphs] == expected
    assert ("", "Normal") in expected


@pytest.mark.parametrize("kind", outline.KINDS)
def test_default_templates_pass_validation_and_use_only_their_text_blocks(kind):
    assert validate_template(default_template(kind), kind, FIGURE_KEYS) == []
    assert template_placeholders(default_template(kind)) == {f"text.{key}" for key in outline.text_keys(kind)}


# Layout of a rendered report (GB/T 9704-2012) -----------------------------------------------


def test_rendered_report_is_a4_with_official_margins():
    section = rendered().sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    for actual, expected in (
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(expected)) < Mm(0.1)


def test_document_grid_gives_22_lines_and_condensed_characters_give_28_a_line():
    """A line grid of 22 lines; no character grid (programs lay that out differently): 28 condensed characters fit."""
    document = rendered()
    section = document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:charSpace")) is None
    line_pitch = int(grid.get(qn("w:linePitch")))
    text_height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
    assert text_height // line_pitch == 22
    assert abs(Pt(line_pitch / 20).pt - 28.95) < 0.05
    text_width_pt = (section.page_width.twips - section.left_margin.twips - section.right_margin.twips) / 20
    for name in ("Normal", STYLE_NAMES[outline.BODY], STYLE_NAMES[outline.HEADING1], STYLE_NAMES[outline.CLOSING]):
        condensed = int(document.styles[name].element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
        advance = 16 + condensed
        assert int(text_width_pt // advance) == 28, name
    title = document.styles[STYLE_NAMES[outline.TITLE]].element.rPr.find(qn("w:spacing"))
    assert title.get(qn("w:val")) == "0"  # the 2号 title keeps its natural width


def test_document_declares_simplified_chinese_and_font_fallbacks():
    document = rendered()
    lang = document.settings.element.find(qn("w:themeFontLang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(qn("w:eastAsia")) == "zh-CN"
    with zipfile.ZipFile(io.BytesIO(render_report(default_template(outline.DUTY), context()))) as package:
        parts = {name: package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".xml")}
    assert not any("ja-JP" in xml for xml in parts.values())
    assert "ＭＳ" not in parts["word/fontTable.xml"]
    assert "eastAsiaTheme" not in parts["word/styles.xml"]
    fonts = docx.oxml.parse_xml(parts["word/fontTable.xml"].encode())
    alternatives = {
        font.get(qn("w:name")): (
            font.find(qn("w:altName")).get(qn("w:val")),
            font.find(qn("w:charset")).get(qn("w:val")),
        )
        for font in fonts.findall(qn("w:font"))
    }
    assert alternatives[FONT_BODY] == ("仿宋", "86")
    assert alternatives[FONT_HEADING2] == ("楷体", "86")
    assert alternatives[FONT_TITLE][1] == "86"
    assert alternatives[FONT_HEADING1][1] == "86"
    assert alternatives[FONT_PAGE_NUMBER][1] == "86"


def test_styles_carry_the_official_fonts_and_sizes():
    styles = rendered().styles
    expected = {
        STYLE_NAMES[outline.TITLE]: (FONT_TITLE, 22, False),
        STYLE_NAMES[outline.BODY]: (FONT_BODY, 16, False),
        STYLE_NAMES[outline.HEADING1]: (FONT_HEADING1, 16, False),
        STYLE_NAMES[outline.HEADING2]: (FONT_HEADING2, 16, False),
        HEADING3_STYLE: (FONT_HEADING3, 16, True),
        STYLE_NAMES[outline.CLOSING]: (FONT_BODY, 16, False),
    }
    assert (FONT_TITLE, FONT_BODY, FONT_HEADING1, FONT_HEADING2) == (
        "方正小标宋简体",
        "仿宋_GB2312",
        "黑体",
        "楷体_GB2312",
    )
    for name, (font, size, bold) in expected.items():
        style = styles[name]
        assert east_asian_font(style) == font, name
        assert style.font.name == "Times New Roman", name  # w:ascii / w:hAnsi
        assert style.font.size == Pt(size), name
        assert bool(style.font.bold) is bold, name
        assert style.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert abs(style.paragraph_format.line_spacing.pt - 28.95) < 0.05
    assert east_asian_font(styles["Normal"]) == FONT_BODY
    assert styles["Normal"].font.size == Pt(16)


def test_title_is_centred_body_indented_two_characters_closing_right_aligned():
    styles = rendered().styles
    assert styles[STYLE_NAMES[outline.TITLE]].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    body = styles[STYLE_NAMES[outline.BODY]]
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert styles[STYLE_NAMES[outline.CLOSING]].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_paragraphs_keep_their_block_styles():
    document = rendered(outline.SITUATION, title="关于甲工业园区党建工作情况报告", date="2024年1月10日")
    styles = {p.text: p.style.name for p in document.paragraphs}
    assert styles["关于甲工业园区党建工作情况报告"] == STYLE_NAMES[outline.TITLE]
    assert styles["2024年1月10日"] == STYLE_NAMES[outline.CLOSING]


def test_page_numbers_sit_at_the_outside_corners_between_em_dashes():
    """GB/T 9704 7.5: "— 1 —" in 4号 宋体, odd pages one character in from the right, even pages from the left."""
    document = rendered()
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment, indent in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right_indent"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left_indent"),
    ):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert xml.count("<w:fldChar") == 3
        assert paragraph.text == "— 1 —"
        assert paragraph.alignment == alignment
        assert getattr(paragraph.paragraph_format, indent) == Pt(16)
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == FONT_PAGE_NUMBER


# Filling in text --------------------------------------------------------------------------


def test_multi_line_text_becomes_paragraphs_of_the_same_style():
    document = rendered(work_1="第一段。\n第二段。\r\n第三段。\n", h_work_1="（一）强化政治引领")
    texts = [p.text for p in document.paragraphs]
    start = texts.index("第一段。")
    paragraphs = document.paragraphs[start : start + 3]
    assert [p.text for p in paragraphs] == ["第一段。", "第二段。", "第三段。"]
    assert {p.style.name for p in paragraphs} == {STYLE_NAMES[outline.BODY]}
    assert document.paragraphs[start - 1].text == "（一）强化政治引领"
    assert document.paragraphs[start + 3].style.name == STYLE_NAMES[outline.HEADING2]


def test_user_text_with_markup_and_template_syntax_appears_literally():
    nasty = "A & B < C > D {{ park.name }} {% if true %}x{% endif %} {_{ y }_} {# c #} 100%"
    ctx = context(intro=nasty)
    ctx["park"]["name"] = "<园区> & {{ year }}"
    ctx["figures"]["members_total"] = "{{ 83 }}"
    template = docx_with("{{ text.intro }}", "{{ park.name }}|{{ figures.members_total }}|{{ year }}")
    document = read(render_report(template, ctx))
    assert [p.text for p in document.paragraphs] == [nasty, "<园区> & {{ year }}|{{ 83 }}|2023"]


def test_control_characters_in_text_are_dropped_not_fatal():
    document = rendered(intro="甲\x07乙\x0c丙\x00丁")
    assert "甲乙丙丁" in [p.text for p in document.paragraphs]


def test_unsafe_attribute_access_is_refused_before_rendering():
    template = docx_with("{{ park.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}")
    with translation.override("zh-hans"), pytest.raises(TemplateProblem) as refused:
        render_report(template, context())
    assert refused.value.messages[0].startswith("正文第1段")
    assert "不能使用以“_”开头的名称" in refused.value.messages[0]
    assert "__subclasses__(…)”调用了函数" in refused.value.messages[1]


def test_render_report_accepts_a_path(tmp_path):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_with("{{ park.code }}-{{ year }}-{{ kind }}"))
    assert read(render_report(path, context())).paragraphs[0].text == "A-2023-duty"


# Placeholders ---------------------------------------------------------------------------


def test_template_placeholders_lists_dotted_names_from_body_and_footer():
    template = docx_with(
        "{{ text.intro }} {{ text['problems'] }}",
        "{% if figures.members_total %}{{ figures.members_total }}{% endif %}",
        "{% for item in figures.enterprises_total %}{{ item }}{{ loop.index }}{% endfor %}",
        "{% set local = 1 %}{{ local }}{{ year }}",
        footer="{{ park.name }}",
    )
    assert template_placeholders(template) == {
        "text.intro",
        "text.problems",
        "figures.members_total",
        "figures.enterprises_total",
        "year",
        "park.name",
    }


# Validation of uploaded templates ------------------------------------------------------------


def test_valid_user_template_passes():
    template = docx_with("{{ park.name }}{{ year }}年", "{{ text.intro }}", "{{ figures.members_total }}")
    assert validate_template(template, outline.DUTY, FIGURE_KEYS) == []


def test_unknown_placeholders_are_named():
    template = docx_with("{{ text.intro }}{{ text.status_1 }}", "{{ figures.nope }}{{ secret }}")
    errors = validate_template(template, outline.DUTY, FIGURE_KEYS)
    assert len(errors) == 1
    for name in ("figures.nope", "secret", "text.status_1"):  # status_1 is a situation block, not a duty one
        assert name in errors[0]
    assert "text.intro" not in errors[0]


def test_syntax_error_is_reported_with_its_paragraph():
    errors = validate_template(docx_with("正文", "出错的段落 {{ text.intro "), outline.DUTY, FIGURE_KEYS)
    assert len(errors) == 1
    assert "出错的段落" in errors[0]


def test_unclosed_block_is_a_syntax_error():
    errors = validate_template(docx_with("{% if year %}未闭合"), outline.DUTY, FIGURE_KEYS)
    assert len(errors) == 1 and "endif" in errors[0]


def test_template_that_fails_to_render_is_refused():
    errors = validate_template(docx_with("{{ park.name.__class__ }}"), outline.DUTY, FIGURE_KEYS)
    assert len(errors) == 1


def test_not_a_docx_is_refused():
    message = _("The file is not a Word document (.docx).")
    assert validate_template(b"%PDF-1.4 not a word file", outline.DUTY, ()) == [message]
    assert validate_template(zip_with({"hello.txt": b"hi"}), outline.DUTY, ()) == [message]


def test_corrupt_docx_is_refused():
    damaged = zip_with({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    assert validate_template(damaged, outline.DUTY, ()) == [_("The file is damaged and cannot be read.")]
    truncated = default_template(outline.DUTY)[:-200]
    assert validate_template(truncated, outline.DUTY, ()) != []


def test_too_large_file_is_refused():
    big = default_template(outline.DUTY) + b"\0" * MAX_TEMPLATE_BYTES
    assert validate_template(big, outline.DUTY, ()) == [_("The template is larger than 5 MB.")]


def test_macro_enabled_document_is_refused():
    parts = docx_parts(default_template(outline.DUTY))
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 macros"
    errors = validate_template(zip_with(parts), outline.DUTY, ())
    assert errors == [_("The document contains macros; save it as a plain Word document (.docx) and upload again.")]


# template_for: nearest uploaded template up the park tree --------------------------------------


@pytest.fixture
def parks(db, media):
    zone = f.ParkFactory(code="A", name="甲工业园区")
    sub = f.ParkFactory(code="A1", name="甲工业园区城西园", parent=zone)
    other = f.ParkFactory(code="B", name="乙工业园区")
    return zone, sub, other


def uploaded(content: bytes, name: str = "模板.docx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_template_for_is_the_default_without_uploads(parks):
    zone, sub, _other = parks
    assert template_for(sub, outline.DUTY) == default_template(outline.DUTY)
    assert template_for(zone, outline.SITUATION) == default_template(outline.SITUATION)


def test_sub_park_uses_its_zones_template_until_it_has_its_own(parks):
    zone, sub, other = parks
    zone_template = docx_with("{{ text.intro }} 园区模板")
    f.ReportTemplateFactory(park=zone, kind=outline.DUTY, file=ContentFile(zone_template, name="zone.docx"))
    assert template_for(sub, outline.DUTY) == zone_template
    assert template_for(zone, outline.DUTY) == zone_template
    assert template_for(other, outline.DUTY) == default_template(outline.DUTY)
    assert template_for(sub, outline.SITUATION) == default_template(outline.SITUATION)
    own = docx_with("{{ text.intro }} 分园模板")
    f.ReportTemplateFactory(park=sub, kind=outline.DUTY, file=ContentFile(own, name="sub.docx"))
    assert template_for(sub, outline.DUTY) == own


def test_inactive_templates_are_ignored(parks):
    zone, sub, _other = parks
    f.ReportTemplateFactory(park=zone, kind=outline.DUTY, is_active=False)
    assert template_for(sub, outline.DUTY) == default_template(outline.DUTY)


# The upload service ------------------------------------------------------------------------


def stored_files(media: Path) -> list[Path]:
    return [path for path in Path(media).rglob("*") if path.is_file()] if Path(media).exists() else []


def test_upload_writes_nothing_when_the_template_is_invalid(parks, media):
    zone, _sub, _other = parks
    staff = f.ParkStaffFactory(park=zone)
    bad = docx_with("{{ figures.nope }}")
    with pytest.raises(ValidationError) as caught:
        report_template_upload(zone, outline.DUTY, uploaded(bad), staff, figure_keys=FIGURE_KEYS)
    assert any("figures.nope" in message for message in caught.value.messages)
    with pytest.raises(ValidationError):
        report_template_upload(zone, outline.DUTY, uploaded(b"not a docx"), staff)
    assert not ReportTemplate.objects.exists()
    assert not ReportTemplate.history.exists()
    assert stored_files(media) == []


def test_upload_saves_the_file_with_history_and_replaces_the_previous(parks, media):
    zone, sub, _other = parks
    staff = f.ParkStaffFactory(park=zone)
    first_bytes = docx_with("{{ text.intro }} 第一版")
    first = report_template_upload(zone, outline.DUTY, uploaded(first_bytes, "述职模板.docx"), staff)
    assert first.is_active and first.uploaded_by == staff and first.original_name == "述职模板.docx"
    assert first.read() == first_bytes
    entry = first.history.get()
    assert entry.history_type == "+" and entry.history_user == staff
    assert template_for(sub, outline.DUTY) == first_bytes

    second_bytes = docx_with("{{ text.intro }} {{ figures.members_total }} 第二版")
    second = report_template_upload(zone, outline.DUTY, uploaded(second_bytes), staff, figure_keys=FIGURE_KEYS)
    first.refresh_from_db()
    assert not first.is_active and first.history.count() == 2
    assert second.is_active
    assert template_for(sub, outline.DUTY) == second_bytes
    assert len(stored_files(media)) == 2  # the replaced file is kept with its record


def test_upload_is_refused_for_read_only_and_out_of_scope_users(parks, media):
    zone, _sub, other = parks
    template = docx_with("{{ text.intro }}")
    with pytest.raises(PermissionDenied):
        report_template_upload(zone, outline.DUTY, uploaded(template), f.CountyReviewerFactory())
    with pytest.raises(PermissionDenied):
        report_template_upload(zone, outline.DUTY, uploaded(template), f.ParkStaffFactory(park=other))
    assert not ReportTemplate.objects.exists()
    assert stored_files(media) == []


def test_upload_reads_no_more_than_the_size_limit(parks, media):
    zone, _sub, _other = parks
    big = uploaded(default_template(outline.DUTY) + b"\0" * MAX_TEMPLATE_BYTES)
    with pytest.raises(ValidationError) as caught:
        report_template_upload(zone, outline.DUTY, big, f.ParkStaffFactory(park=zone))
    assert caught.value.messages == [_("The template is larger than 5 MB.")]


# DOCX → PDF with LibreOffice ------------------------------------------------------------------


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed: PDF conversion not checked"
)
def test_sample_report_converts_to_pdf(tmp_path):
    report = tmp_path / "sample.docx"
    call_command("render_sample_report", "-o", str(report), stdout=io.StringIO())
    subprocess.run(  # noqa: S603
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(report),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "sample.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data)) >= 1


@pytest.mark.parametrize("kind", outline.KINDS)
def test_3hao_characters_are_condensed_to_fit_one_grid_cell(kind):
    """A 3号 character advances at most the grid pitch, so LibreOffice does not give it two cells."""
    document = docx.Document(io.BytesIO(default_template(kind)))
    width_pt = docx_templates.text_area_twips()[0] / 20
    pitch = width_pt / docx_templates.CHARS_PER_LINE
    for name in (docx_templates.STYLE_NAMES[outline.BODY], docx_templates.STYLE_NAMES[outline.HEADING1]):
        rpr = document.styles[name].element.rPr
        spacing = rpr.find(qn("w:spacing"))
        assert spacing is not None, name
        assert 16 + int(spacing.get(qn("w:val"))) / 20 <= pitch, name
