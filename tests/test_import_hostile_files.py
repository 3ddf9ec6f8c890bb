"""Hostile workbooks are refused from their XML before python-calamine reads them.

Each file here is a few kilobytes of hand-written sheet XML in a zip. Before
the streaming checks, the first ones made calamine ask for tens of gigabytes
(and abort the process) or take half a minute; now each gets one message in
Chinese, the same in the browser and on the command line, and nothing is
written.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parkparty.core import workbook, xlsx_scan
from parkparty.core.models import ImportBatch
from parkparty.core.workbook import WorkbookError, read_rows

from .importing import ENTERPRISE_HEADERS, counts, enterprises, zh

pytestmark = pytest.mark.django_db

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
BOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="企业摸排表" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
)


def inline(reference: str | None, text: str) -> str:
    position = f' r="{reference}"' if reference else ""
    return f'<c{position} t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def header_row() -> str:
    cells = "".join(inline(f"{xlsx_scan.column_letters(n)}1", title) for n, title in enumerate(ENTERPRISE_HEADERS, 1))
    return f'<row r="1">{cells}</row>'


def hostile(path: Path, rows: str, *, dimension: str | None = None, shared: str | None = None) -> Path:
    """A workbook whose first sheet is the enterprise header row followed by ``rows`` (sheet XML)."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{head}'
        f"<sheetData>{header_row()}{rows}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return path


def shared_strings(*texts: str, root: str = "") -> str:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}"{root}>{items}</sst>'


COLUMN = (
    "The first sheet uses cell %(cell)s, beyond column %(last)s: an import sheet may use at most "
    "%(columns)d columns. Delete the columns to the right of your data, even empty or formatted ones "
    "(Ctrl+End in Excel jumps to the last cell), and upload the workbook again."
)
FAR_ROW = (
    "The first sheet reaches row %(row)s, far beyond the %(rows)s rows an import may hold. Delete the "
    "rows below your data, even empty or formatted ones (Ctrl+End in Excel jumps to the last cell), "
    "and upload the workbook again."
)
ROWS = "The sheet has more than %(rows)s rows. Split it into smaller workbooks and import them one by one."
CELLS = (
    "The first sheet spans more than %(cells)s cells (rows × columns from A1). Delete the rows and "
    "columns you do not need, or split the data into smaller workbooks."
)
CELL_TEXT = (
    "Cell %(cell)s holds more text than Excel allows in one cell (%(chars)s characters). "
    "Shorten it and upload the workbook again."
)
TEXT = (
    "A cell of the workbook holds more text than Excel allows in one cell (%(chars)s characters). "
    "Shorten it and upload the workbook again."
)
STRINGS = (
    "The workbook's table of texts is far larger than an import needs (more than %(count)s texts or "
    "%(size)d MB). Copy the data into the blank template and upload that."
)
FORMULAS = (
    "The first sheet contains formulas. Copy the data and paste it back as values only "
    "(Paste Special → Values), then upload the workbook again."
)
DAMAGED = "The workbook is damaged and cannot be read. Open it in Excel or WPS, save it again and re-upload it."


def column_message(cell: str) -> str:
    return zh(COLUMN, cell=cell, last="BL", columns=64)


LONG = "长" * 40_000

