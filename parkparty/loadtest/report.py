"""Requests per second, p50/p95 per request kind and errors, from the requests the simulated users made."""

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
    """The whole run: its kinds of request, its length, and the errors."""

    kinds: dict[str, Kind]
    seconds: float

    @property
    def requests(self) -> int:
        return sum(kind.count for kind in self.kinds.values())

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def failures(self) -> int:
        return sum(kind.failures for kind in self.kinds.values())

    @property
    def server_errors(self) -> int:
        """Answers with a 5xx status."""
        return sum(n for kind in self.kinds.values() for status, n in kind.statuses.items() if status >= 500)

    def all_times(self) -> list[float]:
        return [t for kind in self.kinds.values() for t in kind.times]


def summarize(requests: list[list], started: float, stopped: float) -> Summary:
    """``requests`` as the locustfile writes them: ``[kind, milliseconds, status, error]``.

    Every 5xx counts as an error even where the simulated user did not mark it;
    status 0 is a request that got no answer (connection refused, reset, timeout).
    """
    kinds: dict[str, Kind] = {}
    for name, millis, status, error in requests:
        kind = kinds.setdefault(name, Kind(name))
        kind.times.append(float(millis))
        kind.statuses[int(status)] += 1
        if error:
            kind.errors[error] += 1
        elif int(status) >= 500 or int(status) == 0:
            kind.errors[f"HTTP {status}"] += 1
    return Summary(kinds=kinds, seconds=max(0.0, stopped - started))


def format_summary(summary: Summary) -> list[str]:
    """The table printed after the run, one line per kind of request, then the totals."""
    width = max([len("request kind"), *(len(name) for name in summary.kinds)])
    lines = [f"{'request kind':<{width}}  {'count':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'max ms':>7}  {'errors':>6}"]
    for name in sorted(summary.kinds):
        kind = summary.kinds[name]
        lines.append(
            f"{name:<{width}}  {kind.count:>6}  {percentile(kind.times, 0.5):>7.0f}  "
            f"{percentile(kind.times, 0.95):>7.0f}  {max(kind.times):>7.0f}  {kind.failures:>6}"
        )
    every = summary.all_times()
    lines.append(
        f"{'all requests':<{width}}  {summary.requests:>6}  {percentile(every, 0.5):>7.0f}  "
        f"{percentile(every, 0.95):>7.0f}  {max(every, default=0):>7.0f}  {summary.failures:>6}"
    )
    lines.append(
        f"{summary.requests} requests in {summary.seconds:.1f} s: {summary.per_second:.1f} requests per second; "
        f"{summary.failures} errors, {summary.server_errors} of them 5xx."
    )
    for name in sorted(summary.kinds):
        for error, count in summary.kinds[name].errors.most_common():
            lines.append(f"  error × {count}: {name}: {error}")
    return lines
