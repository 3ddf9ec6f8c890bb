"""Emptying a test database that holds audit log entries.

The audit log is append-only: its database triggers refuse to delete entries
younger than 180 days, so Django's ``flush`` (which ends every transactional
test, and which module-scoped fixtures call) fails once a test has signed in
or exported anything. Tests flush through :func:`flush_database`; the
transactional tests' own flush is preceded by :func:`clear_audit_log`
(``conftest.py`` wraps ``TransactionTestCase._fixture_teardown``). Test code
only: the application has no way around the guard.

Data committed for a whole session (the demo, see ``conftest.py``) is kept
as loaded: module fixtures that write on top of it do so in
:func:`rolled_back`, whose transaction the module's tests run inside.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management import call_command
from django.db import transaction


def clear_audit_log() -> None:
    """Empty the audit log of the test database, lifting its guard for the moment it takes."""
    from django.db import connection

    from parkparty.core import audit_guard

    try:
        if audit_guard.TABLE not in connection.introspection.table_names():
            return
    except RuntimeError:  # the test never got database access: nothing to flush
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {audit_guard.TABLE} DISABLE TRIGGER USER")
            cursor.execute(f"DELETE FROM {audit_guard.TABLE}")  # noqa: S608 — a constant table name
            cursor.execute(f"ALTER TABLE {audit_guard.TABLE} ENABLE TRIGGER USER")
            return
    audit_guard.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {audit_guard.TABLE}")  # noqa: S608 — a constant table name
    audit_guard.install(connection)


def flush_database() -> None:
    """Django's ``flush`` of the test database, audit log included."""
    clear_audit_log()
    call_command("flush", interactive=False, verbosity=0)


@contextmanager
def rolled_back(django_db_blocker) -> Iterator[None]:
    """Database access in a transaction that is rolled back at the end, whatever was written in it.

    For module-scoped fixtures: tests that run inside it (with ``db``) run in
    savepoints of this transaction and see what the fixture wrote.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)
