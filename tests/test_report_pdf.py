"""The reports as they print: the PDF LibreOffice makes of the demo zone's 2023 reports, read back.

Both reports of the demo zone (the session's demo county) are generated once for the module (DOCX, then
PDF by LibreOffice, then page pictures) and read back with poppler's
``pdftotext -bbox-layout`` (each line with its place on the page): 22 lines a
page at the grid's pitch, 28 characters in every full line, page numbers
"— N —" at the outside corners, the title broken after the park's name, the
signature centred over the date. The downloads' names and who may fetch
them, and what happens without LibreOffice, follow.

Without LibreOffice or poppler these tests are skipped, unless
``PARKPARTY_REQUIRE_PDF=1`` (set by ``.ci/run``), in which case they fail.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote
from xml.etree import ElementTree

import docx
import pytest
from django.test import override_settings
from django.urls import reverse

from organizations.models import Park
from parkparty.core.models import User
from reports import docx_templates, outline
from reports.annual import load_report, official_date, report_draft_save, report_generate
from reports.docx_layout import split_title, text_width
from reports.docx_templates import STYLE_NAMES
from reports.models import GeneratedReport
from reports.pdf import PdfProblem, docx_to_pdf, soffice_path
from tests.flushing import rolled_back

from . import factories as f

YEAR = 2023
CHOSEN_DATE = datetime.date(2024, 1, 5)
XHTML = "{http://www.w3.org/1999/xhtml}"
PT_PER_MM = 72 / 25.4
PAGE_WIDTH = 210 * PT_PER_MM
TOP = 37 * PT_PER_MM
BOTTOM = (297 - 35) * PT_PER_MM
LEFT = 28 * PT_PER_MM
RIGHT = (210 - 26) * PT_PER_MM
PITCH = docx_templates.line_pitch_twips() / 20
CHAR = float(docx_templates.char_advance_pt())
#: Punctuation that may hang past the line's end (Word's and LibreOffice's "hanging punctuation").
HANGING = "，。、；：？！”’）》"
OPENING = "“‘（《"

REQUIRED = os.environ.get("PARKPARTY_REQUIRE_PDF") == "1"
HAVE_TOOLS = soffice_path() is not None and shutil.which("pdftotext") is not None
pytestmark = pytest.mark.skipif(
    not HAVE_TOOLS and not REQUIRED,
    reason="LibreOffice or poppler-utils not installed: PDF tests skipped (apt-get install libreoffice-writer "
    "poppler-utils)",
)


@dataclass
class Line:
    page: int
    top: float
    left: float
    right: float
    text: str

    @property
    def row(self) -> int:
        """The line of the page's grid it sits on, from 0."""
        return int((self.top - TOP) // PITCH)

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def pdf_lines(pdf: bytes) -> list[list[Line]]:
    """Every page's lines (words joined, the spaces pdftotext puts between them dropped), top to bottom."""
    result = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    root = ElementTree.fromstring(result.stdout)  # noqa: S314 — our own PDF read back by poppler
    pages = []
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = [
            Line(
                number,
                float(line.get("yMin")),
                float(line.get("xMin")),
                float(line.get("xMax")),
                "".join(word.text or "" for word in line.iter(f"{XHTML}word")),
            )
            for line in page.iter(f"{XHTML}line")
        ]
        pages.append(sorted(lines, key=lambda line: (line.top, line.left)))
    return pages


def body_lines(pages: list[list[Line]]) -> list[list[Line]]:
    return [[line for line in page if line.top < BOTTOM] for page in pages]


def footer_lines(pages: list[list[Line]]) -> list[list[Line]]:
    return [[line for line in page if line.top >= BOTTOM] for page in pages]


def is_chinese(text: str) -> bool:
    return all(unicodedata.east_asian_width(char) in ("W", "F", "A") for char in text)


def paragraphs_of(data: bytes) -> list[tuple[str, str]]:
    """The DOCX's non-empty paragraphs: (text without spaces and line breaks, style name)."""
    document = docx.Document(io.BytesIO(data))
    return [(p.text.replace(" ", "").replace("\n", ""), p.style.name) for p in document.paragraphs if p.text.strip()]


def lines_by_paragraph(pages, paragraphs) -> list[tuple[str, list[Line]]]:
    """The PDF's lines grouped by the DOCX paragraph they set, in order (style name, lines)."""
    lines = [line for page in body_lines(pages) for line in page]
    grouped = []
    index = 0
    for text, style in paragraphs:
        taken, joined = [], ""
        while joined != text:
            assert index < len(lines), f"the PDF ends inside “{text}”"
            joined += lines[index].text
            taken.append(lines[index])
            index += 1
            assert text.startswith(joined), f"line “{lines[index - 1].text}” is not part of “{text}”"
        grouped.append((style, taken))
    assert index == len(lines), "the PDF has lines the document does not"
    return grouped


# The demo zone's reports, generated once ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo, tmp_path_factory):
    """The session's demo county, with reports made as PDF too and kept in the module's own media folder."""
    media = tmp_path_factory.mktemp("pdf-media")
    with override_settings(MEDIA_ROOT=media, REPORT_PDF_ENABLED=True):
        yield demo


@pytest.fixture(scope="module")
def generated(demo, django_db_blocker) -> dict[str, GeneratedReport]:
    """Both 2023 reports of the demo zone generated by park staff, the duty report dated 5 January 2024.

    Rolled back when the module ends: the session's demo stays as loaded.
    """
    if REQUIRED and not HAVE_TOOLS:
        pytest.fail("LibreOffice and poppler-utils are required (PARKPARTY_REQUIRE_PDF=1) but were not found")
    with rolled_back(django_db_blocker):
        zone = Park.objects.get(code="DEMO")
        staff = User.objects.get(username="demo-staff")
        report_draft_save(
            load_report(zone, YEAR, outline.DUTY), {}, user=staff, expected_version=0, signed_on=CHOSEN_DATE
        )
        reports = {kind: report_generate(load_report(zone, YEAR, kind), user=staff) for kind in outline.KINDS}
        for kind, report in reports.items():
            assert report.pdf, f"{kind}: {report.pdf_problem}"
        yield reports


@pytest.fixture(scope="module")
def read_back(generated) -> dict[str, tuple[list[list[Line]], list[tuple[str, str]]]]:
    result = {}
    for kind, report in generated.items():
        with report.pdf.open("rb") as pdf, report.file.open("rb") as document:
            result[kind] = (pdf_lines(pdf.read()), paragraphs_of(document.read()))
    return result


# Lines and pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", outline.KINDS)
def test_every_page_holds_22_lines_at_the_grids_pitch(read_back, kind):
    pages, paragraphs = read_back[kind]
    headings = {text for text, style in paragraphs if style.startswith("Report Heading")}
    closing = {text for text, style in paragraphs if style == STYLE_NAMES[outline.CLOSING]}
    assert len(pages) >= 2
    for number, lines in enumerate(body_lines(pages), start=1):
        rows = [line.row for line in lines]
        assert rows == sorted(set(rows)), f"page {number}: two lines on one row"
        assert max(rows) <= 21, f"page {number} holds more than 22 lines"
        for line in lines:  # every line sits on the grid: a whole number of pitches from the page's top
            offset = (line.top - TOP) / PITCH - line.row
            assert 0 < offset < 0.5, f"page {number}: “{line.text}” is off the line grid"
        if number < len(pages):
            next_first = body_lines(pages)[number][0].text
            # A page is full (22 lines) unless a heading moved on to stay with its text, or the signature
            # with its date (and the blank line before them) moved on to stay together.
            # The page before the last may end early: the body's last paragraph goes on with the signature.
            moved_on = next_first in headings or next_first in closing or number == len(pages) - 1
            assert max(rows) == 21 or moved_on, f"page {number} ends after {max(rows) + 1} lines"


@pytest.mark.parametrize("kind", outline.KINDS)
def test_full_lines_hold_28_characters(read_back, kind):
    """No line spread to 13–14 characters: every line but a paragraph's last is full, Chinese lines hold 28."""
    pages, paragraphs = read_back[kind]
    checked = 0
    for style, lines in lines_by_paragraph(pages, paragraphs):
        if style not in (STYLE_NAMES[outline.BODY], STYLE_NAMES[outline.HEADING1], STYLE_NAMES[outline.HEADING2]):
            continue
        for position, line in enumerate(lines[:-1]):
            indent = 2 if position == 0 else 0  # 首行缩进二字
            text, hanging = line.text, 0  # punctuation never hangs past the margin (reports/pdf.py)
            assert line.right <= RIGHT + 1, f"“{line.text}” runs past the right margin"
            assert line.right >= RIGHT - CHAR / 2, f"“{line.text}” does not reach the right margin"
            following = lines[position + 1].text
            # Without hanging punctuation a line may not begin with a closing mark nor end with an opening
            # one: the character before a 。 or ， moves down with it, an opening “ or （ moves down too.
            pushed = (len(following) > 1 and following[1] in HANGING) or following[:1] in OPENING
            if is_chinese(text):
                wanted = {28 - indent, 28 - indent + 1} | ({27 - indent, 26 - indent} if pushed else set())
                assert len(text) + hanging in wanted, f"{len(text)}: “{line.text}”"
                assert len(text) >= 28 - indent - 1 - 2 * pushed
            else:  # figures and Latin letters are half a character, with a little space around them
                # Around figures a little space is added; without hanging punctuation, half a character less.
                assert text_width(line.text) >= Decimal("25.5") - indent - pushed, (
                    f"{text_width(line.text)}: “{line.text}”"
                )
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("kind", outline.KINDS)
def test_page_numbers_alternate_between_the_outside_corners(read_back, kind):
    pages, _ = read_back[kind]
    for number, lines in enumerate(footer_lines(pages), start=1):
        assert len(lines) == 1, f"page {number}: {[line.text for line in lines]}"
        footer = lines[0]
        assert footer.text == f"—{number}—"
        if number % 2:  # odd pages: at the right, one character in
            assert footer.left > PAGE_WIDTH / 2
            assert RIGHT - 20 < footer.right < RIGHT - 12
        else:
            assert footer.right < PAGE_WIDTH / 2
            assert LEFT + 12 < footer.left < LEFT + 20


def test_the_duty_title_breaks_after_the_parks_name(read_back):
    pages, _ = read_back[outline.DUTY]
    title = [line.text for line in pages[0] if line.row < 2]
    assert title == ["2023年示范县工业园区", "抓基层党建工作述职报告"]
    first_body = next(line for line in body_lines(pages)[0] if line.row >= 2)
    assert first_body.row == 3  # one blank line under the title


def test_the_situation_title_fits_one_line(read_back):
    pages, _ = read_back[outline.SITUATION]
    assert [line.text for line in pages[0] if line.row < 2] == ["关于示范县工业园区党建工作情况报告"]


@pytest.mark.parametrize(
    ("title", "park", "lines"),
    [
        ("关于示范县工业园区党建工作情况报告", "示范县工业园区", ["关于示范县工业园区党建工作情况报告"]),
        (
            "2023年示范县工业园区抓基层党建工作述职报告",
            "示范县工业园区",
            ["2023年示范县工业园区", "抓基层党建工作述职报告"],
        ),
        (
            "关于某某省某某市某某县经济技术开发区党建工作情况报告",
            "某某省某某市某某县经济技术开发区",
            ["关于某某省某某市某某县经济技术开发区", "党建工作情况报告"],
        ),
        ("2024年高新技术产业园区抓基层党建工作述职报告", "", ["2024年高新技术产业园区", "抓基层党建工作述职报告"]),
    ],
)
def test_titles_break_at_a_meaningful_place(title, park, lines):
    assert split_title(title, keep=(park,)) == lines


def test_a_long_title_never_leaves_a_word_alone_on_its_last_line():
    for name in ("一二三四五六七八九十一二三园区", "甲" * 17, "示范县工业园区"):
        title = f"2023年{name}抓基层党建工作述职报告"
        lines = split_title(title, keep=(name,))
        assert "".join(lines) == title
        assert all(text_width(line) <= 20 for line in lines)
        assert min(text_width(line) for line in lines) >= 4, lines


# The signature block ----------------------------------------------------------------------------


def test_signature_after_one_blank_line_centred_over_the_chosen_date(read_back):
    pages, _ = read_back[outline.DUTY]
    last = body_lines(pages)[-1]
    date, signature, body_end = last[-1], last[-2], last[-3]
    assert date.text == "2024年1月5日"  # GB/T 9704: Arabic numerals, no leading zeros
    assert signature.text == "中共示范县工业园区工作委员会"
    assert signature.row == body_end.row + 2  # one blank line after the body
    assert date.row == signature.row + 1
    assert abs(signature.centre - date.centre) < 2, "the issuing body is centred over the date"
    assert abs(date.right - (RIGHT - 4 * 16)) < 3, "the date is four characters from the right"


def test_without_a_chosen_date_the_report_is_dated_the_day_it_was_generated(generated, read_back):
    pages, _ = read_back[outline.SITUATION]
    day = generated[outline.SITUATION].signed_on
    assert body_lines(pages)[-1][-1].text == official_date(day)


# Downloads ---------------------------------------------------------------------------------------


def test_pdf_and_word_downloads_are_named_as_officers_file_them(client, generated, db):
    client.force_login(User.objects.get(username="demo-county"))
    duty = generated[outline.DUTY]
    for url, name, content_type in (
        (reverse("annual:download_pdf", args=[duty.pk]), "2023年示范县工业园区抓基层党建工作述职报告.pdf", "pdf"),
        (reverse("annual:download", args=[duty.pk]), "2023年示范县工业园区抓基层党建工作述职报告.docx", "word"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert content_type in response["Content-Type"]
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="2023-DEMO-duty.')
        assert f"filename*=UTF-8''{quote(name)}" in disposition
    pdf = b"".join(client.get(reverse("annual:download_pdf", args=[duty.pk])).streaming_content)
    assert pdf.startswith(b"%PDF")
    situation = generated[outline.SITUATION]
    response = client.get(reverse("annual:download_pdf", args=[situation.pk]))
    assert quote("2023年示范县工业园区党建工作情况报告.pdf") in response["Content-Disposition"]


def test_county_reviewers_read_the_pdf_and_its_pages_secretaries_and_other_parks_get_404(client, generated, db):
    duty = generated[outline.DUTY]
    urls = [
        reverse("annual:download_pdf", args=[duty.pk]),
        reverse("annual:pdf_page", args=[duty.pk, 1]),
        reverse("annual:download", args=[duty.pk]),
    ]
    client.force_login(User.objects.get(username="demo-county"))
    for url in urls:
        assert client.get(url).status_code == 200, url
    page = b"".join(client.get(urls[1]).streaming_content)
    assert page.startswith(b"\x89PNG")
    assert client.get(reverse("annual:pdf_page", args=[duty.pk, len(duty.previews) + 1])).status_code == 404
    client.force_login(User.objects.get(username="demo-secretary"))
    for url in urls:
        assert client.get(url).status_code == 404, url
    other = f.ParkFactory(code="ELSE", name="别的园区")
    client.force_login(f.ParkStaffFactory(park=other))
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_the_editor_shows_the_pdf_page_by_page(client, generated, db):
    duty = generated[outline.DUTY]
    assert len(duty.previews) >= 2
    client.force_login(User.objects.get(username="demo-county"))
    page = client.get(reverse("annual:editor", args=["DEMO", YEAR, outline.DUTY])).content.decode()
    for number in range(1, len(duty.previews) + 1):
        assert reverse("annual:pdf_page", args=[duty.pk, number]) in page
    assert 'alt="第1页"' in page
    assert reverse("annual:download_pdf", args=[duty.pk]) in page


# Without LibreOffice -------------------------------------------------------------------------------


def test_without_libreoffice_the_word_document_is_generated_and_the_editor_says_why(client, demo, db, tmp_path):
    client.force_login(User.objects.get(username="demo-staff"))
    url = reverse("annual:editor", args=["DEMO", YEAR, outline.SITUATION])
    report = load_report(Park.objects.get(code="DEMO"), YEAR, outline.SITUATION)
    data = {f"text_{key}": text for key, text in report.texts.items()}
    data.update({"version": report.saved.version if report.saved else 0, "action": "generate"})
    with override_settings(REPORT_SOFFICE=str(tmp_path / "no-such-soffice"), REPORT_PDF_ENABLED=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    latest = GeneratedReport.objects.filter(park__code="DEMO", kind=outline.SITUATION).first()
    assert latest.file and not latest.pdf and latest.previews == []
    assert "LibreOffice" in latest.pdf_problem
    page = response.content.decode()
    assert "已生成 Word 文档，但未能生成 PDF" in page and "LibreOffice" in page


def test_a_conversion_that_hangs_is_stopped_with_a_message(tmp_path, settings):
    script = tmp_path / "soffice"
    marker = tmp_path / "still-running"
    script.write_text(f"#!/bin/sh\nsleep 30 && touch {marker}\n")
    script.chmod(0o755)
    settings.REPORT_SOFFICE = str(script)
    with pytest.raises(PdfProblem, match="1 秒"):
        docx_to_pdf(b"PK", timeout=1)
    assert not marker.exists()
    left = subprocess.run(["pgrep", "-f", str(script)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    assert left.stdout.strip() == "", "the whole process group is killed"
