"""bench: the one benchmark suite (``make bench``), against the current database; it measures and never fails.

Import (a 10 000-row enterprise survey, preview + commit on a scratch park,
rolled back), every workbench list (page 1 and the last page, as the county
reviewer and as park staff), details, dashboards (county overview, chart
JSON, park dashboard, drill-downs), the annual reports (in process) and the
county's member export, each run ``--repeat`` times through Django's test
client; one table of median and p95 server time, SQL queries, size, the bar
of issue #13 and pass/fail. The database must hold the demo (``load_demo``)
or generate_scale's data (its ``scale-*`` logins are preferred when present).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parkparty import bench
from parkparty.bench.suite import counts


class Command(BaseCommand):
    help = "Benchmark import, lists, details, dashboards, reports and exports on the current database; print one table."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=5, help="runs of each item (default 5)")
        parser.add_argument(
            "--budget",
            type=float,
            default=60.0,
            metavar="SECONDS",
            help="stop repeating an item once its runs took this long (default 60; it always runs once)",
        )
        parser.add_argument("--year", type=int, default=None, help="default 2024 on generated data, 2023 on the demo")
        parser.add_argument("--logins", default="", help="login prefix: demo or scale (default: scale when present)")
        parser.add_argument(
            "--only", default="", metavar="GROUPS", help=f"comma-separated groups among {', '.join(bench.GROUPS)}"
        )
        parser.add_argument("--rows", type=int, default=10_000, help="rows of the import (default 10 000)")
        parser.add_argument("--updates", type=int, default=500, help="of which update existing enterprises (500)")
        parser.add_argument(
            "--profile",
            type=int,
            default=0,
            metavar="N",
            help="profile the first import and print the N costliest functions",
        )
        parser.add_argument("--plain", action="store_true", help="also time a plain django-import-export ModelResource")
        parser.add_argument("--json", default="", metavar="FILE", help="write the results and conditions as JSON")
        parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")

    def handle(self, *args, **options):
        try:
            groups = bench.groups_from(options["only"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        settings = bench.Options(
            repeat=options["repeat"],
            budget=options["budget"],
            year=options["year"],
            logins=options["logins"],
            rows=options["rows"],
            updates=options["updates"],
            groups=groups,
            profile=options["profile"],
            plain=options["plain"],
        )
        started = bench.machine()
        suite = bench.Suite(settings, log=lambda line: self.stderr.write(line) if options["verbosity"] > 1 else None)
        data = counts()
        self.stdout.write(
            f"Benchmark on {started['database']} ({started['database_name']}), "
            f"{suite.prefix} logins, year {suite.year}, "
            f"{settings.repeat} runs per item (budget {settings.budget:g} s); "
            + ", ".join(f"{n} {name}" for name, n in data.items())
            + f"; load average {started['load_average'][0]:.2f}"
        )
        suite.run()
        finished = bench.machine()
        self.stdout.write((bench.markdown if options["markdown"] else bench.table)(suite.results))
        self.stdout.write(
            f"load average at the end {finished['load_average'][0]:.2f} "
            f"(1 min), {finished['load_average'][1]:.2f} (5 min); {started['cpus']} CPUs"
        )
        if suite.profile_text:
            self.stdout.write("profile of the first import, preview + commit (own time):")
            self.stdout.write(suite.profile_text)
        if options["json"]:
            Path(options["json"]).write_text(
                json.dumps(bench.report(suite, started=started, finished=finished), ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
