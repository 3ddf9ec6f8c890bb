"""Excel exports of the workbench lists.

A list's current rows (scoped, filtered, searched and sorted exactly as on
screen) are written to a write-only openpyxl workbook in a temporary file
and streamed back, so a large export never holds all its rows in memory.
Cells are typed: numbers stay numbers, dates are Excel dates, booleans read
是/否 and choices their labels. Text that a spreadsheet would read as a
formula is guarded with a leading apostrophe. Personal fields of the
inventory (:mod:`parkparty.core.personal_data`: ID numbers, phones…) are masked
unless the user's role may see them in full. Every export is recorded
(:class:`reports.models.ExportRecord`).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from parkparty.core import audit, personal_data
from parkparty.core.imports import IMPORT_KINDS, ExcelDateWidget
from parkparty.core.masking import MASKS
from parkparty.core.models import AuditKind
from parkparty.core.permissions import REVEAL, may
from reports.models import ExportRecord

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
#: A text cell starting with one of these would be read as a formula (or DDE) by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Excel's limit on the characters of a sheet title.
SHEET_TITLE_MAX = 31


def escape_text(text: str) -> str:
    """Text as a spreadsheet shows it literally: control characters dropped, formula starts guarded with ``'``."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def column_value(obj, path: str):
    """The typed value at an attribute path: choice labels, called methods, None along a missing relation."""
    *parents, name = path.split(".")
    target = obj
    for part in parents:
        try:
            target = getattr(target, part)
        except ObjectDoesNotExist:
            return None
        if target is None:
            return None
    try:
        found = type(target)._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        found = None
    if found is not None and getattr(found, "choices", None):
        value = getattr(target, name)
        return None if value in (None, "") else getattr(target, f"get_{name}_display")()
    try:
        value = getattr(target, name)
    except ObjectDoesNotExist:
        return None
    if isinstance(value, models.Manager):
        return "、".join(str(item) for item in value.all())
    if callable(value):
        value = value()
    return value


