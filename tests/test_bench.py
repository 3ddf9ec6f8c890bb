"""manage.py bench: one table with every item, sane SQL query counts and a JSON record (never its times).

Runs on the session's demo county with one run per item and a small import.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from parkparty.bench import GROUPS, Options, Suite
from parkparty.bench.suite import list_url_names
from parkparty.core.models import User
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_one_table_with_every_item_and_sane_query_counts(demo, tmp_path):
    out = StringIO()
    path = tmp_path / "bench.json"
    call_command("bench", "--repeat", "1", "--rows", "60", "--updates", "10", "--json", str(path), stdout=out)
    output, record = out.getvalue(), json.loads(path.read_text(encoding="utf-8"))
    names = [r["name"] for r in record["results"]]
    lists = list_url_names()
    assert "organizations:activity_list" in lists and "members:member_list" in lists
    expected = [
        *[
            f"list {name.split(':')[1].removesuffix('_list')} {page} ({who})"
            for who in ("county", "staff")
            for name in lists
            for page in ("p.1", "last page")
        ],
        "enterprise detail (staff)",
        "organization detail (staff)",
        "member detail (staff)",
        "county overview",
        "county chart JSON",
        "county drill-down members_total",
        "park dashboard (staff)",
        "park drill-down members_total (staff)",
        "organization view (staff)",
        "annual report duty DEMO 2023",
        "annual report situation DEMO 2023",
        "member list xlsx (county)",
        "import 60 rows (10 updates): preview",
        "import 60 rows (10 updates): commit",
        "import 60 rows (10 updates): total",
    ]
    assert names == expected
    for name in expected:
        assert name in output
    assert {r["group"] for r in record["results"]} == set(GROUPS)
    assert record["logins"] == "demo" and record["year"] == 2023
    assert record["data"]["members"] > 0

    for result in record["results"]:
        assert not result["error"], result
        assert result["status"] == 200, result
        assert result["runs"] == 1 and len(result["times"]) == 1
        assert result["verdict"] in ("", "pass", "FAIL"), result
        if result["group"] == "import":
            assert result["queries"] > 0
        else:
            # A page signs in, reads its records and renders: a handful to a few dozen statements, never 0.
            assert 1 <= result["queries"] <= 80, result
            assert result["size"] > 1000, result
    by_name = {r["name"]: r for r in record["results"]}
    assert by_name["import 60 rows (10 updates): total"]["queries"] == (
        by_name["import 60 rows (10 updates): preview"]["queries"]
        + by_name["import 60 rows (10 updates): commit"]["queries"]
    )
    assert by_name["county overview"]["bar"] == 1.0
    assert by_name["enterprise detail (staff)"]["bar"] is None


def test_a_page_counts_what_capture_queries_counts_even_with_a_full_query_log(demo, settings):
    settings.DEBUG = True  # the debug cursor fills connection.queries_log, as under `make bench`
    connection.queries_log.extend({"sql": "", "time": "0"} for _ in range(connection.queries_log.maxlen))
    suite = Suite(Options(repeat=1, groups=("dashboards",)))
    suite.run()
    overview = next(r for r in suite.results if r.name == "county overview")
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="demo-county"))
    expected = count_queries(client, f"{reverse('reports:county')}?year=2023", warm=True)
    assert overview.queries == expected > 0


def test_unknown_groups_are_refused(demo):
    with pytest.raises(CommandError, match="unknown groups: charts"):
        call_command("bench", "--only", "lists,charts", stdout=StringIO())
