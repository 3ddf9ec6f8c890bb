"""The database half of a backup: a consistent snapshot of SQLite or PostgreSQL, and putting it back.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database in one step, that
  is in one read transaction, so writers carry on (WAL) and the copy is the database at one instant.
- PostgreSQL: our own REPEATABLE READ transaction exports its snapshot and ``pg_dump -Fc`` dumps
  exactly that snapshot, so the row counts, migrations and file references we read in the
  transaction describe the dump. ``pg_restore`` puts it back in one transaction.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from .archive import BackupError

#: Seconds a pg_dump or pg_restore may run before it is stopped.
PG_TOOL_TIMEOUT = 6 * 3600
#: Seconds the SQLite backup API keeps retrying a locked database before giving up.
SQLITE_LOCK_WAIT = 60


@dataclass
class Snapshot:
    """What a database snapshot holds, read from the snapshot itself."""

    engine: str
    server_version: str
    tool: str = ""
    tables: dict[str, int] = field(default_factory=dict)
    migrations: dict[str, list[str]] = field(default_factory=dict)
    references: set[str] = field(default_factory=set)


def engine_of(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


# Reading a snapshot: tables, row counts, migrations, file references -------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 — a quoted table name
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor, tables: list[str]) -> dict[str, list[str]]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField of every installed model: the uploads the database refers to."""
    columns = []
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                columns.append((model._meta.db_table, model_field.column))
    return columns


def _references(cursor, tables: list[str]) -> set[str]:
    names: set[str] = set()
    for table, column in file_columns():
        if table in tables:
            cursor.execute(
                f"SELECT {_quote(column)} FROM {_quote(table)} WHERE {_quote(column)} <> ''"  # noqa: S608
            )
            names.update(row[0] for row in cursor.fetchall() if row[0])
    return names


def describe(cursor, tables: list[str], snapshot: Snapshot) -> Snapshot:
    snapshot.tables = _count_rows(cursor, sorted(tables))
    snapshot.migrations = _migrations(cursor, tables)
    snapshot.references = _references(cursor, tables)
    return snapshot


