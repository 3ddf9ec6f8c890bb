"""Reading uploaded Excel workbooks safely.

:func:`read_rows` checks a file before anything parses it (size, that it is
a zip and an xlsx, zip-bomb ratios from the zip directory, encryption), then
streams the first sheet and the shared strings (:mod:`parkparty.core.xlsx_scan`:
formulas, the declared and real extent, the number of cells, each cell's
length, the size of the strings table) and only then reads the first sheet
by position with python-calamine. Every problem is a :class:`WorkbookError`
whose text is the one message the user sees, the same in the browser and on
the command line.
"""

from __future__ import annotations

import datetime
import io
import os
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable

from django.utils.translation import gettext as _

from parkparty.core import xlsx_scan, xlsx_strings

#: Largest accepted upload, in bytes.
MAX_FILE_SIZE = 20 * 1024 * 1024
#: Most data rows (below the header row) a sheet may hold.
MAX_ROWS = 100_000
#: Most columns a sheet may use (A … BL). The templates have 16 and 14 columns and more are ignored
#: with a warning, so staff may keep a few of their own; four times the template leaves room for that
#: while keeping calamine's grid (rows × columns) small.
MAX_COLUMNS = 64
#: Most cells of the first sheet: cell tags, and rows × columns counted from A1 (calamine builds that
#: grid, about 32 bytes a cell). 100 001 rows of 32 columns; the templates need 16 or 14.
MAX_CELLS = 3_200_000
#: Most characters in one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Shared strings table: most entries (declared or real) and bytes. 100 000 rows rarely hold more
#: than a million distinct texts; calamine reserves room for every declared one.
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
#: Zip directory limits, checked before any member is decompressed.
MAX_UNCOMPRESSED_TOTAL = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 200
#: Members smaller than this are never treated as bombs, whatever their ratio.
RATIO_FLOOR = 2 * 1024 * 1024
MAX_MEMBERS = 5_000

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class WorkbookError(Exception):
    """A file that cannot be imported; ``str()`` is the message for the user."""


def _open_bytes(source) -> bytes:
    """The file's bytes, refusing anything over :data:`MAX_FILE_SIZE` before reading it all."""
    if hasattr(source, "read"):
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(MAX_FILE_SIZE + 1)
    else:
        try:
            if os.path.getsize(source) > MAX_FILE_SIZE:
                raise _too_big()
            with open(source, "rb") as handle:
                data = handle.read(MAX_FILE_SIZE + 1)
        except OSError:
            raise WorkbookError(_("The file could not be read.")) from None
    if len(data) > MAX_FILE_SIZE:
        raise _too_big()
    return data


