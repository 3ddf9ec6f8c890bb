"""Streaming checks of a workbook's XML before python-calamine parses it.

python-calamine reads a sheet into one dense grid running from A1 to the
farthest cell, and reserves memory for as many shared strings as the file
*declares*: a 5 KB file naming cell XFD100000, or declaring four billion
shared strings, makes it ask for tens of gigabytes and abort the process.
The scans here read those parts a megabyte at a time (memory stays bounded
whatever the file holds), place cells by calamine's own rules, and stop at
the first thing out of bounds with a :class:`ShapeProblem` saying what and
where. They know nothing of Django; :mod:`parkparty.core.workbook` turns a problem
into the message the user reads.

Each part is read in one of two ways:

* **the fast pass**, for parts as Excel, WPS, LibreOffice and openpyxl write
  them. In a worksheet every cell is ``<c r="B7" …>`` with its reference
  first and within the fast bounds, holding nothing, one ``<v>`` value or one
  plain inline string; every row tag is ``<row r="7" …>``. Regular
  expressions look for the cell and row tags that are *not* like that,
  ``bytes.count`` counts the cells block by block, and a block of
  :data:`BLOCK` bytes without a cell (a long text, or rows without cells)
  hands over. No single cell is looked at from Python.
* **the exact pass**, which the fast pass hands the part over to (from its
  start) as soon as anything is unusual: a tag in another form, a namespace
  prefix, a reference beyond the fast bounds, a formula, rich text, a long
  text. It parses the XML with expat (comments, CDATA, quotes all as XML
  has them), places every cell by calamine's rules (implicit positions
  included), and counts the characters of every cell's text.

What passes the fast pass cannot break a limit: its cells are where their
references say, within the rows and columns allowed and within the cell
bound (rows × columns), and no text runs longer than a cell may hold.
"""

from __future__ import annotations

import contextlib
import re
import xml.parsers.expat
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import BinaryIO

#: Bytes read from a part at a time.
CHUNK = 1 << 20
#: The fast pass hands over when this many bytes pass without a cell: a text of 2 × BLOCK bytes always does.
BLOCK = 8192
#: The exact pass refuses a part where this many bytes pass without an XML event (one enormous tag or text).
MAX_TOKEN_BYTES = 2 * 1024 * 1024
#: Colons the fast pass checks from Python and finds in text, before it hands over to the exact pass.
MAX_FALSE_ALARMS = 10_000
#: Elements open at once in the exact pass (a sheet needs five: worksheet, sheetData, row, c, is/v).
MAX_DEPTH = 100
#: Stands for a row or column number too long to be worth converting.
HUGE = 10**9