class SheetWriter:
    """Turns Python values into typed write-only cells of one worksheet."""

    def __init__(self, sheet, *, masks: Sequence[str]):
        self.sheet = sheet
        self.masks = masks

    def cell(self, value, mask: str = ""):
        if value is None or value == "":
            return None
        if mask:
            if isinstance(value, datetime.date):
                value = value.strftime("%Y-%m-%d")
            return escape_text(MASKS[mask](str(value)))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, Decimal):
            places = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
            return self.formatted(value, "0." + "0" * places if places else "0")
        if isinstance(value, int | float):
            return value
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.make_naive(value)
            return self.formatted(value, DATETIME_FORMAT)
        if isinstance(value, datetime.date):
            return self.formatted(value, DATE_FORMAT)
        return escape_text(str(value))

    def formatted(self, value, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = number_format
        return cell

    def header(self, labels: Iterable[str]) -> None:
        cells = []
        for label in labels:
            cell = WriteOnlyCell(self.sheet, value=escape_text(str(label)))
            cell.font = Font(bold=True)
            cells.append(cell)
        self.sheet.append(cells)

    def row(self, values: Sequence) -> None:
        self.sheet.append([self.cell(value, mask) for value, mask in zip(values, self.masks, strict=True)])


def write_workbook(target, queryset, columns, labels: Sequence[str], user, *, title: str = "", model=None) -> int:
    """Write the rows of ``queryset`` in ``columns`` (headed by ``labels``) to ``target``; return the row count.

    ``columns`` are the list's :class:`parkparty.core.views.generic.parts.Column` objects; personal columns (those
    of the inventory, and any with a ``mask``) are masked unless the user may reveal them on records
    of ``model`` (the queryset's model by default).
    The queryset is read in chunks with the select_related it already carries.
    """
    reveal = may(user, REVEAL, model or queryset.model)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    masks = [column.mask or personal_data.mask_for(queryset.model, column.name) for column in columns]
    writer = SheetWriter(sheet, masks=["" if reveal else mask for mask in masks])
    writer.header(labels)
    count = 0
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        writer.row([column_value(obj, column.name) for column in columns])
        count += 1
    workbook.save(target)
    return count


def sheet_title(title: str) -> str:
    cleaned = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip("'")
    return cleaned[:SHEET_TITLE_MAX] or "Sheet1"


def audit_export(*, user, model, filters: str, rows: int, personal: bool) -> None:
    """An export in the audit log: which records, which filters, how many rows, with full personal data or not."""
    audit.record(
        AuditKind.EXPORT,
        user=user,
        detail={"entity": model._meta.label_lower, "filters": filters, "rows": rows, "full_personal_data": personal},
    )


def export_response(*, queryset, columns, labels, user, model, filters: str, name: str) -> FileResponse:
    """The xlsx of a list's rows as a streamed download named ``<name>-YYYYMMDD.xlsx``; the export is recorded."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the FileResponse
    try:
        rows = write_workbook(handle, queryset, columns, labels, user, title=name, model=model)
        ExportRecord.objects.create(user=user, entity=model._meta.label_lower, filters=filters, rows=rows)
        audit_export(user=user, model=model, filters=filters, rows=rows, personal=may(user, REVEAL, model))
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


# --------------------------------------------------------------------------- import workbooks


def write_import_workbook(kind: str, queryset, target, *, user) -> int:
    """Write ``queryset`` as the first sheet of the ``kind`` import workbook to ``target``; return the row count.

    The headers, their order, the text-formatted code columns, the dropdowns and the value spellings are the
    import spec's (:func:`parkparty.core.imports.write_template`), each value given by its column's
    ``export_value``, so importing the file back unchanged changes nothing. ID numbers are the import key:
    they are written in full, which is why callers check that the user may reveal them first.
    Text is written as explicit string cells, never as formulas; it is not apostrophe-guarded, because
    the import would read the apostrophe back as part of the text.
    """
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = IMPORT_KINDS[kind]
    columns = spec.columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(spec.sheet_title))
    required_fill = PatternFill("solid", fgColor="FCE4E4")
    plain_fill = PatternFill("solid", fgColor="F2F2F2")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.value_required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}10001")
            sheet.data_validations.append(validation)
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.column_name)
        cell.font = Font(bold=True)
        cell.fill = required_fill if column.value_required else plain_fill
        header.append(cell)
    sheet.append(header)
    dates = [isinstance(column.widget, ExcelDateWidget) for column in columns]
    count = 0
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        cells = []
        for column, is_date in zip(columns, dates, strict=True):
            cells.append(_import_cell(sheet, column.export_value(obj), text=column.text, date=is_date))
        sheet.append(cells)
        count += 1
    workbook.save(target)
    return count


def _import_cell(sheet, value, *, text: bool, date: bool):
    """One typed cell of an import workbook: dates as date cells, numbers as numbers, everything else text."""
    if value is None or value == "":
        if not text:
            return None
        cell = WriteOnlyCell(sheet, value=None)
        cell.number_format = "@"
        return cell
    if date and isinstance(value, datetime.date):
        if isinstance(value, datetime.datetime):
            value = (timezone.make_naive(value) if timezone.is_aware(value) else value).date()
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if not text and isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    if text:
        cell.number_format = "@"
    if cell.value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps showing (and saving) it as text
    return cell


def import_workbook_response(kind: str, *, queryset, user, model, filters: str, name: str) -> FileResponse:
    """The ``kind`` import workbook of ``queryset`` as a download named ``<name>-YYYYMMDD.xlsx``; it is recorded."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the FileResponse
    try:
        rows = write_import_workbook(kind, queryset, handle, user=user)
        ExportRecord.objects.create(user=user, entity=model._meta.label_lower, filters=filters, rows=rows)
        audit_export(user=user, model=model, filters=filters, rows=rows, personal=True)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    filename = f"{name}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
