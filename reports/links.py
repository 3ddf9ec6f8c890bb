"""Links from a figure to the list of the records it counts."""

from __future__ import annotations

from django.urls import reverse

#: The scope segment of a figure URL that stands for the whole county.
COUNTY = "county"


def scope_code(park) -> str:
    """The URL segment naming a figure's scope: the park's code, or ``county``."""
    return COUNTY if park is None else park.code


def figure_url(park, year: int, key: str, part: str | None = None) -> str:
    """The list of the records behind figure ``key`` of ``park`` (None: the county) in ``year``.

    ``part`` addresses one point of a series (:mod:`reports.figures.series`), e.g. a month.
    """
    url = reverse("reports:figure_records", args=[scope_code(park), year, key])
    return f"{url}?part={part}" if part is not None else url


def dashboard_url(park, year: int | None = None) -> str:
    """The dashboard of ``park`` (None: the county overview), optionally for ``year``."""
    url = reverse("reports:county") if park is None else reverse("reports:park", args=[park.code])
    return f"{url}?year={year}" if year is not None else url
