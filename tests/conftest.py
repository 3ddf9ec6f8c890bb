"""Shared test fixtures.

Browser tests use the system Chromium through Playwright. Without Chromium
they are skipped with a message, unless ``PARKPARTY_REQUIRE_BROWSER=1``
(set by ``.ci/run``), in which case they fail.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.test import TransactionTestCase

from tests.flushing import clear_audit_log

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


def pytest_collection_modifyitems(config, items):
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
