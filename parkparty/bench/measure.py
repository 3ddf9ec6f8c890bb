"""Timing one benchmark item: repeated runs, server time, SQL statements and response size."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection


@dataclass
class Outcome:
    """What one run of an item returned: the size of its answer in bytes and its HTTP status (200 in process)."""

    size: int
    status: int = 200


@dataclass
class Result:
    """An item's runs: server times in seconds, SQL statements and size of the last run, the bar and the verdict."""

    group: str
    name: str
    bar: float | None = None
    times: list[float] = field(default_factory=list)
    queries: int | None = None
    size: int | None = None
    status: int | None = None
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        """The 95th percentile by nearest rank (the slowest run when there are fewer than 20)."""
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def verdict(self) -> str:
        """``pass``/``FAIL`` against the bar (on the median), ``HTTP nnn`` or ``error`` when it did not answer."""
        if self.error:
            return "error"
        if self.status not in (None, 200):
            return f"HTTP {self.status}"
        if self.bar is None or self.median is None:
            return ""
        return "pass" if self.median <= self.bar else "FAIL"

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(median=self.median, p95=self.p95, runs=len(self.times), verdict=self.verdict)
        return data


class QueryCounter:
    """Counts the SQL statements sent through Django's connection while it is active.

    An execute wrapper rather than ``CaptureQueriesContext``: it counts from
    zero for every run, and it does not stop at the debug query log's 9 000
    entries (``CaptureQueriesContext`` counts the log's growth, so a full log
    counted "0 queries"). A ``COPY`` bypasses Django's cursor and is not counted.
    """

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        self.count = 0
        self._wrapped = connection.execute_wrapper(self)
        self._wrapped.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapped.__exit__(*exc)
        return False


def run(result: Result, action: Callable[[], Outcome], *, repeat: int, budget: float) -> Result:
    """Run ``action`` up to ``repeat`` times (at least once), stopping once its runs took ``budget`` seconds.

    Each run's time is the server time of the whole action (a streamed answer
    is read to its end); the queries, size and status are those of the last run.
    An exception ends the item and is recorded, so one broken page does not end the benchmark.
    """
    spent = 0.0
    for _ in range(max(1, repeat)):
        connection.queries_log.clear()
        try:
            with QueryCounter() as counter:
                started = time.perf_counter()
                outcome = action()
                elapsed = time.perf_counter() - started
        except Exception as error:  # a benchmark records what broke and goes on
            result.error = f"{type(error).__name__}: {error}"[:200]
            break
        result.times.append(elapsed)
        result.queries, result.size, result.status = counter.count, outcome.size, outcome.status
        spent += elapsed
        if outcome.status != 200 or spent >= budget:
            break
    return result
