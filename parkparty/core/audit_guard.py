"""Database triggers that keep the audit log append-only, even against raw SQL.

On PostgreSQL and SQLite alike: an UPDATE of an entry is refused; a DELETE
is refused unless the entry is older than 180 days (the minimum retention,
so only ``purge_audit_log`` can remove anything). PostgreSQL also refuses a
TRUNCATE while the table holds an entry younger than 180 days.

The triggers are installed by migration 0003 and again after every
``migrate`` (SQLite drops a table's triggers when a migration rebuilds the
table); installing is idempotent.
"""

from __future__ import annotations

#: Written into the SQL below as literals (it is the floor of ``settings.AUDIT_RETENTION_DAYS``).
MIN_RETENTION_DAYS = 180
TABLE = "parkparty_auditevent"

POSTGRESQL_INSTALL = """
CREATE OR REPLACE FUNCTION parkparty_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit log entries cannot be changed' USING ERRCODE = 'insufficient_privilege';
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.created_at > now() - interval '180 days' THEN
            RAISE EXCEPTION 'audit log entries younger than 180 days cannot be deleted'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF EXISTS (SELECT 1 FROM parkparty_auditevent WHERE created_at > now() - interval '180 days') THEN
        RAISE EXCEPTION 'the audit log holds entries younger than 180 days and cannot be emptied'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS parkparty_auditevent_guard_rows ON parkparty_auditevent;
CREATE TRIGGER parkparty_auditevent_guard_rows BEFORE UPDATE OR DELETE ON parkparty_auditevent
    FOR EACH ROW EXECUTE FUNCTION parkparty_auditevent_guard();
DROP TRIGGER IF EXISTS parkparty_auditevent_guard_truncate ON parkparty_auditevent;
CREATE TRIGGER parkparty_auditevent_guard_truncate BEFORE TRUNCATE ON parkparty_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION parkparty_auditevent_guard();
"""

POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS parkparty_auditevent_guard_rows ON parkparty_auditevent;
DROP TRIGGER IF EXISTS parkparty_auditevent_guard_truncate ON parkparty_auditevent;
DROP FUNCTION IF EXISTS parkparty_auditevent_guard();
"""

# Django stores SQLite datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]", which sorts as time does.
SQLITE_INSTALL = [
    """CREATE TRIGGER IF NOT EXISTS parkparty_auditevent_no_update BEFORE UPDATE ON parkparty_auditevent
BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END""",
    """CREATE TRIGGER IF NOT EXISTS parkparty_auditevent_no_delete BEFORE DELETE ON parkparty_auditevent
WHEN OLD.created_at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')
BEGIN SELECT RAISE(ABORT, 'audit log entries younger than 180 days cannot be deleted'); END""",
]

SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS parkparty_auditevent_no_update",
    "DROP TRIGGER IF EXISTS parkparty_auditevent_no_delete",
]


def _statements(connection, *, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return [POSTGRESQL_INSTALL if install else POSTGRESQL_REMOVE]
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    return []


def install(connection) -> None:
    """Create (or re-create) the triggers on ``connection``'s database."""
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=True):
            cursor.execute(statement)


def remove(connection) -> None:
    """Drop the triggers (used when the migration is reversed)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)
