"""Streaming checks of a workbook's shared strings table before python-calamine reads it.

calamine reserves room for as many entries as the table's ``uniqueCount``
declares before it reads one (four billion declared: 96 GB asked for, the
process aborts), then keeps every entry in memory. The checks here bound the
declared and the real number of entries and each entry's length, with the
same two passes as the worksheet scan (:mod:`parkparty.core.xlsx_scan`): a fast
one for tables of plain entries (``<si><t>…</t></si>``), an expat one for
anything else (rich text, phonetic runs, comments, prefixes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import BinaryIO

from .xlsx_scan import (
    MAX_DEPTH,
    PLAIN_ATTRIBUTES,
    Handover,
    Limits,
    ShapeProblem,
    check_prefixes,
    count_in_blocks,
    expat_parser,
    feed_parser,
    pieces,
    tag_attributes,
)

_SHARED_PREFIXED = re.compile(rb":(?:sst|si|t|r|rPh)(?=[\s>/])")
_SHARED_ROOT = re.compile(rb"<(?:[^\s<>/:]*:)?sst(?=[\s>/])")
_ODD_ITEM = re.compile(
    rb"<si(?=[\s>/])(?!>(?:<t(?: xml:space=\"preserve\")?(?:/>|>[^<]*</t>))?"
    rb"(?:<phoneticPr" + PLAIN_ATTRIBUTES + rb"\s*/>)?</si>)"
)


def scan_shared_strings(open_part: Callable[[], BinaryIO], limits: Limits) -> None:
    """Check a shared strings part: the declared and real number of entries, its size, each entry's length."""
    try:
        with open_part() as stream:
            _fast_strings(stream, limits)
    except Handover:
        with open_part() as stream:
            _ExactStrings(limits).run(stream)


def _check_declared(piece: bytes, limits: Limits) -> None:
    """calamine reserves room for ``uniqueCount`` entries before reading one: check every candidate root tag."""
    for root in _SHARED_ROOT.finditer(piece):
        for name, value in tag_attributes(piece, root.end()):
            if name == b"uniqueCount":
                _check_declared_count(value, limits)


def _check_declared_count(value: bytes, limits: Limits) -> None:
    if not value.isdigit():  # ASCII digits only
        raise ShapeProblem("damaged")
    value = value.lstrip(b"0") or b"0"
    if len(value) > 12 or int(value) > limits.strings:
        raise ShapeProblem("strings")


def _fast_strings(stream: BinaryIO, limits: Limits) -> None:
    count = 0
    alarms = [0]
    for piece in pieces(stream, limits.strings_bytes, b"<si>"):
        _check_declared(piece, limits)
        if _ODD_ITEM.search(piece):
            raise Handover
        check_prefixes(piece, _SHARED_PREFIXED, alarms)
        count += count_in_blocks(piece, 0, len(piece), b"<si>")
        if count > limits.strings:
            raise ShapeProblem("strings")


class _ExactStrings:
    """Entries counted and each entry's text measured as calamine reads it (``<t>`` outside ``<rPh>``)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.count = 0
        self.inside = False
        self.text = 0
        self.phonetic = 0
        self.chars = 0
        self.depth = 0

    def run(self, stream: BinaryIO) -> None:
        parser = expat_parser(self.start, self.end, self.characters)
        feed_parser(parser, stream, self.limits.strings_bytes, self.stuck)

    def stuck(self) -> None:
        raise ShapeProblem("cell_text", cell=None) if self.inside else ShapeProblem("damaged")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ShapeProblem("too_big")
        name = name.split(":", 1)[1] if ":" in name else name
        if name == "sst" and "uniqueCount" in attributes:
            _check_declared_count(attributes["uniqueCount"].encode("utf-8"), self.limits)
        elif name == "si":
            self.count += 1
            if self.count > self.limits.strings:
                raise ShapeProblem("strings")
            self.inside = True
            self.text = self.phonetic = self.chars = 0
        elif self.inside and name == "t":
            self.text += 1
        elif self.inside and name == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        self.depth -= 1
        name = name.split(":", 1)[1] if ":" in name else name
        if name == "si":
            self.inside = False
        elif self.inside and name == "t":
            self.text -= 1
        elif self.inside and name == "rPh":
            self.phonetic -= 1

    def characters(self, data: str) -> None:
        if self.text > 0 and not self.phonetic:
            self.chars += len(data)
            if self.chars > self.limits.cell_chars:
                raise ShapeProblem("cell_text", cell=None)
