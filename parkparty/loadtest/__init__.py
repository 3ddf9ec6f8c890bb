"""The load test of ``make loadtest`` (``manage.py loadtest``).

- ``htmlforms``: reads a page's form the way a browser submits it (standard library only,
  shared by the simulated users and the tests);
- ``locustfile``: the simulated park staff and county reviewers (run by locust, a
  development dependency, in its own process; it never imports Django);
- ``plan``: the load-test logins, the records the simulated users read and edit,
  written for locust as one JSON file;
- ``report``: requests per second, p50/p95 per request kind and errors from the run;
- ``checks``: no accepted edit lost, every refused edit refused as stale.
"""
