"""The import engine: read the sheet, match the headers, clean every cell, plan, and write in one transaction."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkparty.core import audit
from parkparty.core.imports.cells import ImportColumn, normalize_header
from parkparty.core.imports.specs import IMPORT_KINDS, ImportResult, ImportSpec, ParsedRow, RowError
from parkparty.core.models import AuditKind, ImportBatch
from parkparty.core.permissions import IMPORT, require_in_park
from parkparty.core.workbook import WorkbookError, read_rows

# --------------------------------------------------------------------------- engine


def sha256_of(path) -> str:
    """The SHA-256 of a file (a path or a binary file-like object), in hex."""
    digest = hashlib.sha256()
    if hasattr(path, "read"):
        if hasattr(path, "seek"):
            path.seek(0)
        while chunk := path.read(1 << 20):
            digest.update(chunk)
        if hasattr(path, "seek"):
            path.seek(0)
        return digest.hexdigest()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _match_headers(spec: ImportSpec, header: list[str], result: ImportResult) -> dict[int, ImportColumn] | None:
    """Column index → column; a file error for missing required columns, warnings for extra ones."""
    by_name = {normalize_header(c.column_name): c for c in spec.columns()}
    found: dict[int, ImportColumn] = {}
    seen: set[str] = set()
    extra: list[str] = []
    for index, title in enumerate(header):
        key = normalize_header(title)
        if not key:
            continue
        column = by_name.get(key)
        if column is None:
            extra.append(str(title).strip())
        elif column.column_name in seen:
            result.warnings.append(
                _("The column “%(column)s” appears twice; only the first one was read.")
                % {"column": column.column_name}
            )
        else:
            seen.add(column.column_name)
            found[index] = column
    missing = [c.column_name for c in spec.columns() if c.required and c.column_name not in seen]
    if missing:
        result.file_error = _(
            "The first row must hold the template's headers; these required columns are missing: %(columns)s. "
            "Download the template and copy your data into it."
        ) % {"columns": "、".join(missing)}
        return None
    if extra:
        result.warnings.append(
            _("These columns are not part of the template and were ignored: %(columns)s.")
            % {"columns": "、".join(extra)}
        )
    return found


#: Cleaned cells remembered per column (a sheet repeats its dates, choices and names); beyond this, no more.
CLEANED_CELLS_REMEMBERED = 4096
_NOT_CLEANED = object()


def _parse_rows(spec, rows, columns: dict[int, ImportColumn], errors: list[RowError]) -> list[ParsedRow]:
    """Clean every cell with its column's widget; rows with a bad cell or a repeated key are marked failed.

    A widget's ``clean`` depends on the cell value alone, so a value of the
    same type seen before in the column takes the remembered result (only
    successes are remembered; every error is produced afresh, in the
    current language).
    """
    parsed = []
    key_seen: dict[str, int] = {}
    plan = [
        (index, column, column.widget.clean, column.attribute, column.value_required, {})
        for index, column in columns.items()
    ]
    for number, cells in rows:
        row = ParsedRow(number, {})
        values = row.values
        width = len(cells)
        for index, column, clean, attribute, required, remembered in plan:
            value = cells[index] if index < width else ""
            memo_key = (value.__class__, value)
            try:
                cleaned = remembered.get(memo_key, _NOT_CLEANED)
            except TypeError:  # not hashable (calamine gives none such): never remembered
                cleaned, memo_key = _NOT_CLEANED, None
            if cleaned is _NOT_CLEANED:
                try:
                    cleaned = clean(value)
                except (ValueError, TypeError, ValidationError) as exc:
                    message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    errors.append(RowError(number, column.column_name, message))
                    row.failed = True
                    continue
                if memo_key is not None and len(remembered) < CLEANED_CELLS_REMEMBERED:
                    remembered[memo_key] = cleaned
            if required and (cleaned is None or cleaned == ""):
                errors.append(RowError(number, column.column_name, _("This column must be filled in.")))
                row.failed = True
                continue
            values[attribute] = cleaned
        key = values.get(spec.key_attribute)
        if key:
            if key in key_seen:
                errors.append(
                    RowError(
                        number,
                        spec.key_column,
                        _("“%(value)s” already appears on row %(row)d of this file.")
                        % {"value": key, "row": key_seen[key]},
                    )
                )
                row.failed = True
            else:
                key_seen[key] = number
        parsed.append(row)
    return parsed


@contextmanager
def _without_cyclic_gc():
    """Pause Python's cyclic garbage collector for one import.

    An import keeps a dozen objects a row alive until it ends (cells, cleaned
    values, records); the collector would walk them all again on every
    pass, a tenth of the import's time, to find almost nothing. Reference
    counting still frees everything as usual; the collector runs again
    afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_without_cyclic_gc()
def run_import(
    kind: str,
    path,
    *,
    park,
    user,
    commit: bool,
    file_name: str = "",
    sha256: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Validate (``commit=False``) or validate and write (``commit=True``) one workbook.

    Nothing is written unless every row is valid; the write is one
    transaction. ``user=None`` is the trusted command line, still bound to
    ``park`` and its sub-parks. Raises ``PermissionDenied`` when ``user``
    may not import into ``park``.
    """
    spec = IMPORT_KINDS[kind]
    # Staff import only into their own park (and sub-parks); reviewers and secretaries not at all.
    require_in_park(user, IMPORT, spec.model, park, _("Imports are for park staff and administrators."))
    result = ImportResult(kind=kind)
    say = progress or (lambda message: None)
    try:
        header, rows = read_rows(path, progress=lambda n: say(_("%(rows)d rows read") % {"rows": n}))
    except WorkbookError as exc:
        result.file_error = str(exc)
        return result
    columns = _match_headers(spec, header, result)
    if columns is None:
        return result
    result.total = len(rows)
    errors: list[RowError] = []
    parsed = _parse_rows(spec, rows, columns, errors)
    say(_("%(rows)d rows checked") % {"rows": len(parsed)})
    park_ids = park.descendant_ids()
    plan = spec.plan(parsed, park=park, park_ids=park_ids, errors=errors)
    errors.sort(key=lambda e: e.row)
    result.errors = errors
    result.rejected = len({e.row for e in errors})
    result.created = len(plan.created)
    result.updated = len(plan.updated)
    result.unchanged = plan.unchanged
    if not commit or errors:
        return result
    with transaction.atomic():
        spec.write(plan, user=user)
        result.batch = ImportBatch.objects.create(
            kind=kind,
            park=park,
            user=user,
            file_name=(file_name or getattr(path, "name", None) or str(path))[-255:],
            sha256=sha256 or sha256_of(path),
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )
        audit.record(
            AuditKind.IMPORT,
            user=user,
            obj=result.batch,
            detail={
                "kind": kind,
                "park": park.code,
                "rows": result.total,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "source": "browser" if user is not None else "command line",
            },
        )
    result.committed = True
    say(_("%(rows)d rows written") % {"rows": result.created + result.updated})
    return result
