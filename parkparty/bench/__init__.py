"""One benchmark suite (issue #13): import, lists, details, dashboards, reports and exports, in one table.

``manage.py bench`` (``make bench``) runs :class:`Suite` against the current
database and prints :func:`table`; ``--json`` writes :func:`report`.
Benchmarks measure: they never fail the build.
"""

from __future__ import annotations

import datetime
import os
import platform

from django.db import connection

from parkparty.bench.measure import Result
from parkparty.bench.suite import GROUPS, Options, Suite, counts, groups_from

__all__ = ["GROUPS", "Options", "Result", "Suite", "groups_from", "report", "table"]


def seconds_text(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def size_text(value: int | None) -> str:
    if value is None:
        return "—"
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.0f} KB"
    return f"{value / 1024 / 1024:.1f} MB"


def bar_text(result: Result) -> str:
    if result.bar is None:
        return ""
    bar = f"{result.bar * 1000:g} ms" if result.bar < 1 else f"{result.bar:g} s"
    return ("< " if result.group == "exports" else "≤ ") + bar


HEADERS = ("name", "median", "p95", "runs", "queries", "size", "bar", "")


def rows(results: list[Result]) -> list[tuple[str, ...]]:
    return [
        (
            r.name,
            seconds_text(r.median),
            seconds_text(r.p95),
            str(len(r.times)),
            "—" if r.queries is None else str(r.queries),
            size_text(r.size),
            bar_text(r),
            r.verdict,
        )
        for r in results
    ]


def table(results: list[Result]) -> str:
    """The results as one plain-text table (name left-aligned, figures right-aligned)."""
    lines = [HEADERS, *rows(results)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    out = []
    for number, line in enumerate(lines):
        cells = [line[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)
        ]
        out.append("  ".join(cells).rstrip())
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    errors = [f"{r.name}: {r.error}" for r in results if r.error]
    return "\n".join(out + errors)


def markdown(results: list[Result]) -> str:
    """The results as a Markdown table (for README)."""
    lines = ["| " + " | ".join(h or "result" for h in HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(results)]
    return "\n".join(lines)


def machine() -> dict:
    """Where and when the results were measured."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "database": connection.vendor,
        "database_name": str(connection.settings_dict.get("NAME")),
    }


def report(suite: Suite, *, started: dict, finished: dict) -> dict:
    """The results and their conditions, for ``--json``."""
    return {
        "started": started,
        "finished": finished,
        "year": suite.year,
        "logins": suite.prefix,
        "repeat": suite.options.repeat,
        "budget": suite.options.budget,
        "data": counts(),
        "results": [r.as_dict() for r in suite.results],
    }
