"""Finishing a filled-in report the way an officer would by hand: the title's line breaks, the signature block.

Run on the document right after the template is filled in (in the render
child, :func:`reports.rendering.render_report`). It touches only paragraphs
in the report styles of the built-in templates (``reports.docx_templates``),
so a user's own template with other styles is left as it is.

* **Title.** A 2号 title holds 20 characters a line. A longer one is broken
  deliberately — after the park's name, after the year, before 关于 / 抓基层 /
  党建 / 工作 / 情况 / 述职 … — into lines of similar length (GB/T 9704: 词意完
  整，排列对称), never leaving a word such as 报告 alone on the last line.
* **Signature.** GB/T 9704 7.3.5.1: the date four characters from the
  right, the issuing body centred over the date. The signature's right indent
  is computed from both texts' widths; a signature too long to be centred
  there is set flush right and the date centred under it.
"""

from __future__ import annotations

import itertools
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import docx_templates as layout
from . import outline

#: Characters a 2号 title line holds (the type area's 442.25 pt over 22 pt).
TITLE_CHARS = int(Decimal(layout.text_area_twips()[0]) / 20 / Decimal(layout.SIZE_2.pt))
#: A title line is never shorter than this (in characters), so no word is left alone.
MIN_TITLE_LINE = 4
#: Words a title line may start with: the break falls before them.
BREAK_BEFORE = ("关于", "抓基层", "党建", "基层党建", "工作", "情况", "述职", "报告")
#: Characters a title line may end with: the break falls after them.
BREAK_AFTER = ("年", "度")
_NO_LINE_START = "，。、；：？！）》」』”’"
_NO_LINE_END = "（《「『“‘"


def char_width(char: str) -> Decimal:
    """Width of ``char`` in full-width characters: 1 for Chinese characters and punctuation, ½ for Latin."""
    return Decimal(1) if unicodedata.east_asian_width(char) in ("W", "F", "A") else Decimal("0.5")


def text_width(text: str) -> Decimal:
    return sum((char_width(char) for char in text), Decimal(0))


# --- the title ------------------------------------------------------------------------------------


def _protected(text: str, keep: tuple[str, ...]) -> set[int]:
    """Break positions inside a name that must stay whole, or inside a run of Latin letters and digits."""
    inside: set[int] = set()
    for name in keep:
        if not name:
            continue
        start = text.find(name)
        while start != -1:
            inside.update(range(start + 1, start + len(name)))
            start = text.find(name, start + 1)
    for i in range(1, len(text)):
        if text[i - 1].isascii() and text[i].isascii() and text[i - 1].isalnum() and text[i].isalnum():
            inside.add(i)
    return inside


def _quality(text: str, i: int, keep: tuple[str, ...]) -> int:
    """How meaningful a break before ``text[i]`` is: 3 at the end of the park's name, 2 at a known word, else 0."""
    for name in keep:
        if name and text[:i].endswith(name):
            return 3
    if text[i:].startswith(BREAK_BEFORE) or text[:i].endswith(BREAK_AFTER):
        return 2
    return 0


def split_title(text: str, *, keep: tuple[str, ...] = (), capacity: int = TITLE_CHARS) -> list[str]:
    """The lines a title is set in: one when it fits, else broken at the most meaningful place.

    ``keep`` are names never to be broken (the park's name). Among the breaks
    that let every line fit, the most meaningful wins, then the most even
    lines; a line is never shorter than :data:`MIN_TITLE_LINE` characters. At most three lines.
    """
    text = text.strip()
    if not text or "\n" in text or text_width(text) <= capacity or text_width(text) > 3 * capacity:
        return [text] if text else []  # a title of more than three lines is not a title: left as it is
    inside = _protected(text, keep)
    best: tuple[tuple, list[str]] | None = None
    for i in range(1, len(text)):
        head, tail = text[:i], text[i:]
        if i in inside or tail[0] in _NO_LINE_START or head[-1] in _NO_LINE_END:
            continue
        if min(text_width(head), text_width(tail)) < MIN_TITLE_LINE or text_width(head) > capacity:
            continue
        rest = [tail] if text_width(tail) <= capacity else split_title(tail, keep=keep, capacity=capacity)
        if len(rest) > 2 or any(text_width(line) > capacity for line in rest):
            continue
        lines = [head, *rest]
        widths = [text_width(line) for line in lines]
        score = (len(lines), -_quality(text, i, keep), max(widths) - min(widths))
        if best is None or score < best[0]:
            best = (score, lines)
    return best[1] if best else [text]


