"""Reading uploaded Excel workbooks safely.

:func:`read_rows` checks a file before anything parses it (size, that it is
a zip and an xlsx, zip-bomb ratios from the zip directory, encryption,
formulas) and then reads the first sheet by position with python-calamine.
Every problem is a :class:`WorkbookError` whose text is the one message
the user sees.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import zipfile
from collections.abc import Callable

from django.utils.translation import gettext as _

#: Largest accepted upload, in bytes.
MAX_FILE_SIZE = 20 * 1024 * 1024
#: Most data rows (below the header row) a sheet may hold.
MAX_ROWS = 100_000
#: Zip directory limits, checked before any member is decompressed.
MAX_UNCOMPRESSED_TOTAL = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 200
#: Members smaller than this are never treated as bombs, whatever their ratio.
RATIO_FLOOR = 2 * 1024 * 1024
MAX_MEMBERS = 5_000

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\b[^>]*>")
RID_ATTR = re.compile(rb"\br:id=\"([^\"]+)\"|\b[\w.-]+:id=\"([^\"]+)\"")
REL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\b[^>]*>")


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


def _first_sheet_path(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the first sheet by position in xl/workbook.xml."""
    try:
        book = _read_member(archive, "xl/workbook.xml", 10 * 1024 * 1024)
        rels = _read_member(archive, "xl/_rels/workbook.xml.rels", 10 * 1024 * 1024)
    except KeyError:
        return None
    sheet = SHEET_TAG.search(book.split(b"<sheets", 1)[-1])
    if sheet is None:
        return None
    rid_match = RID_ATTR.search(sheet.group(0))
    if rid_match is None:
        return None
    rid = rid_match.group(1) or rid_match.group(2)
    for rel in REL_TAG.findall(rels):
        if re.search(rb"\bId=\"" + re.escape(rid) + rb"\"", rel):
            target = re.search(rb"\bTarget=\"([^\"]+)\"", rel)
            if target is None:
                return None
            path = target.group(1).decode("utf-8", "replace")
            return path.lstrip("/") if path.startswith("/") else f"xl/{path}"
    return None


def _check_formulas(archive: zipfile.ZipFile) -> None:
    """Refuse a first sheet holding formula cells (<f> elements), streaming its XML."""
    path = _first_sheet_path(archive)
    if path is None:
        raise _corrupt()
    try:
        handle = archive.open(path)
    except KeyError:
        raise _corrupt() from None
    tail = b""
    read = 0
    with handle:
        while chunk := handle.read(1 << 20):
            read += len(chunk)
            if read > MAX_UNCOMPRESSED_TOTAL:
                raise WorkbookError(
                    _("The workbook unpacks to far more data than it should; it was refused for safety.")
                )
            window = tail + chunk
            # Every formula tag holds "<f" or ":f" (prefixed); a plain substring search rules most chunks out.
            if (b"<f" in window or b":f" in window) and FORMULA_TAG.search(window):
                raise WorkbookError(
                    _(
                        "The first sheet contains formulas. Copy the data and paste it back as values only "
                        "(Paste Special → Values), then upload the workbook again."
                    )
                )
            tail = chunk[-64:]


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
        _check_formulas(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
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