def sqlite_tables(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [row[0] for row in cursor.fetchall()]


def postgres_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return [row[0] for row in cursor.fetchall()]


def count_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows of every table of the live database (after a restore, to compare with the manifest)."""
    with connection.cursor() as cursor:
        tables = sqlite_tables(cursor) if engine_of(connection) == "sqlite" else postgres_tables(cursor)
        return _count_rows(cursor, sorted(tables))


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sqlite_tables(cursor) if engine_of(connection) == "sqlite" else postgres_tables(cursor)


# SQLite --------------------------------------------------------------------------------------------------


def _check_sqlite_file(path: Path) -> None:
    database = sqlite3.connect(path)
    try:
        result = database.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    finally:
        database.close()
    if result != "ok":
        raise BackupError(_("The SQLite database file is damaged: %(reason)s") % {"reason": result})


def _give_up_when_locked():
    """A progress callback for ``sqlite3.Connection.backup``, which otherwise retries a locked database forever."""
    deadline = time.monotonic() + SQLITE_LOCK_WAIT

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(
                _("The SQLite database stayed locked by another program for %(seconds)s seconds; try again later.")
                % {"seconds": SQLITE_LOCK_WAIT}
            )

    return progress


def sqlite_snapshot(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """Copy the live SQLite database into ``target`` with the online backup API, then describe the copy."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole database in one read transaction, a snapshot at one instant.
        connection.connection.backup(copy, progress=_give_up_when_locked())
        copy.execute("PRAGMA journal_mode=DELETE")  # the file stands alone, without a -wal file
    except sqlite3.Error as exc:
        raise BackupError(_("The SQLite database could not be copied: %(reason)s") % {"reason": exc}) from None
    finally:
        copy.close()
    _check_sqlite_file(target)
    copy = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        cursor = copy.cursor()
        return describe(cursor, sqlite_tables(cursor), Snapshot("sqlite", sqlite3.sqlite_version))
    finally:
        copy.close()


def sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Write the archived database into the (empty) live one through the backup API, which takes SQLite's locks."""
    _check_sqlite_file(source)
    connection.ensure_connection()
    archived = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        archived.backup(connection.connection, progress=_give_up_when_locked())
    except sqlite3.Error as exc:
        raise BackupError(_("The SQLite database could not be restored: %(reason)s") % {"reason": exc}) from None
    finally:
        archived.close()
        connection.close()  # the next use reconnects and applies the connection settings (WAL)


# PostgreSQL ----------------------------------------------------------------------------------------------

_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def pg_environment(settings_dict: dict) -> dict[str, str]:
    """The libpq variables that make pg_dump / pg_restore connect as Django does."""
    env = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict.get("NAME") or "",
        "PGAPPNAME": "parkparty-backup",
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in _LIBPQ_OPTIONS.items():
        if options.get(option):
            env[variable] = str(options[option])
    return {**os.environ, **{name: value for name, value in env.items() if value}}


def pg_tool(name: str) -> tuple[str, int, str]:
    """The path, major version and version line of pg_dump or pg_restore; refused when it is missing."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s was not found. Install the PostgreSQL client (Debian: apt-get install postgresql-client).")
            % {"tool": name}
        )
    line = subprocess.run([path, "--version"], capture_output=True, text=True, check=False, timeout=60).stdout.strip()  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", line)
    if not match:
        raise BackupError(_("Could not read the version of %(tool)s: %(output)s") % {"tool": name, "output": line})
    return path, int(match.group(1)), line


def conninfo_dbname(name: str) -> str:
    """``dbname='…'`` for ``pg_restore --dbname`` (host, user, password come from the environment)."""
    return "dbname='" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _server_major(connection: BaseDatabaseWrapper) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def _run_pg_tool(args: list[str], env: dict[str, str], failure: str) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=PG_TOOL_TIMEOUT)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise BackupError(failure % {"reason": _("it did not finish in time")}) from None
    if result.returncode != 0:
        raise BackupError(failure % {"reason": (result.stderr or result.stdout).strip()[-2000:]})


def postgres_snapshot(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """pg_dump -Fc of one exported snapshot, described from the same snapshot."""
    path, client_major, line = pg_tool("pg_dump")
    server_major = _server_major(connection)
    if client_major < server_major:
        raise BackupError(
            _(
                "pg_dump %(client)s cannot back up a PostgreSQL %(server)s server; install the PostgreSQL %(server)s "
                "client (postgresql-client-%(server)s)."
            )
            % {"client": client_major, "server": server_major}
        )
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot_id, server_version = cursor.fetchone()
        _run_pg_tool(
            [path, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}", f"--file={target}"],
            pg_environment(connection.settings_dict),
            _("pg_dump failed: %(reason)s"),
        )
        snapshot = describe(cursor, postgres_tables(cursor), Snapshot("postgresql", server_version, tool=line))
        cursor.execute("COMMIT")
        return snapshot
    finally:
        raw.close()


def postgres_restore(connection: BaseDatabaseWrapper, source: Path, *, dump_tool: str) -> None:
    """pg_restore into the (empty) database in one transaction: all of it or nothing."""
    path, client_major, _line = pg_tool("pg_restore")
    match = re.search(r"(\d+)", dump_tool)
    if match and client_major < int(match.group(1)):
        raise BackupError(
            _("The backup was written by %(dump)s; pg_restore %(client)s cannot read it. Install a newer client.")
            % {"dump": dump_tool, "client": client_major}
        )
    settings_dict = connection.settings_dict
    connection.close()
    _run_pg_tool(
        [
            path,
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo_dbname(settings_dict['NAME'])}",
            str(source),
        ],
        pg_environment(settings_dict),
        _("pg_restore failed, nothing was restored: %(reason)s"),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics


#: engine → (snapshot, restore)
SNAPSHOT: dict[str, Callable[[BaseDatabaseWrapper, Path], Snapshot]] = {
    "sqlite": sqlite_snapshot,
    "postgresql": postgres_snapshot,
}
