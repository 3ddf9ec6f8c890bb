"""A per-user limit on searches, kept in Django's cache.

Every list search (``?q=`` on a list or its export) counts. A user may make
``PARKPARTY_SEARCH_LIMIT`` searches in a window of ``PARKPARTY_SEARCH_WINDOW``
seconds, the window starting at their first search; one more is refused
with :class:`SearchThrottled` (the views answer 429 with a Chinese message)
until the window ends.

The count lives in the default cache. Django's default local-memory cache
is enough for one process (``runserver``, one gunicorn worker); with several
workers each keeps its own count, so set ``DJANGO_CACHE_URL`` to a shared
Redis for the limit to hold across them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


class SearchThrottled(Exception):
    """The user searched too often; ``retry_after`` is the seconds until the window ends."""

    def __init__(self, *, limit: int, window: int, retry_after: int):
        super().__init__(f"{limit} searches in {window} s")
        self.limit = limit
        self.window = window
        self.retry_after = retry_after


def check_search_rate(user) -> None:
    """Count one search by ``user``; raise :class:`SearchThrottled` past the limit (the search is not run)."""
    limit = settings.PARKPARTY_SEARCH_LIMIT
    window = settings.PARKPARTY_SEARCH_WINDOW
    if limit <= 0 or window <= 0:
        return
    key = f"parkparty:search:{user.pk}"
    started_key = f"{key}:started"
    now = time.time()
    if cache.add(key, 0, timeout=window):
        cache.set(started_key, now, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        cache.set(started_key, now, timeout=window)
        count = 1
    if count > limit:
        started = cache.get(started_key, now)
        retry_after = max(1, int(started + window - now + 0.999))
        raise SearchThrottled(limit=limit, window=window, retry_after=retry_after)
