"""bench_import: time the enterprise survey import against django-import-export's default ModelResource.

A benchmark, not a test (``make bench-import``). It writes a 10 000-row
survey with valid credit codes, then on the current database times

1. the preview (validation only) and the commit of ``run_import``, and
2. a plain ``ModelResource`` for ``Enterprise`` (default options, keyed by
   credit code) importing the same rows with ``dry_run=False``.

Everything happens in a transaction that is rolled back at the end, so the
database is left as it was (``--keep`` keeps the imported enterprises).
``--profile N`` runs our preview and commit under cProfile and prints the N
costliest functions by their own time (the timings are then inflated).
"""

from __future__ import annotations

import datetime
import random
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection, transaction
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
    """Raised to roll the benchmark's transaction back."""


def bench_code(n: int, salt: int) -> str:
    body = f"91360426{salt:03d}{n:06d}"
    return body + uscc.calc_check_digit(body)


class Command(BaseCommand):
    help = "Benchmark the enterprise survey import (10 000 rows) against a plain django-import-export ModelResource."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)
        parser.add_argument("--keep", action="store_true", help="keep the imported enterprises and the bench park")
        parser.add_argument("--skip-plain", action="store_true", help="do not run the (slow) plain ModelResource")
        parser.add_argument(
            "--profile", type=int, default=0, metavar="N", help="profile our import and print the N costliest functions"
        )

    def handle(self, *args, rows: int, keep: bool, skip_plain: bool, profile: int, **options):
        self.profiler = None
        if profile:
            import cProfile

            self.profiler = cProfile.Profile()
        salt = random.randrange(1000)  # noqa: S311 — not for security
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "survey.xlsx"
            started = time.perf_counter()
            self.write_file(path, rows, salt)
            self.stdout.write(f"{rows} rows written to a workbook in {time.perf_counter() - started:.2f} s")
            self.stdout.write(f"database: {connection.vendor}")
            plain_seconds = None if skip_plain else self.time_plain(path, salt)
            ours = self.time_ours(path, salt, keep)
        preview, commit = ours
        total = preview + commit
        self.stdout.write(f"ParkParty import: preview {preview:.2f} s + commit {commit:.2f} s = {total:.2f} s")
        if plain_seconds is not None:
            self.stdout.write(f"plain ModelResource import_data(dry_run=False): {plain_seconds:.2f} s")
            self.stdout.write(f"ratio: {plain_seconds / total:.1f}x faster")
        if self.profiler is not None:
            import io
            import pstats

            out = io.StringIO()
            pstats.Stats(self.profiler, stream=out).sort_stats("tottime").print_stats(profile)
            self.stdout.write("profile of preview + commit (own time):")
            self.stdout.write(out.getvalue())

    def write_file(self, path: Path, rows: int, salt: int) -> None:
        from openpyxl import Workbook

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
                    float(20 + n % 500),
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

    def make_park(self, salt: int, suffix: str) -> Park:
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

    def time_ours(self, path: Path, salt: int, keep: bool) -> tuple[float, float]:
        try:
            with transaction.atomic():
                park = self.make_park(salt, "A")
                digest = sha256_of(path)
                if self.profiler is not None:
                    self.profiler.enable()
                started = time.perf_counter()
                preview = run_import("enterprises", path, park=park, user=None, commit=False, sha256=digest)
                middle = time.perf_counter()
                result = run_import("enterprises", path, park=park, user=None, commit=True, sha256=digest)
                finished = time.perf_counter()
                if self.profiler is not None:
                    self.profiler.disable()
                if not result.ok:
                    errors = result.file_error or "; ".join(str(e) for e in result.errors[:5])
                    raise SystemExit(f"the benchmark file did not import: {errors}")
                assert preview.created == result.created == Enterprise.objects.filter(park=park).count()
                self.stdout.write(f"created {result.created} enterprises with history and survey snapshots")
                if not keep:
                    raise Rollback
        except Rollback:
            pass
        return middle - started, finished - middle

    def time_plain(self, path: Path, salt: int) -> float:
        import tablib
        from import_export import resources

        class PlainEnterpriseResource(resources.ModelResource):
            class Meta:
                model = Enterprise
                import_id_fields = ("uscc",)  # the one option needed: the file has no id column

        try:
            with transaction.atomic():
                park = self.make_park(salt, "B")
                started = time.perf_counter()
                header, rows = read_rows(path)
                wanted = [(i, PLAIN_FIELDS[h]) for i, h in enumerate(header) if h in PLAIN_FIELDS]
                dataset = tablib.Dataset(headers=[name for _i, name in wanted] + ["park"])
                for _number, cells in rows:
                    dataset.append([cells[i] for i, _name in wanted] + [park.pk])
                result = PlainEnterpriseResource().import_data(dataset, dry_run=False, raise_errors=True)
                elapsed = time.perf_counter() - started
                self.stdout.write(f"plain resource: {result.totals}")
                raise Rollback
        except Rollback:
            pass
        return elapsed
