"""The import item: a generated enterprise survey, previewed and committed on a scratch park, rolled back.

The survey has valid credit codes; before each timed run the first
``updates`` of its rows are imported (untimed, with other staff numbers), so
the timed import creates the rest and updates those. Everything happens in a
transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import tablib
from django.db import transaction
from import_export import resources
from openpyxl import Workbook
from stdnum.cn import uscc

from organizations.models import Enterprise, FormationMode, Instructor, OrganizationKind, Park, PartyOrganization
from parkparty.core.imports import IMPORT_KINDS, run_import, sha256_of
from parkparty.core.workbook import read_rows

PLAIN_FIELDS = {
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "所属行业": "industry",
    "成立日期": "founded_on",
    "职工人数": "employees",
    "党员人数": "surveyed_members",
    "出资人（负责人）": "investor_name",
    "出资人联系电话": "investor_phone",
    "摸排日期": "surveyed_on",
    "备注": "notes",
}


class Rollback(Exception):
    """Raised to roll a benchmark's transaction back."""


def bench_code(n: int, salt: int) -> str:
    body = f"91360426{salt:03d}{n:06d}"
    return body + uscc.calc_check_digit(body)


def write_survey(path: Path, rows: int, salt: int, *, variant: int = 0) -> None:
    """An enterprise survey of ``rows`` rows; ``variant`` changes the staff numbers (so a re-import updates)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业摸排表")
    sheet.append([column.column_name for column in IMPORT_KINDS["enterprises"].columns()])
    statuses = ["已投产运营", "已投产运营", "已投产运营", "在建", "停产"]
    for n in range(rows):
        covered = n % 3 == 0
        sheet.append(
            [
                bench_code(n, salt),
                f"基准测试企业{n}有限公司",
                "",
                statuses[n % len(statuses)],
                "装备制造",
                datetime.date(2010 + n % 12, n % 12 + 1, n % 28 + 1),
                float(20 + n % 500 + variant),
                float(n % 7),
                f"出资人{n}",
                "是" if n % 5 == 0 else "否",
                f"138{n:08d}",
                "联合建" if covered else "未建",
                "基准联合党支部" if covered else "",
                "基准指导员" if n % 2 else "",
                "2023-06-30",
                "",
            ]
        )
    book.save(path)


def make_park(salt: int, suffix: str) -> Park:
    park = Park.objects.create(code=f"BENCH-{salt}-{suffix}", name=f"基准测试园区{salt}{suffix}")
    PartyOrganization.objects.create(
        name="基准联合党支部",
        park=park,
        kind=OrganizationKind.JOINT_BRANCH,
        formation_mode=FormationMode.JOINT,
        founded_on=datetime.date(2015, 1, 1),
    )
    Instructor.objects.create(name="基准指导员", park=park)
    return park


def _check(result, what: str) -> None:
    if not result.ok:
        errors = result.file_error or "; ".join(str(e) for e in result.errors[:5])
        raise RuntimeError(f"the benchmark {what} did not import: {errors}")


class ImportRun:
    """One preview + commit of ``survey`` on a scratch park (after the untimed import of ``seed_file``), rolled back.

    Call :meth:`prepare` and then :meth:`preview` and :meth:`commit` inside
    :meth:`scratch`; the timed parts are only the last two.
    """

    def __init__(self, survey: Path, seed_file: Path | None, salt: int):
        self.survey, self.seed_file, self.salt = survey, seed_file, salt
        self.digest = sha256_of(survey)

    def prepare(self) -> None:
        self.park = make_park(self.salt, "A")
        if self.seed_file is not None:
            _check(
                run_import(
                    "enterprises",
                    self.seed_file,
                    park=self.park,
                    user=None,
                    commit=True,
                    sha256=sha256_of(self.seed_file),
                ),
                "seed file",
            )

    def preview(self):
        result = run_import("enterprises", self.survey, park=self.park, user=None, commit=False, sha256=self.digest)
        _check(result, "file (preview)")
        return result

    def commit(self):
        result = run_import("enterprises", self.survey, park=self.park, user=None, commit=True, sha256=self.digest)
        _check(result, "file")
        return result


def time_plain(path: Path, salt: int) -> float:
    """Seconds a plain django-import-export ``ModelResource`` takes to import ``path`` (rolled back)."""

    class PlainEnterpriseResource(resources.ModelResource):
        class Meta:
            model = Enterprise
            import_id_fields = ("uscc",)  # the one option needed: the file has no id column

    elapsed = 0.0
    try:
        with transaction.atomic():
            park = make_park(salt, "B")
            started = time.perf_counter()
            header, rows = read_rows(path)
            wanted = [(i, PLAIN_FIELDS[h]) for i, h in enumerate(header) if h in PLAIN_FIELDS]
            dataset = tablib.Dataset(headers=[name for _i, name in wanted] + ["park"])
            for _number, cells in rows:
                dataset.append([cells[i] for i, _name in wanted] + [park.pk])
            PlainEnterpriseResource().import_data(dataset, dry_run=False, raise_errors=True)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return elapsed
