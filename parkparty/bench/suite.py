"""The benchmark suite: what is measured, as whom, and against which bar (issue #13, "Bars").

Every item runs against the current database. Pages go through Django's
test client signed in as the right login: the demo's (``demo-county``,
``demo-staff``) or generate_scale's (``scale-county``, ``scale-staff``).
The annual reports are built in process; the import runs on a scratch park
in a transaction that is rolled back.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from members.models import Member
from members.urls import urlpatterns as member_urls
from organizations.models import Activity, Enterprise, Park, PartyOrganization
from organizations.urls import urlpatterns as organization_urls
from parkparty.bench import importing
from parkparty.bench.measure import Outcome, QueryCounter, Result, run
from parkparty.core.models import User
from reports.annual import load_report, render
from reports.links import COUNTY
from reports.outline import DUTY, SITUATION

#: In the order they run: the import last, as its rolled-back rows leave dead tuples behind on PostgreSQL.
GROUPS = ("lists", "details", "dashboards", "reports", "exports", "import")

#: The bars of issue #13 in seconds (server time, PostgreSQL, province data); None where it sets none.
BAR_IMPORT = 3.0
BAR_LIST = 0.1
BAR_COUNTY = 1.0
BAR_PARK_DASHBOARD = 0.3
BAR_DRILL_DOWN = 0.3
BAR_REPORT = 1.0
BAR_EXPORT = 30.0

#: A page number past the end: the workbench answers its last page.
LATE_PAGE = 1_000_000


@dataclass
class Options:
    repeat: int = 5
    budget: float = 60.0
    year: int | None = None
    logins: str = ""
    rows: int = 10_000
    updates: int = 500
    groups: tuple[str, ...] = GROUPS
    profile: int = 0
    plain: bool = False


def login_prefix(wanted: str = "") -> str:
    """``wanted``, or ``scale`` when generate_scale's logins exist, else ``demo``."""
    if wanted:
        return wanted
    return "scale" if User.objects.filter(username="scale-county").exists() else "demo"


def default_year(prefix: str) -> int:
    """The year of the issue's measurements on generated data (2024), the demo's reports year (2023) otherwise."""
    return 2024 if prefix == "scale" else 2023


def list_url_names() -> list[str]:
    """Every workbench list, as the organizations and members URL modules declare them."""
    names = []
    for namespace, patterns in (("organizations", organization_urls), ("members", member_urls)):
        names += [f"{namespace}:{p.name}" for p in patterns if p.name and p.name.endswith("_list")]
    return names


