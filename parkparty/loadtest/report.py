"""Requests per second, p50/p95 per request kind and errors, from the requests the simulated users made.

Every simulated user starts by signing in (one password hash on the
server) and loading its first page with its static files. With 50 users
arriving in the first seconds that start-up rush is a load of its own, so
besides the whole run the report shows the *steady state*: the requests
that started after the last user had signed in and before the run was
stopped (the users then work for the run time).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Kind:
    """One kind of request (e.g. "member list"): how many, how fast, how many failed."""

    name: str
    times: list[float] = field(default_factory=list)
    steady: list[float] = field(default_factory=list)  # times of the requests in the steady state
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def failures(self) -> int:
        return sum(self.errors.values())


@dataclass
class Summary:
    """The whole run: its kinds of request, its length, the steady state, and the errors."""

    kinds: dict[str, Kind]
    seconds: float
    steady_seconds: float

    @property
    def requests(self) -> int:
        return sum(kind.count for kind in self.kinds.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def steady_requests(self) -> int:
        return sum(len(kind.steady) for kind in self.kinds.values())

    @property
    def steady_per_second(self) -> float:
        return self.steady_requests / self.steady_seconds if self.steady_seconds > 0 else 0.0

    @property
    def failures(self) -> int:
        return sum(kind.failures for kind in self.kinds.values())

    @property
    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(n for kind in self.kinds.values() for status, n in kind.statuses.items() if status >= 500)

    def all_times(self, *, steady: bool = False) -> list[float]:
        return [t for kind in self.kinds.values() for t in (kind.steady if steady else kind.times)]


def summarize(requests: list[list], started: float, stopped: float, ready: float | None = None) -> Summary:
    """``requests`` as the locustfile writes them: ``[kind, milliseconds, status, error, start time, phase]``.

    ``ready`` is when the last user had signed in; requests started from
    then until ``stopped`` are the steady state (users finish the task in
    hand after the stop; those requests count in the whole run only). Every 5xx counts as an error even where
    the simulated user did not mark it; status 0 is a request that got no
    answer (connection refused or reset, time-out).
    """
    kinds: dict[str, Kind] = {}
    for name, millis, status, error, *rest in requests:
        kind = kinds.setdefault(name, Kind(name))
        kind.times.append(float(millis))
        if ready is not None and rest and ready <= rest[0] < stopped:
            kind.steady.append(float(millis))
        kind.statuses[int(status)] += 1
        if error:
            kind.errors[error] += 1
        elif int(status) >= 500 or int(status) == 0:
            kind.errors[f"HTTP {status}"] += 1
    steady_seconds = max(0.0, stopped - ready) if ready is not None else 0.0
    return Summary(kinds=kinds, seconds=max(0.0, stopped - started), steady_seconds=steady_seconds)


def format_summary(summary: Summary) -> list[str]:
    """The table printed after the run, one line per kind of request, then the totals and the errors."""
    width = max([len("request kind"), *(len(name) for name in summary.kinds)])
    head = f"{'':<{width}}  {'whole run':-^45}  {'steady state':-^24}"
    lines = [
        head,
        f"{'request kind':<{width}}  {'count':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  {'errors':>7}  "
        f"{'count':>6}  {'p50 ms':>7}  {'p95 ms':>7}",
    ]

    def row(name, times, steady, failures):
        return (
            f"{name:<{width}}  {len(times):>6}  {percentile(times, 0.5):>7.0f}  {percentile(times, 0.95):>7.0f}  "
            f"{max(times, default=0):>7.0f}  {failures:>7}  {len(steady):>6}  {percentile(steady, 0.5):>7.0f}  "
            f"{percentile(steady, 0.95):>7.0f}"
        )

    for name in sorted(summary.kinds):
        kind = summary.kinds[name]
        lines.append(row(name, kind.times, kind.steady, kind.failures))
    lines.append(row("all requests", summary.all_times(), summary.all_times(steady=True), summary.failures))
    lines.append(
        f"Whole run: {summary.requests} requests in {summary.seconds:.1f} s, {summary.per_second:.1f} per second. "
        f"Steady state (every user signed in): {summary.steady_requests} requests in {summary.steady_seconds:.1f} s, "
        f"{summary.steady_per_second:.1f} per second."
    )
    lines.append(f"Errors: {summary.failures}, of them {summary.server_errors} with a 5xx status.")
    for name in sorted(summary.kinds):
        for error, count in summary.kinds[name].errors.most_common():
            lines.append(f"  error × {count}: {name}: {error}")
    return lines
