"""The import_enterprises, import_members and export_template commands of the command-line contract."""

import openpyxl
import pytest
from django.core.management import CommandError, call_command, load_command_class
from django.utils import translation

from members.models import Member
from organizations.models import Enterprise
from parkparty.core.models import ImportBatch

from . import factories as f
from .importing import (
    ENTERPRISE_HEADERS,
    MEMBER_HEADERS,
    counts,
    enterprise_row,
    member_row,
    write_xlsx,
    zh,
)

pytestmark = pytest.mark.django_db


def test_import_enterprises_prints_counts_and_writes(import_world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1), enterprise_row(2)])
    with translation.override("zh-hans"):
        call_command("import_enterprises", str(path), "--park", "ZONE")
    out = capsys.readouterr().out
    assert (
        zh(
            "%(total)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d failed.",
            total=2,
            created=2,
            updated=0,
            unchanged=0,
            rejected=0,
        )
        in out
    )
    assert Enterprise.objects.count() == 2
    batch = ImportBatch.objects.get()
    assert batch.user is None and batch.file_name == "s.xlsx" and batch.created == 2
    assert Enterprise.objects.first().history.get().history_user is None


def test_import_enterprises_dry_run_writes_nothing(import_world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    before = counts()
    call_command("import_enterprises", str(path), "--park", "ZONE", "--dry-run")
    assert counts() == before
    assert "1" in capsys.readouterr().out


def test_row_errors_are_printed_as_row_column_message_and_nothing_is_written(import_world, tmp_path, capsys):
    rows = [enterprise_row(1), enterprise_row(2, 所属园区="OTHER"), enterprise_row(3, 职工人数="很多")]
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows)
    before = counts()
    with translation.override("zh-hans"), pytest.raises(CommandError):
        call_command("import_enterprises", str(path), "--park", "ZONE")
    out = capsys.readouterr().out
    park_message = zh(
        "“%(value)s” is not %(park)s or one of its sub-parks; you may import only into them.",
        value="OTHER",
        park="测试工业园区",
    )
    assert f"第3行 所属园区: {park_message}" in out
    assert f"第4行 职工人数: {zh('Enter a whole number.')}" in out
    assert counts() == before


def test_errors_exit_with_status_1(import_world, tmp_path, monkeypatch, capsys):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 经营状态="倒闭")])
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    command = load_command_class("organizations", "import_enterprises")
    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "import_enterprises", str(path), "--park", "ZONE"])
    assert exit_info.value.code == 1
    assert "第2行 经营状态: " in capsys.readouterr().out
    assert Enterprise.objects.count() == 0


def test_the_command_line_imports_only_into_the_named_park(import_world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1, 所属园区="测试工业园区")])
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path), "--park", "ZONE-W")
    assert "第2行 所属园区" in capsys.readouterr().out
    assert Enterprise.objects.count() == 0


def test_unknown_park_code_and_bad_file_are_one_clear_error(import_world, tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    with translation.override("zh-hans"), pytest.raises(CommandError, match="NOPE"):
        call_command("import_enterprises", str(path), "--park", "NOPE")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"uscc,name\n1,2\n")
    with translation.override("zh-hans"), pytest.raises(CommandError) as excinfo:
        call_command("import_enterprises", str(bad), "--park", "ZONE")
    assert str(excinfo.value) == zh(
        "This is not an Excel workbook (.xlsx). Open it in Excel or WPS, save it as "
        "“Excel Workbook (*.xlsx)” and upload it again."
    )
    assert Enterprise.objects.count() == 0


def test_import_members_command(import_world, tmp_path, capsys):
    path = write_xlsx(tmp_path / "r.xlsx", MEMBER_HEADERS, [member_row(1), member_row(2)])
    call_command("import_members", str(path), "--park", "ZONE")
    assert Member.objects.count() == 2
    bad = write_xlsx(tmp_path / "bad.xlsx", MEMBER_HEADERS, [member_row(3, 公民身份号码="123")])
    with pytest.raises(CommandError):
        call_command("import_members", str(bad), "--park", "ZONE")
    assert "第2行 公民身份号码: " in capsys.readouterr().out
    assert Member.objects.count() == 2


def test_export_template_then_fill_then_import(import_world, tmp_path, capsys):
    for kind, headers in (("enterprises", ENTERPRISE_HEADERS), ("members", MEMBER_HEADERS)):
        path = tmp_path / f"{kind}.xlsx"
        call_command("export_template", kind, "-o", str(path))
        book = openpyxl.load_workbook(path)
        assert [c.value for c in book.worksheets[0][1]] == headers
        assert book.worksheets[1].title == "填写说明"
        row = enterprise_row(1) if kind == "enterprises" else member_row(1)
        book.worksheets[0].append([row.get(h, "") for h in headers])
        book.save(path)
        call_command(f"import_{kind}", str(path), "--park", "ZONE")
    assert Enterprise.objects.count() == 1 and Member.objects.count() == 1


def test_export_template_refuses_unknown_kind(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_template", "parks", "-o", str(tmp_path / "x.xlsx"))


def test_progress_goes_to_stderr_on_large_files(import_world, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("parkparty.core.imports.command.result_is_large", lambda path: True)
    rows = [enterprise_row(n) for n in range(1, 30)]
    call_command("import_enterprises", str(write_xlsx(tmp_path / "s.xlsx", ENTERPRISE_HEADERS, rows)), "--park", "ZONE")
    assert capsys.readouterr().err.strip()
    assert f.make_uscc(1) in set(Enterprise.objects.values_list("uscc", flat=True))
