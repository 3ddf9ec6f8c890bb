"""bench_reports: time the annual reports on the demo data (a benchmark, not a test: ``make bench``).

For each report kind it times, over several runs, computing every figure,
drafting the texts and rendering the DOCX of the demo zone for 2023, and
prints the minimum and median server time and the SQL queries of one run.
Loads the demo first when the database has none.
"""

from __future__ import annotations

import io
import statistics
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Park
from reports import outline
from reports.annual import load_report, render


class Command(BaseCommand):
    help = "Time the annual reports (figures, drafting, DOCX) on the demo data."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--year", type=int, default=2023)

    def handle(self, *args, runs, year, **options):
        if not Park.objects.filter(code="DEMO").exists():
            call_command("load_demo", "--force", stdout=io.StringIO())
        park = Park.objects.get(code="DEMO")
        for kind in outline.KINDS:
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    data = render(load_report(park, year, kind))
                times.append(time.perf_counter() - started)
            self.stdout.write(
                f"report {kind:<9} {park.code} {year}: min {min(times):.3f} s, "
                f"median {statistics.median(times):.3f} s, {len(queries)} queries, {len(data) // 1024} KiB (bar: ≤ 1 s)"
            )
