"""bench_dashboards: the server time of each dashboard on the demo county and on ten times its data.

A benchmark, not a test (``make bench``). On the current database it loads
the demo county (``load_demo``), times each dashboard through Django's test
client (signed in as the demo login of the role whose home it is: best of
``--repeat`` runs, with the SQL query count), then copies the demo's
organizations with their enterprises, members, applicants, activities,
service requests, notice receipts and dues nine more times and times them
again. Everything happens in a transaction that is rolled back at the end.
"""

from __future__ import annotations

import datetime
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import ric, uscc

from members.models import Applicant, DuesPayment, Member
from organizations.models import Activity, Enterprise, NoticeReceipt, PartyOrganization, ServiceRequest
from parkparty.core.models import User


class Rollback(Exception):
    """Raised to roll the benchmark's transaction back."""


def credit_code(n: int) -> str:
    body = f"91360426B{n:08d}"
    return body + uscc.calc_check_digit(body)


def resident_id(n: int) -> str:
    """A valid resident ID number, different for every ``n`` (born 1960 onwards, a day per thousand)."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    body = f"360426{born:%Y%m%d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class Command(BaseCommand):
    help = "Time each dashboard on the demo county and on ten times its data (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2023, help="the dashboards' year (default 2023)")
        parser.add_argument("--repeat", type=int, default=3, help="runs per page; the best is printed")
        parser.add_argument("--times", type=int, default=10, help="how many times the demo data (default 10)")

    def handle(self, *args, year, repeat, times, **options):
        try:
            with transaction.atomic():
                call_command("load_demo", force=True, stdout=_Silent())
                self.stdout.write(f"Dashboards, year {year}, best of {repeat} runs (server time, SQL queries):")
                self.report("demo data", self.measure(year, repeat))
                started = time.perf_counter()
                multiply(times)
                self.stdout.write(f"  (copied the demo data to {times}× in {time.perf_counter() - started:.1f} s)")
                self.report(f"{times}× the demo data", self.measure(year, repeat))
                raise Rollback
        except Rollback:
            pass

    def measure(self, year: int, repeat: int) -> list[tuple[str, float, int]]:
        secretary = User.objects.get(username="demo-secretary")
        pages = [
            ("county overview", "demo-county", f"{reverse('reports:county')}?year={year}"),
            ("county charts (JSON)", "demo-county", reverse("reports:charts", args=["county", year])),
            ("park dashboard", "demo-staff", f"{reverse('reports:park', args=['DEMO'])}?year={year}"),
            ("organization view", "demo-secretary", reverse("reports:organization", args=[secretary.organization_id])),
        ]
        results = []
        for label, username, url in pages:
            client = Client(HTTP_HOST="localhost")
            client.force_login(User.objects.get(username=username))
            best, queries = float("inf"), 0
            for _ in range(repeat):
                connection.queries_log.clear()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                best, queries = min(best, elapsed), len(captured.captured_queries)
            results.append((label, best, queries))
        return results

    def report(self, title: str, results) -> None:
        counts = (
            f"{Enterprise.objects.count()} enterprises, {PartyOrganization.objects.count()} organizations, "
            f"{Member.objects.count()} members, {Activity.objects.count()} activities"
        )
        self.stdout.write(f"== {title} ({counts})")
        for label, seconds, queries in results:
            self.stdout.write(f"  {label:<22} {seconds * 1000:8.1f} ms  {queries:4d} queries")


class _Silent:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


def multiply(times: int) -> None:
    """Copy the demo's organizations and their records ``times - 1`` more times (new names and keys)."""
    orgs = list(PartyOrganization.objects.order_by("pk"))
    enterprises = list(Enterprise.objects.order_by("pk"))
    members = list(Member.objects.order_by("pk"))
    applicants = list(Applicant.objects.order_by("pk"))
    activities = list(Activity.objects.order_by("pk"))
    requests = list(ServiceRequest.objects.order_by("pk"))
    receipts = list(NoticeReceipt.objects.filter(organization__isnull=False).order_by("pk"))
    dues = list(DuesPayment.objects.order_by("pk"))
    serial = 0
    for copy in range(1, times):
        copies = [_copy(org, name=f"{org.name}（副本{copy}）", parent_id=None, secretary_id=None) for org in orgs]
        org_map = {
            old.pk: clone.pk for old, clone in zip(orgs, PartyOrganization.objects.bulk_create(copies), strict=True)
        }
        enterprise_map = {}
        new = []
        for enterprise in enterprises:
            serial += 1
            clone = _copy(enterprise, uscc=credit_code(serial), name=f"{enterprise.name}（副本{copy}）")
            clone.organization_id = org_map.get(enterprise.organization_id)
            new.append(clone)
        for old, clone in zip(enterprises, Enterprise.objects.bulk_create(new), strict=True):
            enterprise_map[old.pk] = clone.pk
        member_map = {}
        new = []
        for member in members:
            serial += 1
            clone = _copy(member, id_number=resident_id(serial))
            clone.organization_id = org_map[member.organization_id]
            clone.enterprise_id = enterprise_map.get(member.enterprise_id)
            new.append(clone)
        for old, clone in zip(members, Member.objects.bulk_create(new), strict=True):
            member_map[old.pk] = clone.pk
        new = []
        for applicant in applicants:
            serial += 1
            clone = _copy(applicant, id_number=resident_id(serial))
            clone.organization_id = org_map[applicant.organization_id]
            clone.member_id = member_map.get(applicant.member_id)
            clone.enterprise_id = enterprise_map.get(applicant.enterprise_id)
            new.append(clone)
        Applicant.objects.bulk_create(new)
        Activity.objects.bulk_create(
            [_copy(a, organization_id=org_map.get(a.organization_id, a.organization_id)) for a in activities]
        )
        ServiceRequest.objects.bulk_create(
            [_copy(r, enterprise_id=enterprise_map.get(r.enterprise_id, r.enterprise_id)) for r in requests]
        )
        NoticeReceipt.objects.bulk_create([_copy(r, organization_id=org_map[r.organization_id]) for r in receipts])
        DuesPayment.objects.bulk_create([_copy(d, member_id=member_map[d.member_id]) for d in dues])


def _copy(obj, **changes):
    """An unsaved copy of ``obj`` with ``changes`` (the original is left as it was)."""
    clone = type(obj)()
    for field in obj._meta.concrete_fields:
        if not field.primary_key:
            setattr(clone, field.attname, getattr(obj, field.attname))
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone
