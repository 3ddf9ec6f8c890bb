"""Writing figures as an officer writes them: numbering, percentages, dates, lists of names, last-year comparisons.

Report prose is Chinese document content (not UI text), so the words here are Chinese. A zero or unknown
figure never reaches a sentence as "0" or "—": callers leave the sentence out or say it in words, and
the helpers return "" for what cannot be said.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cached_property

from reports.figures import compute
from reports.figures.core import RATE, format_number, format_value

DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def heading_number(i: int) -> str:
    """The i-th (from 0) second-level number: （一）, （二） …"""
    return f"（{cn_number(i + 1)}）"


def numbered_paragraphs(items: list[str]) -> list[str]:
    """Paragraphs numbered （一）（二）… in order."""
    return [heading_number(i) + item for i, item in enumerate(items)]


def listed(items: list[str]) -> str:
    """Measures or points run on as 一是……；二是……。 (each item a clause without its final stop)."""
    items = [item.rstrip("。；，") for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0] + "。"
    return "；".join(f"{cn_number(i + 1)}是{item}" for i, item in enumerate(items)) + "。"


def points(items: list[tuple[str, str]]) -> str:
    """Points each opened by a short lead: 一是强化思想建设。……二是…… (empty points left out)."""
    kept = [(lead, body) for lead, body in items if body]
    if len(kept) == 1:
        return kept[0][1]  # a single point is not numbered
    return "".join(f"{cn_number(i + 1)}是{lead}。{body}" for i, (lead, body) in enumerate(kept))


def percent(value: float | Decimal | None) -> str:
    """A rate as official text writes it: 58%, 64.7%, 100% ("" when undefined)."""
    if value is None:
        return ""
    text = f"{float(value) * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def month_day(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def year_month(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


def full_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def names(items: list[str], *, limit: int = 3, unit: str = "", total: int | None = None) -> str:
    """甲 / 甲、乙 / 甲、乙、丙等5家: up to ``limit`` names, then 等 and the count with ``unit``."""
    items = [item for item in items if item]
    total = len(items) if total is None else total
    if not items:
        return ""
    shown = "、".join(items[:limit])
    if total > min(len(items), limit):
        return f"{shown}等{total}{unit}"
    return shown


def sentence(*parts: str) -> str:
    """The non-empty parts run together; "" when all are empty."""
    return "".join(part for part in parts if part)


class Facts:
    """The figures of a report read for prose: numbers, rates and comparisons with the year before."""

    def __init__(self, fs):
        self.fs = fs
        self.year = fs.year

    def n(self, key: str) -> int | Decimal:
        """The figure's value, 0 when it is unknown."""
        value = self.fs[key].value
        return value if isinstance(value, int | Decimal) else (value or 0)

    def v(self, key: str) -> str:
        """The figure as a number in a sentence (a range as 2000–6000, a rate as 58%)."""
        item = self.fs[key]
        return percent(item.value) if item.unit == RATE else format_value(item.value, item.unit)

    def has(self, *keys: str) -> bool:
        """Every figure is known and not zero."""
        return all(self.fs[key].value not in (None, 0) for key in keys)

    def rate(self, key: str) -> str:
        return percent(self.fs[key].value)

    @cached_property
    def before(self):
        """The figures of the year before (same scope, same day of counting)."""
        return compute(self.fs.park, self.year - 1, today=self.fs.today)

    def change(self, key: str, unit: str, *, growth: bool = True) -> str:
        """比上年增加13名、增长18.6% / 比上年减少2个 / 与上年持平; "" when last year had none."""
        now, then = self.fs[key].value, self.before[key].value
        if not then or now is None:
            return ""
        if now == then:
            return "与上年持平"
        if now > then:
            more = f"比上年增加{format_number(now - then)}{unit}"
            return f"{more}、增长{percent((now - then) / then)}" if growth else more
        return f"比上年减少{format_number(then - now)}{unit}"
