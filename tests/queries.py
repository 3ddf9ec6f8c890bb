"""Counting the queries a page runs, for the tests that show a page's queries do not grow with the data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, params: dict | None = None, *, warm: bool = False) -> int:
    """The number of queries one GET of ``url`` (with ``params``) runs; the page must answer 200.

    ``warm`` fetches the page once before, uncounted, so that caches filled
    on a process's first request (sessions, content types) are not counted.
    """
    if warm:
        client.get(url, params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(captured)
