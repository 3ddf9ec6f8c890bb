"""Shared test fixtures.

``world`` is the two-park world of ``tests/personas.py`` (a module that needs
more adds to it by overriding ``world`` with a fixture that takes ``world``).
``import_world`` is the import tests' own world (``tests/importing.py``): the
parks and names an import workbook refers to.
``demo`` is the demo county of ``load_demo``, loaded once per session: the
tests that use it run last, each in a transaction that rolls back, so the
demo stays as loaded and no other test sees it. ``media`` points MEDIA_ROOT
at a folder of the test's own.

Helpers shared by test modules live beside this file, not in test modules:
``personas`` (the world, ``signed_in``), ``importing`` (the import world,
survey workbooks and rows), ``queries`` (``count_queries``), ``forms``
(``form_data``), ``browser`` (``PASSWORD``, ``sign_in``), ``dashboard_records``
(``grow``), ``flushing`` and ``factories``.

Browser tests use the system Chromium through Playwright. Without Chromium
they are skipped with a message, unless ``PARKPARTY_REQUIRE_BROWSER=1``
(set by ``.ci/run``), in which case they fail.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings

from tests.flushing import clear_audit_log, flush_database
from tests.importing import ImportWorld, build_import_world
from tests.personas import World, build_world

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FAILED = pytest.StashKey[bool]()


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PARKPARTY_CHROMIUM", ""), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase (flushing the database after it)."""
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or marker.args[:1] == (True,))


def run_demo_tests_last(items: list[pytest.Item]) -> None:
    """Move the tests that use ``demo`` to the end of the run, grouped by module, order kept otherwise.

    The demo is committed once and stays until the session ends: no test that
    runs after it may expect an empty database, and no test that flushes the
    database (a transactional one) may come between the demo's tests.
    """
    modules: dict[str, int] = {}

    def position(item: pytest.Item) -> tuple[int, int]:
        if "demo" not in getattr(item, "fixturenames", ()):
            return (0, 0)
        if is_transactional(item):
            raise pytest.UsageError(
                f"{item.nodeid}: a transactional test cannot use the session's demo (its flush would empty it)"
            )
        return (1, modules.setdefault(item.nodeid.split("::")[0], len(modules)))

    items.sort(key=position)


@pytest.hookimpl(trylast=True)  # after pytest-django's ordering (database tests, transactional, others)
def pytest_collection_modifyitems(config, items):
    run_demo_tests_last(items)
    if chromium_path():
        return
    if os.environ.get("PARKPARTY_REQUIRE_BROWSER") == "1":
        return  # the fixture fails loudly instead
    skip = pytest.mark.skip(reason="Chromium not installed: browser tests skipped (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_report_header(config):
    path = chromium_path()
    return f"browser tests: {'Chromium at ' + path if path else 'SKIPPED (no Chromium found)'}"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the search limit counts per user id, and ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


def _fixture_teardown_with_audit_log(self):
    """Empty the audit log (append-only, see tests/flushing.py) right before Django flushes a transactional test."""
    clear_audit_log()
    _django_fixture_teardown(self)


_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _fixture_teardown_with_audit_log


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """MEDIA_ROOT in a folder of the test's own (``tmp_path / "media"``, made when a file is first stored)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(db, media) -> World:
    """Parks A (with sub-park A1) and B, a record of every scoped model in each, and the people (tests/personas.py).

    Activity photos are real files, under ``media``.
    """
    return build_world()


@pytest.fixture
def import_world(db) -> ImportWorld:
    """Zone ZONE with sub-park ZONE-W and a park OTHER apart, the names import workbooks use (tests/importing.py)."""
    return build_import_world()


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker) -> str:
    """The demo county of ``load_demo``, committed once for the session; the command's printed output.

    Its tests run last (:func:`run_demo_tests_last`). A module fixture that
    writes on top of the demo does so inside :func:`tests.flushing.rolled_back`.
    """
    out = StringIO()
    with django_db_blocker.unblock(), override_settings(DEBUG=True):
        call_command("load_demo", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        flush_database()


@pytest.fixture
def demo_output(demo) -> str:
    """What ``load_demo`` printed when the session's demo was loaded."""
    return demo


@pytest.fixture
def demo_parks(demo, db) -> list[int]:
    """The ids of the demo zone ``DEMO`` and its sub-parks."""
    from organizations.models import Park

    return Park.objects.get(code="DEMO").descendant_ids()


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail("Chromium is required (PARKPARTY_REQUIRE_BROWSER=1) but was not found")
    # Playwright's sync API runs an event loop in this thread; Django's ORM
    # calls made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser page; a screenshot is saved under test-artifacts/ when the test fails."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    yield page
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