def _too_big() -> WorkbookError:
    return WorkbookError(
        _("The file is larger than %(size)d MB. Split it into smaller workbooks and import them one by one.")
        % {"size": MAX_FILE_SIZE // (1024 * 1024)}
    )


def _not_xlsx() -> WorkbookError:
    return WorkbookError(
        _(
            "This is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it as "
            "“Excel Workbook (*.xlsx)” and upload it again."
        )
    )


def _corrupt() -> WorkbookError:
    return WorkbookError(
        _("The workbook is damaged and cannot be read. Open it in Excel or WPS, save it again and re-upload it.")
    )


def _check_zip(data: bytes) -> zipfile.ZipFile:
    """Open the zip directory and refuse bombs using the sizes it declares."""
    if data.startswith(CFB_MAGIC):
        raise WorkbookError(
            _(
                "The workbook is password-protected or in the old .xls format. Remove the password, save it as "
                "“Excel Workbook (*.xlsx)” and upload it again."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise _not_xlsx()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _corrupt() from None
    bomb = WorkbookError(
        _("The workbook unpacks to far more data than it should (a “zip bomb”); it was refused for safety.")
    )
    if len(infos) > MAX_MEMBERS:
        raise bomb
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_MEMBER_RATIO * max(info.compress_size, 1):
            raise bomb
    if total > MAX_UNCOMPRESSED_TOTAL:
        raise bomb
    names = {info.filename for info in infos}
    if len({name.lower() for name in names}) != len(infos):
        raise _corrupt()  # two parts of one name: which one a reader takes is anyone's guess
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise WorkbookError(_("The workbook is password-protected. Remove the password and upload it again."))
    if "xl/workbook.xml" not in names:
        raise _not_xlsx()
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise WorkbookError(_("The workbook unpacks to far more data than it should; it was refused for safety."))
    return data


def _member(archive: zipfile.ZipFile, path: str) -> str | None:
    """The zip member calamine opens for ``path``: names compare without case (no two differ only by case)."""
    wanted = path.lower()
    return next((name for name in archive.namelist() if name.lower() == wanted), None)


def _elements(data: bytes, wanted: str) -> list[dict[str, str]]:
    """The attributes of every element named ``wanted`` (any namespace prefix), parsed as XML is parsed."""
    found = []

    def start(name, attributes):
        if (name.split(":", 1)[1] if ":" in name else name) == wanted:
            found.append(attributes)

    def refuse(*args):
        raise _corrupt()

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        raise _corrupt() from None
    return found


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The zip member of the first sheet in xl/workbook.xml, found as calamine finds it; None when unclear.

    The first ``sheet`` element names its relationship by ``r:id``; the
    relationship with that Id in xl/_rels/workbook.xml.rels gives the target
    (``/xl/…`` and ``xl/…`` as they are, anything else under ``xl/``). A sheet
    naming two relationships, two relationships with its Id, or relationships
    written with entities are not guessed at.
    """
    book_name = _member(archive, "xl/workbook.xml")
    rels_name = _member(archive, "xl/_rels/workbook.xml.rels")
    if book_name is None or rels_name is None:
        return None
    sheets = _elements(_read_member(archive, book_name, 10 * 1024 * 1024), "sheet")
    rels = _read_member(archive, rels_name, 10 * 1024 * 1024)
    if not sheets or b"&" in rels:
        return None
    ids = {sheets[0][key] for key in ("r:id", "relationships:id") if key in sheets[0]}
    if len(ids) != 1:
        return None
    targets = [relation.get("Target", "") for relation in _elements(rels, "Relationship") if relation.get("Id") in ids]
    if len(targets) != 1:
        return None
    target = targets[0]
    if target.startswith("/xl/"):
        target = target[1:]
    elif not target.startswith("xl/"):
        target = f"xl/{target}"
    return _member(archive, target)


def limits() -> xlsx_scan.Limits:
    """The bounds of an import workbook (read when called, so tests may lower them)."""
    return xlsx_scan.Limits(
        last_row=MAX_ROWS + 1,
        last_column=MAX_COLUMNS,
        cells=MAX_CELLS,
        cell_chars=MAX_CELL_CHARS,
        strings=MAX_SHARED_STRINGS,
        strings_bytes=MAX_SHARED_STRINGS_BYTES,
        part_bytes=MAX_UNCOMPRESSED_TOTAL,
    )


def _check_sheet(archive: zipfile.ZipFile) -> None:
    """Stream the first sheet and the shared strings before calamine reads them; refuse what is out of bounds."""
    bounds = limits()
    path = _first_sheet_path(archive)
    if path is None:
        raise _corrupt()
    try:
        xlsx_scan.scan_sheet(lambda: archive.open(path), bounds)
        for info in archive.infolist():
            if info.filename.lower().endswith("sharedstrings.xml"):
                if info.file_size > bounds.strings_bytes:
                    raise xlsx_scan.ShapeProblem("strings")
                xlsx_strings.scan_shared_strings(lambda info=info: archive.open(info), bounds)
    except xlsx_scan.ShapeProblem as problem:
        raise _problem_error(problem) from None


def _problem_error(problem: xlsx_scan.ShapeProblem) -> WorkbookError:
    """The user's message for what the scan found."""
    details = problem.details
    last_column = xlsx_scan.column_letters(MAX_COLUMNS)
    if problem.kind == "formula":
        return WorkbookError(
            _(
                "The first sheet contains formulas. Copy the data and paste it back as values only "
                "(Paste Special → Values), then upload the workbook again."
            )
        )
    if problem.kind == "column":
        return WorkbookError(
            _(
                "The first sheet uses cell %(cell)s, beyond column %(last)s: an import sheet may use at most "
                "%(columns)d columns. Delete the columns to the right of your data, even empty or formatted ones "
                "(Ctrl+End in Excel jumps to the last cell), and upload the workbook again."
            )
            % {"cell": details["cell"], "last": last_column, "columns": MAX_COLUMNS}
        )
    if problem.kind == "rows":
        return _too_many_rows()
    if problem.kind == "row":
        return WorkbookError(
            _(
                "The first sheet reaches row %(row)s, far beyond the %(rows)s rows an import may hold. Delete the "
                "rows below your data, even empty or formatted ones (Ctrl+End in Excel jumps to the last cell), "
                "and upload the workbook again."
            )
            % {"row": f"{details['row']:,}" if details["row"] < xlsx_scan.HUGE else "—", "rows": f"{MAX_ROWS:,}"}
        )
    if problem.kind == "cells":
        return WorkbookError(
            _(
                "The first sheet spans more than %(cells)s cells (rows × columns from A1). Delete the rows and "
                "columns you do not need, or split the data into smaller workbooks."
            )
            % {"cells": f"{MAX_CELLS:,}"}
        )
    if problem.kind == "cell_text":
        if details.get("cell"):
            return WorkbookError(
                _(
                    "Cell %(cell)s holds more text than Excel allows in one cell (%(chars)s characters). "
                    "Shorten it and upload the workbook again."
                )
                % {"cell": details["cell"], "chars": f"{MAX_CELL_CHARS:,}"}
            )
        return WorkbookError(
            _(
                "A cell of the workbook holds more text than Excel allows in one cell (%(chars)s characters). "
                "Shorten it and upload the workbook again."
            )
            % {"chars": f"{MAX_CELL_CHARS:,}"}
        )
    if problem.kind == "strings":
        return WorkbookError(
            _(
                "The workbook's table of texts is far larger than an import needs (more than %(count)s texts or "
                "%(size)d MB). Copy the data into the blank template and upload that."
            )
            % {"count": f"{MAX_SHARED_STRINGS:,}", "size": MAX_SHARED_STRINGS_BYTES // (1024 * 1024)}
        )
    if problem.kind == "too_big":
        return WorkbookError(_("The workbook unpacks to far more data than it should; it was refused for safety."))
    return _corrupt()


def _cell(value):
    """Calamine's cell value, with empty strings as ``""`` and whole datetimes at midnight as dates."""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


def read_rows(path, *, progress: Callable[[int], None] | None = None) -> tuple[list[str], list[tuple[int, list]]]:
    """Check and read the first sheet: its header row and its data rows with their Excel row numbers.

    Blank rows are kept out. Raises :class:`WorkbookError` for any file
    that is not a safe, plain, non-empty xlsx workbook.
    """
    from python_calamine import CalamineWorkbook

    data = _open_bytes(path)
    if not data:
        raise WorkbookError(_("The file is empty."))
    archive = _check_zip(data)
    try:
        _check_sheet(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, ValueError, OSError, EOFError):
        raise _corrupt() from None
    except NotImplementedError:  # a compression method zipfile does not know
        raise _corrupt() from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            raise WorkbookError(_("The workbook has no sheet."))
        sheet = book.get_sheet_by_index(0)
        start_row = (sheet.start or (0, 0))[0]
        if sheet.height == 0 or sheet.width == 0:
            raise WorkbookError(_("The first sheet is empty: there is nothing to import."))
        if start_row + sheet.height - 1 > MAX_ROWS:
            raise _too_many_rows()
        raw = sheet.to_python(skip_empty_area=False)
    except WorkbookError:
        raise
    except Exception:
        raise _corrupt() from None
    # ``to_python(skip_empty_area=False)`` starts at A1.
    header = [_header_text(value) for value in (raw[0] if raw else [])]
    rows = []
    datetime_class = datetime.datetime
    for index, values in enumerate(raw[1:], start=2):
        cells = [_cell(value) if isinstance(value, datetime_class) else value for value in values]
        if not any(value.strip() if value.__class__ is str else not _blank(value) for value in cells):
            continue
        rows.append((index, cells))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
        if progress is not None and len(rows) % 10_000 == 0:
            progress(len(rows))
    if not rows:
        raise WorkbookError(_("The first sheet has no data rows below the header row: there is nothing to import."))
    return header, rows


def _too_many_rows() -> WorkbookError:
    return WorkbookError(
        _("The sheet has more than %(rows)s rows. Split it into smaller workbooks and import them one by one.")
        % {"rows": f"{MAX_ROWS:,}"}
    )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)
