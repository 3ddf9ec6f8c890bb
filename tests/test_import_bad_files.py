"""Bad files get one clear message, never crash and write nothing."""

import io
import os
import zipfile

import openpyxl
import pytest

from parkparty.core import workbook
from parkparty.core.workbook import WorkbookError, read_rows

from .importing import (
    ENTERPRISE_HEADERS,
    counts,
    enterprise_row,
    enterprises,
    write_xlsx,
    zh,
)

pytestmark = pytest.mark.django_db


NOT_XLSX = (
    "This is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it as "
    "“Excel Workbook (*.xlsx)” and upload it again."
)
ENCRYPTED = (
    "The workbook is password-protected or in the old .xls format. Remove the password, save it as "
    "“Excel Workbook (*.xlsx)” and upload it again."
)
CORRUPT = "The workbook is damaged and cannot be read. Open it in Excel or WPS, save it again and re-upload it."
BOMB = "The workbook unpacks to far more data than it should (a “zip bomb”); it was refused for safety."
FORMULAS = (
    "The first sheet contains formulas. Copy the data and paste it back as values only "
    "(Paste Special → Values), then upload the workbook again."
)


def refused(import_world, path, msgid, **values):
    before = counts()
    result = enterprises(path, import_world)
    assert result.file_error == zh(msgid, **values)
    assert not result.ok and not result.errors and result.created == 0
    assert counts() == before
    return result


def test_renamed_csv(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_text("统一社会信用代码,企业名称\n91360426MA35ABCD1X,某公司\n", encoding="utf-8")
    refused(import_world, path, NOT_XLSX)


def test_pdf(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    refused(import_world, path, NOT_XLSX)


def test_random_bytes(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(os.urandom(4096))
    refused(import_world, path, NOT_XLSX)


def test_empty_file(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"")
    refused(import_world, path, "The file is empty.")


def test_encrypted_workbook_is_a_cfb_file(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048))
    refused(import_world, path, ENCRYPTED)


def test_truncated_zip_is_corrupt(import_world, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    path = tmp_path / "survey.xlsx"
    path.write_bytes(good.read_bytes()[:600])
    refused(import_world, path, CORRUPT)


def test_zip_that_is_not_a_workbook(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(import_world, path, NOT_XLSX)


def test_zip_bomb_is_refused_from_the_directory(import_world, tmp_path, monkeypatch):
    path = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"\0" * (1 << 20)
            for _ in range(40):  # 40 MB of zeros: about 40 KB compressed
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    parsed = []
    monkeypatch.setattr(workbook, "_check_sheet", lambda archive: parsed.append(True))
    refused(import_world, path, BOMB)
    assert parsed == []  # refused before any member was decompressed


def test_zip_declaring_a_huge_total_is_refused(import_world, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_UNCOMPRESSED_TOTAL", 1000)
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    refused(import_world, path, BOMB)


def test_file_over_20_mb(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    with open(path, "wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse
    refused(
        import_world,
        path,
        "The file is larger than %(size)d MB. Split it into smaller workbooks and import them one by one.",
        size=20,
    )


def test_workbook_with_a_formula(import_world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ENTERPRISE_HEADERS)
    sheet.append([enterprise_row(1).get(h, "") for h in ENTERPRISE_HEADERS])
    sheet["G2"] = "=100+20"
    path = tmp_path / "survey.xlsx"
    book.save(path)
    refused(import_world, path, FORMULAS)


def test_formula_in_another_sheet_does_not_matter(import_world, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(ENTERPRISE_HEADERS)
    sheet.append([enterprise_row(1).get(h, "") for h in ENTERPRISE_HEADERS])
    book.create_sheet("计算")["A1"] = "=1+1"
    path = tmp_path / "survey.xlsx"
    book.save(path)
    assert enterprises(path, import_world).ok


def test_empty_sheet(import_world, tmp_path):
    path = tmp_path / "survey.xlsx"
    openpyxl.Workbook().save(path)
    refused(import_world, path, "The first sheet is empty: there is nothing to import.")


def test_headers_without_rows(import_world, tmp_path):
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [[], []])
    refused(import_world, path, "The first sheet has no data rows below the header row: there is nothing to import.")


def test_more_rows_than_the_limit(import_world, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 5)
    path = write_xlsx(tmp_path / "survey.xlsx", ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(6)])
    refused(
        import_world,
        path,
        "The sheet has more than %(rows)s rows. Split it into smaller workbooks and import them one by one.",
        rows="5",
    )
    ok = write_xlsx(tmp_path / "ok.xlsx", ENTERPRISE_HEADERS, [enterprise_row(n) for n in range(5)])
    assert enterprises(ok, import_world).created == 5


def test_read_rows_accepts_a_file_object_and_skips_blank_rows(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", ["a", "b"], [["x", 1], [], ["", " "], ["y", 2.5]])
    header, rows = read_rows(io.BytesIO(path.read_bytes()))
    assert header[:2] == ["a", "b"]
    assert [(n, cells[:2]) for n, cells in rows] == [(2, ["x", 1.0]), (5, ["y", 2.5])]


def test_workbook_error_is_the_only_exception(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(100))
    with pytest.raises(WorkbookError):
        read_rows(path)
    with pytest.raises(WorkbookError):
        read_rows(tmp_path / "missing.xlsx")