_ATTRIBUTE = re.compile(rb"""\s+([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TAG_END = re.compile(rb"\s*(/?)>")
_REFERENCE = re.compile(r"([A-Za-z]*)([0-9]+)")
#: Plain attributes after a reference: names not starting with "r" (a second r= would move the cell), plain values.
PLAIN_ATTRIBUTES = rb"""(?: [a-qs-z][^\s=<>/"']*="[^"<>]*")*"""
_SHEET_PREFIXED = re.compile(rb":(?:c|row|f|dimension|sheetData)(?=[\s>/])")
_CELL_PREFIXED = re.compile(rb":(?:c|row|sheetData)(?=[\s>/])")
_NAME_BREAK = re.compile(rb"[\s<>]")
_AFTER_DATA = re.compile(rb"<(?:c|row)[\s>/]")
_WIDE_ENCODINGS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass(frozen=True)
class Limits:
    """What a workbook may hold; rows and columns are numbers as Excel shows them (row 1, column A = 1)."""

    last_row: int  # the highest row number (the header row and the data rows)
    last_column: int  # the highest column number
    cells: int  # cell tags in the sheet, and rows × columns spanned from A1
    cell_chars: int  # characters of one cell's text
    strings: int  # entries of the shared strings table (declared and real)
    strings_bytes: int  # size of the shared strings part
    part_bytes: int  # the most bytes read from one part


class ShapeProblem(Exception):
    """What is out of bounds: ``kind`` and the details a message names.

    Kinds: ``formula``; ``column`` (``cell``); ``row`` (``row``: a row far beyond
    the limit); ``rows`` (rows beyond the limit, one after another); ``cells``;
    ``cell_text`` (``cell``, or None in the shared strings); ``strings``;
    ``too_big``; ``damaged``.
    """

    def __init__(self, kind: str, **details):
        super().__init__(kind, details)
        self.kind = kind
        self.details = details


class Handover(Exception):
    """The fast pass met something it does not trust: the exact pass reads the part again."""


class _Finished(Exception):
    """The exact pass has read all it needs (the end of the sheet data)."""


# --- references ------------------------------------------------------------------------------


def column_number(letters: str) -> int:
    """``"A"`` → 1, ``"BL"`` → 64 (either case)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> str:
    """1 → ``"A"``, 64 → ``"BL"``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_reference(value: str, *, column: bool) -> tuple[int, int]:
    """Row and column of a reference as calamine reads it: ``"B7"`` → ``(7, 2)``, column 0 when absent.

    Raises ``ShapeProblem("damaged")`` where calamine fails (``"7B"``, ``"A0"``, a cell without a column).
    Numbers too long to matter become :data:`HUGE`.
    """
    match = _REFERENCE.fullmatch(value)
    if match is None:
        raise ShapeProblem("damaged")
    letters, digits = match.groups()
    if column and not letters:
        raise ShapeProblem("damaged")
    digits = digits.lstrip("0")
    if not digits:
        raise ShapeProblem("damaged")
    row = int(digits) if len(digits) < 10 else HUGE
    return row, (column_number(letters) if len(letters) < 7 else HUGE)


def reference_text(row: int, column: int) -> str:
    """``(7, 2)`` → ``"B7"``."""
    return f"{column_letters(column)}{row}" if column < HUGE and row < HUGE else "—"


def tag_attributes(data: bytes, name_end: int) -> list[tuple[bytes, bytes]]:
    """The attributes of the tag whose name ends at ``name_end``, quotes respected.

    Raises ``ShapeProblem("damaged")`` for a tag XML does not allow (a value without quotes, no ``>``).
    """
    attributes = []
    position = name_end
    while match := _ATTRIBUTE.match(data, position):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        attributes.append((match.group(1), value))
        position = match.end()
    if _TAG_END.match(data, position) is None:
        raise ShapeProblem("damaged")
    return attributes


def _check_position(row: int, column: int, limits: Limits) -> None:
    if column > limits.last_column:
        raise ShapeProblem("column", cell=reference_text(row, column))
    _check_row(row, limits)


def _check_row(row: int, limits: Limits) -> None:
    if row > limits.last_row:
        raise ShapeProblem("rows" if row == limits.last_row + 1 else "row", row=row)


def _check_dimension(value: str, limits: Limits) -> None:
    """The declared used range (``A1:P120``) must lie within the limits."""
    corners = [parse_reference(part, column=True) for part in value.split(":")]
    if len(corners) > 2:
        raise ShapeProblem("damaged")
    row = max(corner[0] for corner in corners)
    column = max(corner[1] for corner in corners)
    _check_position(row, column, limits)
    if row * column > limits.cells:
        raise ShapeProblem("cells")


# --- regular expressions of the fast pass ----------------------------------------------------------


def numbers_up_to(limit: int) -> bytes:
    """A regular expression for the decimal numbers 1 … ``limit`` written without leading zeros."""
    if limit < 1:
        return rb"(?!)"
    digits = str(limit)
    alternatives = []
    if len(digits) > 1:
        alternatives.append(rb"[1-9][0-9]{0,%d}" % (len(digits) - 2))
    for index, digit in enumerate(digits):
        low = 1 if index == 0 else 0
        if int(digit) > low:
            rest = len(digits) - index - 1
            alternatives.append(
                digits[:index].encode() + b"[%d-%d]" % (low, int(digit) - 1) + (rb"[0-9]{%d}" % rest if rest else b"")
            )
    alternatives.append(digits.encode())
    return b"|".join(alternatives)


def columns_up_to(limit: int) -> bytes:
    """A regular expression for the column letters A … column ``limit`` (at most ZZ, column 702)."""
    if limit < 1:
        return rb"(?!)"
    limit = min(limit, 702)
    alternatives = [b"[A-%s]" % column_letters(min(limit, 26)).encode()]
    if limit > 26:
        first, second = divmod(limit - 1, 26)  # the last column: letter number ``first``, then ``second + 1``
        if first > 1:
            alternatives.append(b"[A-%s][A-Z]" % column_letters(first - 1).encode())
        alternatives.append(b"%s[A-%s]" % (column_letters(first).encode(), column_letters(second + 1).encode()))
    return b"|".join(alternatives)


@lru_cache(maxsize=8)
def _fast_patterns(last_row: int, fast_columns: int) -> tuple[re.Pattern, re.Pattern]:
    """The cell and row tags *not* in the plain form the fast pass trusts."""
    rows = numbers_up_to(last_row)
    columns = columns_up_to(fast_columns)
    value = rb"<v>[^<]*</v>|<is><t(?: xml:space=\"preserve\")?(?:/>|>[^<]*</t>)</is>"
    odd_cell = re.compile(
        rb'<c(?=[\s>/])(?! r="(?:' + columns + rb")(?:" + rows + rb')"' + PLAIN_ATTRIBUTES
        + rb"(?:/>|>(?:" + value + rb")?</c>))"
    )  # fmt: skip
    odd_row = re.compile(rb'<row(?=[\s>/])(?! r="(?:' + rows + rb')"' + PLAIN_ATTRIBUTES + rb"\s*/?>)")
    return odd_cell, odd_row


# --- reading in chunks -----------------------------------------------------------------------


def pieces(stream: BinaryIO, limit: int, boundary: bytes):
    """The part as pieces cut before the chunk's last ``boundary`` (else its last ``<``): tags are never cut.

    A stretch of more than :data:`MAX_TOKEN_BYTES` without a ``<`` is given
    out whole (the fast pass hands over on it). Raises ``too_big`` past
    ``limit`` bytes and ``damaged`` for a wide encoding (UTF-16/32).
    """
    carry = b""
    read = 0
    while True:
        chunk = stream.read(CHUNK)
        if not read:
            _check_encoding(chunk)
        read += len(chunk)
        if read > limit:
            raise ShapeProblem("too_big")
        window = carry + chunk if carry else chunk
        if not chunk:
            if window:
                yield window
            return
        cut = window.rfind(boundary)
        if cut <= 0:
            cut = max(window.rfind(b"<"), 0)
        carry = window[cut:]
        if len(carry) > MAX_TOKEN_BYTES:
            yield window
            carry = b""
        elif cut:
            yield window[:cut]


def _check_encoding(start: bytes) -> None:
    """calamine reads a UTF-16 part as empty and expat would read it whole: refuse it either way."""
    if start.startswith(_WIDE_ENCODINGS) or b"\x00" in start[:4096]:
        raise ShapeProblem("damaged")


def check_prefixes(
    piece: bytes, pattern: re.Pattern, alarms: list[int], start: int = 0, end: int | None = None
) -> None:
    """Hand over when a tag the fast pass counts carries a namespace prefix (``<x:c …>``).

    ``pattern`` finds ``:c`` and the like; one that follows ``<`` and a name
    is a prefixed tag, one in text is a false alarm (counted in ``alarms``).
    """
    for match in pattern.finditer(piece, start, len(piece) if end is None else end):
        colon = match.start()
        opening = piece.rfind(b"<", max(0, colon - 256), colon)
        if opening < 0 or _NAME_BREAK.search(piece, opening + 1, colon) is None:
            raise Handover
        alarms[0] += 1
        if alarms[0] > MAX_FALSE_ALARMS:
            raise Handover


def count_in_blocks(piece: bytes, start: int, end: int, item: bytes) -> int:
    """How many ``item`` tags start between ``start`` and ``end``; hand over when a full block holds none.

    In a part the fast pass accepts, a text is one run without ``<``: a text
    of 2 × :data:`BLOCK` bytes fills a block alone, so a long text (or a
    stretch without items, such as rows without cells) always hands over.
    """
    count = piece.count
    extra = len(item) - 1  # an item starting in the block and ending after it is counted there
    total = 0
    position = start
    while position < end:
        block_end = min(position + BLOCK, end)
        found = count(item, position, min(block_end + extra, end))
        if not found and block_end - position == BLOCK:
            raise Handover
        total += found
        position = block_end
    return total


# --- the worksheet ---------------------------------------------------------------------------


def scan_sheet(open_part: Callable[[], BinaryIO], limits: Limits) -> None:
    """Check the worksheet ``open_part()`` opens; raise :class:`ShapeProblem` at the first thing out of bounds."""
    try:
        with open_part() as stream:
            _FastSheet(limits).run(stream)
    except Handover:
        with open_part() as stream:
            _ExactSheet(limits).run(stream)


class _FastSheet:
    def __init__(self, limits: Limits):
        self.limits = limits
        # Cells within these columns cannot make rows × columns exceed the cell bound.
        fast_columns = min(limits.last_column, limits.cells // max(limits.last_row, 1))
        self.odd_cell, self.odd_row = _fast_patterns(limits.last_row, fast_columns)
        self.started = False  # the sheet data has begun
        self.ended = False  # the sheet data has ended
        self.cells = 0
        self.alarms = [0]

    def run(self, stream: BinaryIO) -> None:
        for piece in pieces(stream, self.limits.part_bytes, b'<c r="'):
            self.feed(piece)

    def feed(self, piece: bytes) -> None:
        limits = self.limits
        if self.odd_cell.search(piece) or self.odd_row.search(piece):
            raise Handover
        if self.ended:
            # After the sheet data calamine reads nothing (Excel keeps validation formulas there, <xm:f>).
            check_prefixes(piece, _CELL_PREFIXED, self.alarms)
            if _AFTER_DATA.search(piece):
                raise Handover  # cells after the end: one of the two ends is not what it seems
            return
        start = 0
        if not self.started:
            start = piece.find(b"<sheetData")
            if start < 0:
                start = len(piece)
            self._check_head(piece, start)
            self.cells += piece.count(b'<c r="', 0, start)
            self.started = start < len(piece)
        end = piece.find(b"</sheetData", start)
        check_prefixes(piece, _SHEET_PREFIXED, self.alarms, 0, end if end >= 0 else None)
        if end >= 0:
            check_prefixes(piece, _CELL_PREFIXED, self.alarms, end)
        self.cells += count_in_blocks(piece, start, end if end >= 0 else len(piece), b'<c r="')
        if self.cells > limits.cells:
            raise ShapeProblem("cells")
        if end >= 0:
            self.ended = True
            if _AFTER_DATA.search(piece, end):
                raise Handover

    def _check_head(self, piece: bytes, end: int) -> None:
        """The declared used range, before the sheet data."""
        at = piece.find(b"<dimension", 0, end)
        while at >= 0:
            for name, value in tag_attributes(piece, at + len(b"<dimension")):
                if name == b"ref":
                    _check_dimension(value.decode("ascii", "replace"), self.limits)
            at = piece.find(b"<dimension", at + 1, end)


class _ExactSheet:
    """Every cell and row of the sheet data placed by calamine's rules (``xlsx/cells_reader.rs``).

    A row with ``r`` sets the current row; the end of a row moves to the
    next one and back to column A. A cell with ``r`` is there and the next
    cell without ``r`` goes to its right; a cell without ``r`` takes the
    current row and the next column. Names compare without their namespace
    prefix and attributes by their exact name, as calamine compares them.
    """

    def __init__(self, limits: Limits):
        self.limits = limits
        self.inside = False  # within <sheetData>
        self.row = 1  # the row a cell without r goes to
        self.column = 1  # the column a cell without r goes to
        self.rows = 0  # row starts and ends seen
        self.cells = 0
        self.bottom = 0
        self.right = 0
        self.cell: tuple[int, int] | None = None  # the cell being read
        self.text = 0  # depth of <t> and <v> within it
        self.phonetic = 0  # depth of <rPh> (phonetic guides calamine leaves out)
        self.chars = 0  # characters of its text so far
        self.elements = 0
        self.depth = 0

    def run(self, stream: BinaryIO) -> None:
        parser = expat_parser(self.start, self.end, self.characters)
        with contextlib.suppress(_Finished):
            feed_parser(parser, stream, self.limits.part_bytes, self.stuck)

    def stuck(self) -> None:
        if self.cell is not None:
            raise ShapeProblem("cell_text", cell=reference_text(*self.cell))
        raise ShapeProblem("damaged")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        self.depth += 1
        if self.elements > 4 * self.limits.cells + 100_000 or self.depth > MAX_DEPTH:
            raise ShapeProblem("too_big")
        name = name.split(":", 1)[1] if ":" in name else name
        if name == "dimension" and "ref" in attributes:
            _check_dimension(attributes["ref"], self.limits)
        elif name == "sheetData":
            self.inside = True
        elif not self.inside:
            return
        elif name == "c":
            self.place_cell(attributes.get("r"))
        elif name == "row":
            self.rows += 1
            if self.rows > 2 * self.limits.last_row + 2:
                raise ShapeProblem("rows", row=self.limits.last_row + 1)
            if "r" in attributes:
                self.row = parse_reference(attributes["r"], column=False)[0]
                _check_row(self.row, self.limits)
        elif name == "f":
            raise ShapeProblem("formula")
        elif self.cell is not None:
            if name in ("t", "v"):
                self.text += 1
            elif name == "rPh":
                self.phonetic += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        if not self.inside:
            return
        name = name.split(":", 1)[1] if ":" in name else name
        if name == "c":
            self.cell = None
            self.text = self.phonetic = self.chars = 0
        elif name == "row":
            self.rows += 1
            if self.rows > 2 * self.limits.last_row + 2:
                raise ShapeProblem("rows", row=self.limits.last_row + 1)
            self.row += 1
            self.column = 1
        elif name == "sheetData":
            raise _Finished
        elif self.cell is not None:
            if name in ("t", "v"):
                self.text -= 1
            elif name == "rPh":
                self.phonetic -= 1

    def characters(self, data: str) -> None:
        if self.text > 0 and not self.phonetic:
            self.chars += len(data)
            if self.chars > self.limits.cell_chars:
                raise ShapeProblem("cell_text", cell=reference_text(*self.cell))

    def place_cell(self, reference: str | None) -> None:
        limits = self.limits
        if reference is None:
            row, column = self.row, self.column
        else:
            row, column = parse_reference(reference, column=True)
        _check_position(row, column, limits)
        self.column = column + 1
        self.cells += 1
        self.bottom = max(self.bottom, row)
        self.right = max(self.right, column)
        if self.cells > limits.cells or self.bottom * self.right > limits.cells:
            raise ShapeProblem("cells")
        self.cell = (row, column)
        self.text = self.phonetic = self.chars = 0


def expat_parser(start, end, characters) -> xml.parsers.expat.XMLParserType:
    """An expat parser with the handlers, refusing document types (and so entity declarations)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters

    def refuse(*args):
        raise ShapeProblem("damaged")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def feed_parser(parser, stream: BinaryIO, limit: int, stuck: Callable[[], None]) -> None:
    """Give ``stream`` to ``parser`` chunk by chunk; ``stuck()`` when no event came for too many bytes."""
    read = 0
    try:
        while True:
            chunk = stream.read(CHUNK)
            if not read:
                _check_encoding(chunk)
            read += len(chunk)
            if read > limit:
                raise ShapeProblem("too_big")
            parser.Parse(chunk, not chunk)
            if not chunk:
                return
            if read - max(parser.CurrentByteIndex, 0) > MAX_TOKEN_BYTES:
                stuck()
    except xml.parsers.expat.ExpatError:
        raise ShapeProblem("damaged") from None