#: name → (rows of the first sheet after the header, extra keyword arguments, the message)
HOSTILE = {
    "XFD100000 declared and used": (
        '<row r="100000">' + inline("XFD100000", "x") + "</row>",
        {"dimension": "A1:XFD100000"},
        column_message("XFD100000"),
    ),
    "XFD3000": ('<row r="3000">' + inline("XFD3000", "x") + "</row>", {}, column_message("XFD3000")),
    "declared range only": ("", {"dimension": "A1:XFD3000"}, column_message("XFD3000")),
    "one cell far down": (
        '<row r="2">' + inline("A1048576", "x") + "</row>",
        {},
        zh(FAR_ROW, row="1,048,576", rows="100,000"),
    ),
    "one row past the limit": (
        '<row r="100002">' + inline("A100002", "x") + "</row>",
        {},
        zh(ROWS, rows="100,000"),
    ),
    "a cell at column ZZ": ('<row r="2">' + inline("ZZ2", "x") + "</row>", {}, column_message("ZZ2")),
    "cells without references running past BL": (
        "<row>" + inline(None, "x") * 70 + "</row>",
        {},
        column_message("BM2"),
    ),
    "a far cell after a commented-out end of the data": (
        '<!-- </sheetData> --><row r="3000">' + inline("XFD3000", "x") + "</row>",
        {},
        column_message("XFD3000"),
    ),
    "a far cell with a namespace prefix": (
        f'<row r="2"><x:c xmlns:x="{MAIN}" r="XFD2" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></row>',
        {},
        column_message("XFD2"),
    ),
    "a cell with two references": (
        '<row r="2"><c r="A2" r="XFD3000" t="inlineStr"><is><t>x</t></is></c></row>',
        {},
        zh(DAMAGED),
    ),
    "a huge inline string": (
        '<row r="2">' + inline("B2", LONG) + "</row>",
        {},
        zh(CELL_TEXT, cell="B2", chars="32,767"),
    ),
    "a huge shared string": (
        '<row r="2"><c r="B2" t="s"><v>0</v></c></row>',
        {"shared": shared_strings(LONG)},
        zh(TEXT, chars="32,767"),
    ),
    "four billion shared strings declared": (
        '<row r="2"><c r="B2" t="s"><v>0</v></c></row>',
        {"shared": shared_strings("甲", root=' count="1" uniqueCount="4000000000"')},
        zh(STRINGS, count="2,000,000", size=64),
    ),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_workbook_is_refused_with_one_message_and_nothing_written(import_world, tmp_path, name):
    rows, options, message = HOSTILE[name]
    path = hostile(tmp_path / "survey.xlsx", rows, **options)
    assert path.stat().st_size < 10_000
    before = counts()
    result = enterprises(path, import_world)
    assert result.file_error == message
    assert not result.ok and result.created == 0 and not result.errors
    assert counts() == before


def test_hostile_workbooks_cost_bounded_memory(tmp_path):
    """Read every hostile file in a child process limited to 1 GB of address space: each is refused, none crashes.

    Before the checks the first of them made calamine ask for 52 GB and abort.
    """
    paths = [hostile(tmp_path / f"{n}.xlsx", rows, **options) for n, (rows, options, _m) in enumerate(HOSTILE.values())]
    script = (
        "import resource, sys, django\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "django.setup()\n"
        "from parkparty.core.workbook import WorkbookError, read_rows\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        read_rows(path)\n"
        "    except WorkbookError:\n"
        "        print('refused')\n"
        "    else:\n"
        "        print('read')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "parkparty.settings"}
    done = subprocess.run(  # noqa: S603 — our own interpreter and files
        [sys.executable, "-c", script, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["refused"] * len(paths)


@pytest.mark.parametrize("command", ["import_enterprises", "import_members"])
def test_the_commands_print_the_same_message_and_write_nothing(import_world, tmp_path, command):
    rows, options, message = HOSTILE["XFD100000 declared and used"]
    path = hostile(tmp_path / "survey.xlsx", rows, **options)
    before = counts()
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        call_command(command, str(path), "--park", "ZONE")
    assert str(refused.value) == message
    assert counts() == before


def test_the_upload_page_shows_the_message_and_keeps_nothing(client, media, tmp_path):
    from . import factories as f

    park = f.ParkFactory(code="IM", name="导入测试园区")
    client.force_login(f.ParkStaffFactory(park=park))
    rows, options, message = HOSTILE["XFD3000"]
    path = hostile(tmp_path / "survey.xlsx", rows, **options)
    batches = ImportBatch.objects.count()
    with open(path, "rb") as handle:
        response = client.post(reverse("imports:upload", args=["enterprises"]), {"park": park.pk, "file": handle})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == batches
    imports = Path(media) / "imports"
    assert not imports.exists() or not list(imports.iterdir())
    assert not client.session.get("parkparty_pending_imports")


def test_more_cells_than_the_bound(import_world, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_CELLS", 40)
    rows = "".join(f'<row r="{n}">' + inline(f"A{n}", "x") + "</row>" for n in range(2, 40))
    path = hostile(tmp_path / "survey.xlsx", rows)  # 16 header cells + 38 = 54 cells
    result = enterprises(path, import_world)
    assert result.file_error == zh(CELLS, cells="40")


def test_a_sheet_reaching_column_bl_is_read_and_its_extra_column_ignored(import_world, tmp_path):
    row = dict(zip(ENTERPRISE_HEADERS, ["91360426MA35ABCD1X", "宽表公司"], strict=False))
    cells = "".join(
        inline(f"{xlsx_scan.column_letters(n)}2", row[h]) for n, h in enumerate(ENTERPRISE_HEADERS, 1) if h in row
    )
    path = hostile(tmp_path / "survey.xlsx", '<row r="2">' + cells + inline("BL2", "自用备注") + "</row>")
    header, rows = read_rows(path)
    assert len(header) == 64 and rows[0][1][63] == "自用备注"


def test_a_long_text_within_excels_limit_is_read(tmp_path):
    text = "长" * 32_767
    path = hostile(tmp_path / "survey.xlsx", '<row r="2">' + inline("P2", text) + "</row>")
    _header, rows = read_rows(path)
    assert rows[0][1][15] == text


def test_the_formula_check_still_reads_prefixed_formulas(tmp_path):
    rows = f'<row r="2"><x:c xmlns:x="{MAIN}" r="G2"><x:f>1+1</x:f><x:v>2</x:v></x:c></row>'
    with translation.override("zh-hans"), pytest.raises(WorkbookError) as refused:
        read_rows(hostile(tmp_path / "survey.xlsx", rows))
    assert str(refused.value) == zh(FORMULAS)


# --- the scanner against calamine ------------------------------------------------------------

LIMITS = xlsx_scan.Limits(
    last_row=12, last_column=6, cells=10_000, cell_chars=50, strings=100, strings_bytes=1 << 20, part_bytes=1 << 24
)

cell_plan = st.tuples(st.booleans(), st.integers(1, 9), st.integers(1, 8))  # explicit?, row, column
row_plan = st.tuples(st.booleans(), st.integers(1, 9), st.lists(cell_plan, min_size=1, max_size=8))


def sheet_from_plan(plan) -> str:
    rows = []
    for explicit_row, row_number, cells in plan:
        position = f' r="{row_number}"' if explicit_row else ""
        body = "".join(
            inline(f"{xlsx_scan.column_letters(column)}{row}" if explicit else None, "v")
            for explicit, row, column in cells
        )
        rows.append(f"<row{position}>{body}</row>")
    return "".join(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(row_plan, min_size=1, max_size=6))
def test_the_scan_places_cells_where_calamine_does(tmp_path, plan):
    """Implicit and explicit positions: the scan refuses exactly when calamine's grid passes the limits."""
    from python_calamine import CalamineWorkbook

    data = sheet_from_plan(plan)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{data}</sheetData></worksheet>'
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", BOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    bottom = (sheet.start or (0, 0))[0] + sheet.height
    right = (sheet.start or (0, 0))[1] + sheet.width
    fits = bottom <= LIMITS.last_row and right <= LIMITS.last_column
    with zipfile.ZipFile(path) as archive:
        try:
            xlsx_scan.scan_sheet(lambda: archive.open("xl/worksheets/sheet1.xml"), LIMITS)
        except xlsx_scan.ShapeProblem as problem:
            assert not fits, (problem.kind, problem.details, bottom, right)
            assert problem.kind in ("column", "row", "rows")
        else:
            assert fits, (bottom, right)


def test_a_plain_sheet_passes_the_fast_pass_and_the_exact_pass_alike():
    rows = "".join(f'<row r="{n}">' + inline(f"A{n}", "x") + inline(f"F{n}", "y") + "</row>" for n in range(1, 13))
    xml = f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    xlsx_scan._FastSheet(LIMITS).run(io.BytesIO(xml))  # no hand-over: the fast pass alone accepts it
    xlsx_scan._ExactSheet(LIMITS).run(io.BytesIO(xml))
    wider = xml.replace(b'r="F12"', b'r="G12"')
    with pytest.raises(xlsx_scan.ShapeProblem) as refused:
        xlsx_scan.scan_sheet(lambda: io.BytesIO(wider), LIMITS)
    assert refused.value.details == {"cell": "G12"}


@pytest.mark.parametrize("limit", [*range(1, 60), 99, 100, 101, 999, 1000, 100_001])
def test_numbers_up_to_matches_exactly_one_to_the_limit(limit):
    pattern = re.compile(b"(?:" + xlsx_scan.numbers_up_to(limit) + b")")
    matching = [n for n in range(1, limit * 2 + 20) if pattern.fullmatch(str(n).encode())]
    assert matching == list(range(1, limit + 1))
    assert not pattern.fullmatch(b"0") and not pattern.fullmatch(b"01")


@pytest.mark.parametrize("limit", [1, 5, 25, 26, 27, 31, 52, 53, 64, 78, 700, 702])
def test_columns_up_to_matches_exactly_a_to_the_limit(limit):
    pattern = re.compile(b"(?:" + xlsx_scan.columns_up_to(limit) + b")")
    matching = [n for n in range(1, 800) if pattern.fullmatch(xlsx_scan.column_letters(n).encode())]
    assert matching == list(range(1, limit + 1))


def test_a_decoy_sheet_in_a_comment_does_not_hide_the_real_first_sheet(import_world, tmp_path):
    """calamine reads the first real ``<sheet>``: the checks must read that one too, not a commented-out decoy."""
    path = hostile(tmp_path / "survey.xlsx", '<row r="3000">' + inline("XFD3000", "x") + "</row>")
    decoy_book = BOOK.replace("<sheets>", '<!-- <sheet name="decoy" sheetId="9" r:id="rId9"/> --><sheets>')
    decoy_rels = BOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId9" Target="worksheets/decoy.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
    )
    decoy = f'<worksheet xmlns="{MAIN}"><sheetData>{header_row()}</sheetData></worksheet>'
    rebuilt = tmp_path / "decoy.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            data = {"xl/workbook.xml": decoy_book.encode(), "xl/_rels/workbook.xml.rels": decoy_rels.encode()}.get(
                name, data
            )
            target.writestr(name, data)
        target.writestr("xl/worksheets/decoy.xml", decoy)
    assert enterprises(rebuilt, import_world).file_error == column_message("XFD3000")


def test_two_parts_whose_names_differ_only_by_case_are_refused(import_world, tmp_path):
    path = hostile(tmp_path / "survey.xlsx", "")
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/SHEET1.xml", "<worksheet/>")
    assert enterprises(path, import_world).file_error == zh(DAMAGED)


def test_validation_formulas_after_the_sheet_data_are_not_read_as_cell_formulas(import_world, tmp_path):
    """Excel keeps list validations that point at another sheet after the data, as ``<xm:f>``: no formula there."""
    path = hostile(tmp_path / "survey.xlsx", "")
    extension = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list">'
        "<x14:formula1><xm:f>说明!$A$1:$A$4</xm:f></x14:formula1><xm:sqref>D2:D100</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    rebuilt = tmp_path / "validations.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension.encode() + b"</worksheet>")
            target.writestr(name, data)
    result = enterprises(rebuilt, import_world)
    assert result.file_error == zh("The first sheet has no data rows below the header row: there is nothing to import.")
