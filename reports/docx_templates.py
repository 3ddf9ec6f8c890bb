"""The default DOCX templates of the annual reports, built from the report outline.

Each block of ``reports.outline`` becomes one paragraph of its style holding
``{{ text.<key> }}``; :func:`reports.rendering.render_report` fills them in,
turning every line of a block's text into a paragraph of the same style.

The layout is the official-document layout of GB/T 9704-2012: A4 paper,
margins 37/35/28/26 mm (top/bottom/left/right), 22 lines of 28 characters,
the title in 2号 方正小标宋简体, body text in 3号 仿宋_GB2312 indented by two
characters, headings in 黑体 / 楷体_GB2312 / 仿宋_GB2312 bold, one blank line
before the signature, the date four characters from the right, and page
numbers "— 1 —" in 4号 宋体 at the outside corner (odd pages right, even pages
left, one character in). The built files are committed as
``reports/docx/<kind>.docx`` (``manage.py build_report_templates`` rewrites
them); users download them, edit them in Word and may upload their own.

How 28 characters a line come out the same in Word, WPS and LibreOffice: the
type area is 156 mm (442.25 pt) wide and a 3号 character 16 pt, so only 27
fit. Every 3号 character is condensed by 0.25 pt (``w:spacing w:val="-5"``),
advancing 15.75 pt: 28 fit, in every program, with any square CJK face. The
page has a *line* grid (``w:docGrid w:type="lines"``, 22 lines of 28.95 pt,
the lines set at exactly that pitch) but no *character* grid: a character
grid makes each program lay characters out by its own rules (LibreOffice
gives a character wider than a cell two cells and spreads lines with Latin
text or punctuation to 13–14 characters), and it is not needed once the
characters themselves are 1/28 of the line. Fonts: :mod:`reports.docx_fonts`.
"""

from __future__ import annotations

import io
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips

from . import docx_fonts, outline

#: Where the committed default templates live.
TEMPLATE_DIR = Path(__file__).resolve().parent / "docx"

# --- GB/T 9704-2012 page -----------------------------------------------------------------

PAGE_WIDTH = Mm(210)
PAGE_HEIGHT = Mm(297)
MARGIN_TOP = Mm(37)
MARGIN_BOTTOM = Mm(35)
MARGIN_LEFT = Mm(28)
MARGIN_RIGHT = Mm(26)
HEADER_DISTANCE = Mm(15)
#: The page number sits about 7 mm below the type area: 35 mm margin − 7 mm − one 4号 line.
FOOTER_DISTANCE = Mm(23)
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# --- Typography (Chinese font names are the names Word and WPS know) ---------------------

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING1 = "黑体"
FONT_HEADING2 = "楷体_GB2312"
FONT_HEADING3 = FONT_BODY  # bold
FONT_PAGE_NUMBER = "宋体"
FONT_LATIN = "Times New Roman"

SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
BODY_SIZE = SIZE_3
EM_DASH = "—"

#: Paragraph style names, by outline style; Word shows these names in its style list.
STYLE_NAMES = {
    outline.TITLE: "Report Title",
    outline.HEADING1: "Report Heading 1",
    outline.HEADING2: "Report Heading 2",
    outline.BODY: "Report Body",
    outline.CLOSING: "Report Closing",
}
#: Not used by the built-in outlines, offered to user templates (third-level headings).
HEADING3_STYLE = "Report Heading 3"


def _twips(length) -> int:
    return int(Decimal(Emu(length).twips).to_integral_value(ROUND_HALF_UP))


def text_area_twips() -> tuple[int, int]:
    """Width and height of the type area in twips, from the page size and margins as Word stores them."""
    width = _twips(PAGE_WIDTH) - _twips(MARGIN_LEFT) - _twips(MARGIN_RIGHT)
    height = _twips(PAGE_HEIGHT) - _twips(MARGIN_TOP) - _twips(MARGIN_BOTTOM)
    return width, height


def line_pitch_twips() -> int:
    """The grid's line pitch: the type area's height shared by 22 lines (579 twips ≈ 28.95 pt)."""
    return text_area_twips()[1] // LINES_PER_PAGE


def line_spacing() -> Twips:
    """Fixed line spacing equal to the grid pitch."""
    return Twips(line_pitch_twips())


# --- building ------------------------------------------------------------------------------


def condensed_twentieths(size=BODY_SIZE) -> int:
    """Character spacing (negative: condensed) that makes 28 characters of ``size`` fit a line.

    −5 twentieths of a point (−0.25 pt) for 3号: 28 × 15.75 pt = 441 pt of the 442.25 pt line.
    """
    width = Decimal(text_area_twips()[0]) / 20
    overflow = Decimal(size.pt) - width / CHARS_PER_LINE
    if overflow <= 0:
        return 0
    return -int((overflow * 20).to_integral_value(ROUND_CEILING))