class Suite:
    """Runs the items of ``options.groups``; :attr:`results` holds one :class:`Result` per row of the table."""

    def __init__(self, options: Options, *, log: Callable[[str], None] = lambda line: None):
        self.options = options
        self.log = log
        self.prefix = login_prefix(options.logins)
        self.year = options.year or default_year(self.prefix)
        self.county = User.objects.get(username=f"{self.prefix}-county")
        self.staff = User.objects.get(username=f"{self.prefix}-staff")
        self.results: list[Result] = []
        self.profile_text = ""
        self._clients: dict[int, Client] = {}

    # --- running -------------------------------------------------------------------------------------------

    def run(self) -> list[Result]:
        for group in self.options.groups:
            getattr(self, f"bench_{group}")()
        return self.results

    def measure(self, group: str, name: str, action: Callable[[], Outcome], bar: float | None = None) -> Result:
        result = run(Result(group, name, bar), action, repeat=self.options.repeat, budget=self.options.budget)
        self.results.append(result)
        shown = f"{result.median * 1000:.1f} ms" if result.median is not None else result.error
        self.log(f"  {name}: {shown} ({len(result.times)} runs)")
        return result

    def client(self, user: User) -> Client:
        if user.pk not in self._clients:
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            client.get("/")  # untimed: the first request of a process loads templates and URL patterns
            self._clients[user.pk] = client
        return self._clients[user.pk]

    def page(self, group: str, name: str, user: User, url: str, bar: float | None = None) -> Result:
        client = self.client(user)

        def get() -> Outcome:
            response = client.get(url)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            # The test client has closed the response already (a streamed one when read to its end) with
            # close_old_connections disconnected; closing it again here would close the database connection.
            return Outcome(size, response.status_code)

        return self.measure(group, name, get, bar)

    # --- the groups ----------------------------------------------------------------------------------------

    def bench_import(self) -> None:
        options = self.options
        salt = random.randrange(1000)  # noqa: S311 — not for security
        label = f"import {options.rows} rows"
        if options.updates:
            label += f" ({options.updates} updates)"
        preview, commit, total = (Result("import", f"{label}: {part}") for part in ("preview", "commit", "total"))
        total.bar = BAR_IMPORT
        self.results += [preview, commit, total]
        with tempfile.TemporaryDirectory() as folder:
            survey = Path(folder) / "survey.xlsx"
            importing.write_survey(survey, options.rows, salt)
            seed_file = None
            if options.updates:
                seed_file = Path(folder) / "seed.xlsx"
                importing.write_survey(seed_file, min(options.updates, options.rows), salt, variant=1)
            profiler = cProfile.Profile() if options.profile else None
            spent = 0.0
            for number in range(max(1, options.repeat)):
                try:
                    spent += self._import_once(importing.ImportRun(survey, seed_file, salt), preview, commit, profiler)
                except Exception as error:  # recorded in the table
                    total.error = f"{type(error).__name__}: {error}"[:200]
                    break
                total.times.append(preview.times[-1] + commit.times[-1])
                total.queries, total.status = preview.queries + commit.queries, 200
                vacuum_dead_tuples()
                if number == 0 and profiler is not None:
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(options.profile)
                    self.profile_text = out.getvalue()
                    profiler = None
                if spent >= options.budget:
                    break
            if options.plain:
                seconds = importing.time_plain(survey, salt)
                plain = Result("import", f"{options.rows} rows, plain ModelResource", times=[seconds], status=200)
                self.results.append(plain)
        self.log(f"  {label}: {total.median or 0:.2f} s ({len(total.times)} runs)")

    def _import_once(self, job: importing.ImportRun, preview: Result, commit: Result, profiler) -> float:
        try:
            with transaction.atomic():
                job.prepare()
                for result, step in ((preview, job.preview), (commit, job.commit)):
                    with QueryCounter() as counter:
                        if profiler is not None:
                            profiler.enable()
                        started = time.perf_counter()
                        step()
                        result.times.append(time.perf_counter() - started)
                        if profiler is not None:
                            profiler.disable()
                    result.queries, result.status = counter.count, 200
                raise importing.Rollback
        except importing.Rollback:
            pass
        return preview.times[-1] + commit.times[-1]

    def bench_lists(self) -> None:
        for user, who in ((self.county, "county"), (self.staff, "staff")):
            for url_name in list_url_names():
                entity = url_name.split(":")[1].removesuffix("_list")
                url = reverse(url_name)
                self.page("lists", f"list {entity} p.1 ({who})", user, url, BAR_LIST)
                self.page("lists", f"list {entity} last page ({who})", user, f"{url}?page={LATE_PAGE}", BAR_LIST)

    def bench_details(self) -> None:
        staff = self.staff
        for name, model, url_name in (
            ("enterprise", Enterprise, "organizations:enterprise_detail"),
            ("organization", PartyOrganization, "organizations:partyorganization_detail"),
            ("member", Member, "members:member_detail"),
        ):
            record = model.objects.for_user(staff).order_by("pk").first()
            if record is None:
                self.results.append(Result("details", f"{name} detail (staff)", error="no record"))
                continue
            self.page("details", f"{name} detail (staff)", staff, reverse(url_name, args=[record.pk]))

    def bench_dashboards(self) -> None:
        year, county, staff = self.year, self.county, self.staff
        zone = self.zone()
        self.page("dashboards", "county overview", county, f"{reverse('reports:county')}?year={year}", BAR_COUNTY)
        self.page("dashboards", "county chart JSON", county, reverse("reports:charts", args=[COUNTY, year]), BAR_COUNTY)
        self.page(
            "dashboards",
            "county drill-down members_total",
            county,
            reverse("reports:figure_records", args=[COUNTY, year, "members_total"]),
            BAR_DRILL_DOWN,
        )
        park_url = f"{reverse('reports:park', args=[zone.code])}?year={year}"
        self.page("dashboards", "park dashboard (staff)", staff, park_url, BAR_PARK_DASHBOARD)
        self.page(
            "dashboards",
            "park drill-down members_total (staff)",
            staff,
            reverse("reports:figure_records", args=[zone.code, year, "members_total"]),
            BAR_DRILL_DOWN,
        )
        organization = PartyOrganization.objects.for_user(staff).order_by("pk").first()
        if organization is not None:
            url = reverse("reports:organization", args=[organization.pk])
            self.page("dashboards", "organization view (staff)", staff, url)

    def bench_reports(self) -> None:
        zone = self.zone()
        for kind in (DUTY, SITUATION):
            self.measure(
                "reports",
                f"annual report {kind} {zone.code} {self.year}",
                lambda kind=kind: Outcome(len(render(load_report(zone, self.year, kind)))),
                BAR_REPORT,
            )

    def bench_exports(self) -> None:
        self.page("exports", "member list xlsx (county)", self.county, reverse("members:member_export"), BAR_EXPORT)

    def zone(self) -> Park:
        """The park staff's park (the zone of the demo or of generate_scale's first zone)."""
        return self.staff.park


def vacuum_dead_tuples() -> None:
    """On PostgreSQL, vacuum the tables a rolled-back import left dead tuples in (untimed).

    Without it (autovacuum may be off, or not yet run) every later run and page
    scans the dead rows of the 10 000 enterprises, their history and surveys.
    VACUUM cannot run inside a transaction; inside one (a test) the rows are not dead yet and it is skipped.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT relname FROM pg_stat_user_tables WHERE n_dead_tup > 0 AND schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def counts() -> dict[str, int]:
    """The size of the data measured."""
    return {
        "parks": Park.objects.count(),
        "enterprises": Enterprise.objects.count(),
        "organizations": PartyOrganization.objects.count(),
        "members": Member.objects.count(),
        "activities": Activity.objects.count(),
    }


def groups_from(text: str | Iterable[str]) -> tuple[str, ...]:
    """The groups named in ``text`` (comma separated), in the suite's order; every group when empty."""
    wanted = [part.strip() for part in text.split(",")] if isinstance(text, str) else list(text)
    wanted = [w for w in wanted if w]
    unknown = sorted(set(wanted) - set(GROUPS))
    if unknown:
        raise ValueError(f"unknown groups: {', '.join(unknown)} (choose from {', '.join(GROUPS)})")
    return tuple(g for g in GROUPS if g in wanted) if wanted else GROUPS