def _break_runs(paragraph, offsets: list[int]) -> None:
    """Insert a line break (``w:br``) before each character offset of the paragraph's text."""
    position = 0
    pending = sorted(offsets)
    for run in paragraph.runs:
        texts = run._r.findall(qn("w:t"))
        if len(texts) != 1:  # a run of fields, tabs or breaks: counted, never split
            position += len(run.text)
            continue
        element = texts[0]
        value = element.text or ""
        end = position + len(value)
        cuts = [offset - position for offset in pending if position < offset < end]
        if cuts:
            pieces = [value[a:b] for a, b in zip([0, *cuts], [*cuts, len(value)], strict=True)]
            element.text = pieces[0]
            element.set(qn("xml:space"), "preserve")
            anchor = element
            for piece in pieces[1:]:
                br = OxmlElement("w:br")
                anchor.addnext(br)
                text = OxmlElement("w:t")
                text.set(qn("xml:space"), "preserve")
                text.text = piece
                br.addnext(text)
                anchor = text
        position = end


def fit_title(paragraph, *, keep: tuple[str, ...] = ()) -> list[str]:
    """Break a title paragraph into its lines (see :func:`split_title`); the lines."""
    lines = split_title(paragraph.text, keep=keep)
    if len(lines) > 1 and "".join(lines) == paragraph.text.strip():
        lead = len(paragraph.text) - len(paragraph.text.lstrip())
        offsets = []
        total = lead
        for line in lines[:-1]:
            total += len(line)
            offsets.append(total)
        _break_runs(paragraph, offsets)
    return lines


# --- the signature -------------------------------------------------------------------------------


#: The space Word, WPS and LibreOffice put between Chinese and Latin text or figures: a quarter of 3号.
AUTO_SPACE_PT = Decimal(layout.BODY_SIZE.pt) / 4


def _advance_pt(text: str) -> Decimal:
    """The width of a 3号 line of ``text`` in points: condensed characters and the space around figures."""
    text = text.strip()
    advance = layout.char_advance_pt()
    width = sum((advance if char_width(char) == 1 else advance / 2 for char in text), Decimal(0))
    changes = sum(1 for a, b in itertools.pairwise(text) if (char_width(a) == 1) != (char_width(b) == 1))
    return width + changes * AUTO_SPACE_PT


def _set_right_indent(paragraph, points: Decimal) -> None:
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    twips = int((points * 20).to_integral_value(ROUND_HALF_UP))
    ind.set(qn("w:right"), str(max(twips, 0)))
    # Word reads the indent in characters when the style gives one (characters of the 3号 font size).
    chars = (points / Decimal(layout.BODY_SIZE.pt) * 100).to_integral_value(ROUND_HALF_UP)
    ind.set(qn("w:rightChars"), str(max(int(chars), 0)))


def place_signature(paragraphs) -> None:
    """Centre the issuing body over the date (the last paragraph of the closing style)."""
    closing_name = layout.STYLE_NAMES[outline.CLOSING]
    closing = [p for p in paragraphs if p.style is not None and p.style.name == closing_name]
    if len(closing) < 2:
        return
    date = closing[-1]
    signature = [p for p in closing[:-1] if p.text.strip()]
    if not signature or not date.text.strip():
        return
    date_right = Decimal(4 * layout.BODY_SIZE.pt)  # the style's 右空四字
    date_width = _advance_pt(date.text)
    widest = max(_advance_pt(p.text) for p in signature)
    centre_from_right = date_right + date_width / 2
    if widest / 2 > centre_from_right:  # too long to centre over the date: flush right, the date under it
        _set_right_indent(date, widest / 2 - date_width / 2)
        centre_from_right = widest / 2
    for paragraph in signature:
        _set_right_indent(paragraph, centre_from_right - _advance_pt(paragraph.text) / 2)
    keep_body_with_signature(paragraphs, closing[0])


def keep_body_with_signature(paragraphs, first_closing) -> None:
    """The body's last lines go with the signature to a new page, never the signature alone (GB/T 9704).

    "Keep with next" on the last body paragraph (and any empty one before the signature) keeps its
    last line on the signature's page; widow control brings a second line along.
    """
    index = next((i for i, p in enumerate(paragraphs) if p._p is first_closing._p), None)
    if index is None:
        return
    for paragraph in reversed(paragraphs[:index]):
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.widow_control = True
        if paragraph.text.strip():
            break


def finish(document, *, park_name: str = "") -> None:
    """Break the titles and place the signature of a filled-in report (python-docx ``Document``)."""
    title_name = layout.STYLE_NAMES[outline.TITLE]
    paragraphs = list(document.paragraphs)
    for paragraph in paragraphs:
        if paragraph.style is not None and paragraph.style.name == title_name:
            fit_title(paragraph, keep=(park_name,) if park_name else ())
    place_signature(paragraphs)