def char_advance_pt(size=BODY_SIZE) -> Decimal:
    """How far one full-width character of ``size`` advances, condensing included (15.75 pt for 3号)."""
    return Decimal(size.pt) + Decimal(condensed_twentieths(size)) / 20


def _set_fonts(rpr, east_asian: str, *, latin: str = FONT_LATIN) -> None:
    """Name the fonts of a run-properties element explicitly (no theme fonts)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


#: Elements that follow ``w:spacing`` in ``w:rPr`` (schema order).
_AFTER_RUN_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:lang")


def _set_char_spacing(rpr, twentieths: int) -> None:
    """Character spacing of a run-properties element, in twentieths of a point (0 written explicitly)."""
    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_AFTER_RUN_SPACING)
    spacing.set(qn("w:val"), str(twentieths))


def _indent_chars(ppr, *, first_line: int = 0, right: int = 0) -> None:
    """Indent in character units (Word's ``…Chars``, hundredths of a character) with a twips fallback."""
    ind = ppr.get_or_add_ind()  # inserted in schema order
    char_twips = _twips(BODY_SIZE)
    if first_line:
        ind.set(qn("w:firstLineChars"), str(first_line * 100))
        ind.set(qn("w:firstLine"), str(first_line * char_twips))
    if right:
        ind.set(qn("w:rightChars"), str(right * 100))
        ind.set(qn("w:right"), str(right * char_twips))


#: Elements that follow ``w:snapToGrid`` in ``w:pPr`` (schema order).
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _no_snap_to_grid(ppr) -> None:
    no_snap = OxmlElement("w:snapToGrid")
    no_snap.set(qn("w:val"), "0")
    ppr.insert_element_before(no_snap, *_AFTER_SNAP_TO_GRID)


def _outline_level(ppr, level: int) -> None:
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    ppr.insert_element_before(element, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _set_doc_defaults(document) -> None:
    """Document defaults: 仿宋 3号 condensed to 28 a line, Simplified Chinese, exact grid line spacing."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    _set_fonts(rpr, FONT_BODY)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(condensed_twentieths()))
    rpr.append(spacing)
    for tag in ("w:sz", "w:szCs"):
        size = OxmlElement(tag)
        size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
        rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), docx_fonts.EAST_ASIAN_LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(line_pitch_twips()))
    spacing.set(qn("w:lineRule"), "exact")
    ppr.append(spacing)

    docx_fonts.drop_theme_font_references(document)
    normal = document.styles["Normal"]
    normal_rpr = normal.element.get_or_add_rPr()
    _set_fonts(normal_rpr, FONT_BODY)
    _set_char_spacing(normal_rpr, condensed_twentieths())
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line_spacing()
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.widow_control = False


def _set_language_and_fonts(document) -> None:
    """zh-CN everywhere a language is declared, the font table with fallbacks, the theme named explicitly."""
    settings = document.settings
    docx_fonts.set_language(settings.element)
    docx_fonts.set_font_table(document)
    docx_fonts.set_theme_fonts(document, latin=FONT_LATIN, major_east_asian=FONT_HEADING1, minor_east_asian=FONT_BODY)


def _add_style(document, name: str, *, font: str, size, bold: bool = False):
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.next_paragraph_style = style
    style.quick_style = True
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, font)
    style.font.size = size
    # 3号 text is condensed to 28 a line; other sizes (the 2号 title) keep their natural width.
    _set_char_spacing(rpr, condensed_twentieths(size) if size == BODY_SIZE else 0)
    style.font.bold = bold
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line_spacing()
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    return style


def _add_styles(document) -> None:
    title = _add_style(document, STYLE_NAMES[outline.TITLE], font=FONT_TITLE, size=SIZE_2)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = line_spacing()  # one blank line under the title
    # Off the line grid: each title line takes exactly one line of the page.
    _no_snap_to_grid(title.element.get_or_add_pPr())
    body = _add_style(document, STYLE_NAMES[outline.BODY], font=FONT_BODY, size=SIZE_3)
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _indent_chars(body.element.get_or_add_pPr(), first_line=2)
    for name, font, bold, level in (
        (STYLE_NAMES[outline.HEADING1], FONT_HEADING1, False, 0),
        (STYLE_NAMES[outline.HEADING2], FONT_HEADING2, False, 1),
        (HEADING3_STYLE, FONT_HEADING3, True, 2),
    ):
        heading = _add_style(document, name, font=font, size=SIZE_3, bold=bold)
        heading.next_paragraph_style = body
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        ppr = heading.element.get_or_add_pPr()
        _indent_chars(ppr, first_line=2)
        _outline_level(ppr, level)
    closing = _add_style(document, STYLE_NAMES[outline.CLOSING], font=FONT_BODY, size=SIZE_3)
    closing.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.paragraph_format.keep_with_next = True  # the signature stays on the page of its date
    # GB/T 9704: the date "右空四字"; the signature is centred over it when the report is filled in
    # (reports.docx_layout).
    _indent_chars(closing.element.get_or_add_pPr(), right=4)


def _set_page(section) -> None:
    section.page_width = PAGE_WIDTH
    section.page_height = PAGE_HEIGHT
    section.top_margin = MARGIN_TOP
    section.bottom_margin = MARGIN_BOTTOM
    section.left_margin = MARGIN_LEFT
    section.right_margin = MARGIN_RIGHT
    section.header_distance = HEADER_DISTANCE
    section.footer_distance = FOOTER_DISTANCE
    section.gutter = 0
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:type"), "lines")  # a line grid only: see the module's docstring
    grid.set(qn("w:linePitch"), str(line_pitch_twips()))


def _page_number_run(paragraph, text: str = "", *, field: str = "") -> None:
    run = paragraph.add_run()
    rpr = run._r.get_or_add_rPr()
    _set_fonts(rpr, FONT_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    _set_char_spacing(rpr, 0)
    run.font.size = SIZE_4
    if text:
        run.add_text(text)
        return
    fld_begin = OxmlElement("w:fldChar")
    fld_begin.set(qn("w:fldCharType"), field)
    run._r.append(fld_begin)


#: GB/T 9704 7.5: the page number one character in from the outside edge of the type area.
PAGE_NUMBER_INDENT = Twips(_twips(BODY_SIZE))


def _page_number(footer, *, odd: bool) -> None:
    """ "— N —" with N a PAGE field in 4号 宋体: odd pages at the right, even pages at the left."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = PAGE_NUMBER_INDENT
    else:
        fmt.left_indent = PAGE_NUMBER_INDENT
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _no_snap_to_grid(paragraph._p.get_or_add_pPr())
    _page_number_run(paragraph, EM_DASH + " ")
    _page_number_run(paragraph, field="begin")
    instruction = paragraph.add_run()
    rpr = instruction._r.get_or_add_rPr()
    _set_fonts(rpr, FONT_PAGE_NUMBER, latin=FONT_PAGE_NUMBER)
    _set_char_spacing(rpr, 0)
    instruction.font.size = SIZE_4
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instruction._r.append(instr)
    _page_number_run(paragraph, field="separate")
    _page_number_run(paragraph, "1")
    _page_number_run(paragraph, field="end")
    _page_number_run(paragraph, " " + EM_DASH)


def _add_page_numbers(document, section) -> None:
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


def placeholder(key: str) -> str:
    """The template text standing for block ``key``."""
    return "{{ text." + key + " }}"


def build_document(kind: str):
    """The default template of ``kind`` as a python-docx Document."""
    document = Document()
    document.core_properties.title = ""
    document.core_properties.author = "ParkParty"
    document.core_properties.last_modified_by = "ParkParty"
    document.core_properties.comments = ""
    _set_doc_defaults(document)
    _set_language_and_fonts(document)
    _add_styles(document)
    section = document.sections[0]
    _set_page(section)
    _add_page_numbers(document, section)
    previous = None
    for block in outline.outline(kind):
        if block.style == outline.CLOSING and previous not in (None, outline.CLOSING):
            document.add_paragraph("", style="Normal")  # GB/T 9704: one blank line before the signature
        document.add_paragraph(placeholder(block.key), style=STYLE_NAMES[block.style])
        previous = block.style
    return document


def build_template(kind: str) -> bytes:
    """The default template of ``kind`` as DOCX bytes."""
    buffer = io.BytesIO()
    build_document(kind).save(buffer)
    return buffer.getvalue()


def template_path(kind: str) -> Path:
    if kind not in outline.KINDS:
        raise KeyError(kind)
    return TEMPLATE_DIR / f"{kind}.docx"


def default_template(kind: str) -> bytes:
    """The committed default template of ``kind``."""
    return template_path(kind).read_bytes()


def write_templates() -> list[Path]:
    """(Re)write the committed default templates; return their paths."""
    TEMPLATE_DIR.mkdir(exist_ok=True)
    paths = []
    for kind in outline.KINDS:
        path = template_path(kind)
        path.write_bytes(build_template(kind))
        paths.append(path)
    return paths
