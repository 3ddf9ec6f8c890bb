"""The figures engine: every number of the dashboards and reports, computed once, by name.

>>> figures = compute(park, 2023)
>>> figures["enterprises_total"].value, figures["org_coverage_rate"].display

See ``FIGURES.md`` for the definitions and :mod:`reports.figures.core` for
the as-of rule.
"""

from . import definitions, details  # noqa: F401  (registers every figure)
from .core import GROUPS, NO_VALUE, REGISTRY, Figure, FigureSet, as_of_date, format_value, rate


def compute(park, year: int, today=None) -> FigureSet:
    """The figures of ``park`` (with its sub-parks; ``None`` for the whole county) for ``year``."""
    return FigureSet(park=park, year=year, today=today)


__all__ = ["GROUPS", "NO_VALUE", "REGISTRY", "Figure", "FigureSet", "as_of_date", "compute", "format_value", "rate"]
