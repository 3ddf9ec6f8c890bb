"""The Excel import: enterprise surveys and member rosters.

Each kind (``IMPORT_KINDS``) is an :class:`~parkparty.core.imports.specs.ImportSpec`
whose columns are a django-import-export ``Resource`` with the Chinese headers
of DESIGN.md. :func:`~parkparty.core.imports.engine.run_import` reads the first
sheet (:mod:`parkparty.core.workbook`), matches the headers, cleans every cell with
the column's widget (:mod:`~parkparty.core.imports.cells`), lets the spec resolve
references and validate every row against records loaded in bulk, and — only
when every row is valid and ``commit`` is asked for — writes everything in one
transaction through :func:`parkparty.core.services.save_records` (whose fast backend
is :mod:`~parkparty.core.imports.bulk`), then records an
:class:`~parkparty.core.models.ImportBatch`.

Modules: ``cells`` (widgets, columns), ``specs`` (specs, rows, plans, results),
``engine`` (run_import), ``template`` (the blank workbook), ``command`` (the
management commands), ``bulk`` (the fast write backend).
"""

from parkparty.core.imports.cells import (
    ChoiceWidget,
    CodeWidget,
    CountWidget,
    ExcelDateWidget,
    ImportColumn,
    TextWidget,
    YesNoWidget,
    normalize_header,
    normalize_text,
)
from parkparty.core.imports.command import import_command, result_is_large
from parkparty.core.imports.engine import run_import, sha256_of
from parkparty.core.imports.specs import IMPORT_KINDS, ImportResult, ImportSpec, ParsedRow, Plan, RowError
from parkparty.core.imports.template import write_template

__all__ = [
    "IMPORT_KINDS",
    "ChoiceWidget",
    "CodeWidget",
    "CountWidget",
    "ExcelDateWidget",
    "ImportColumn",
    "ImportResult",
    "ImportSpec",
    "ParsedRow",
    "Plan",
    "RowError",
    "TextWidget",
    "YesNoWidget",
    "import_command",
    "normalize_header",
    "normalize_text",
    "result_is_large",
    "run_import",
    "sha256_of",
    "write_template",
]
