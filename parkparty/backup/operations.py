"""``backup`` and ``restore``: one archive in, one archive out, and an account of what was done.

A backup snapshots the database first, then copies the uploaded files, writes the archive under a
temporary name next to the target (owner-only permissions) and renames it when it is complete.
A restore reads and checks the whole archive before it changes anything, and writes only into an
empty database and an empty media folder: it never overwrites data.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from . import databases
from .archive import (
    DATABASE_MEMBERS,
    ENGINE_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    Manifest,
    RestoreCheckError,
    open_archive,
    read_manifest,
    read_members,
    sha256_stream,
    verify_member,
)
from .media import add_media, media_is_empty, remove_written, restore_media

Say = Callable[[str], None]


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def size_text(size: int) -> str:
    """1234567 → "1.2 MB" (decimal units, as file managers show them)."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


@dataclass
class BackupResult:
    """What ``create_backup`` wrote."""

    path: Path
    size: int
    manifest: dict
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    """What ``restore_backup`` put back."""

    manifest: dict
    tables: dict[str, int]
    files: int
    bytes: int
    pending_migrations: list[str] = field(default_factory=list)


# Backup ------------------------------------------------------------------------------------------------


def _output_path(output: Path, media_root: Path) -> Path:
    output = Path(os.path.abspath(output))
    if output.is_dir():
        raise BackupError(_("%(path)s is a folder; give the name of the backup file to write.") % {"path": output})
    if not output.parent.is_dir():
        raise BackupError(_("The folder %(path)s does not exist.") % {"path": output.parent})
    real_media = Path(os.path.realpath(media_root))
    real_parent = Path(os.path.realpath(output.parent))
    if real_parent == real_media or real_media in real_parent.parents:
        raise BackupError(_("Write the backup outside the media folder %(path)s.") % {"path": media_root})
    return output


def create_backup(output: Path, *, using: str = DEFAULT_DB_ALIAS, say: Say = lambda line: None) -> BackupResult:
    """Write one archive with a consistent snapshot of the database and every uploaded file."""
    connection = connections[using]
    engine = databases.engine_of(connection)
    media_root = Path(settings.MEDIA_ROOT)
    output = _output_path(output, media_root)
    member = DATABASE_MEMBERS[engine]
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".parkparty-backup-") as work:
        work = Path(work)
        database_file = work / member
        try:
            snapshot = databases.SNAPSHOT[engine](connection, database_file)
        except DatabaseError as exc:
            raise BackupError(_("The database could not be read: %(reason)s") % {"reason": exc}) from None
        with open(database_file, "rb") as handle:
            database_sha, database_size = sha256_stream(handle)
        say(
            _("Database snapshot (%(engine)s %(version)s): %(tables)s tables, %(rows)s rows, %(size)s.")
            % {
                "engine": ENGINE_NAMES[engine],
                "version": snapshot.server_version,
                "tables": len(snapshot.tables),
                "rows": sum(snapshot.tables.values()),
                "size": size_text(database_size),
            }
        )
        partial = work / "archive.tar"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:", format=tarfile.PAX_FORMAT) as tar:
                info = tarfile.TarInfo(member)
                info.size, info.mtime, info.mode = database_size, int(timezone.now().timestamp()), 0o600
                with open(database_file, "rb") as handle:
                    tar.addfile(info, handle)
                database_file.unlink()
                media = add_media(tar, media_root)
                present = {item["path"] for item in media.files}
                missing = sorted(snapshot.references - present)
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created_at": timezone.localtime().isoformat(timespec="seconds"),
                    "app_version": app_version(),
                    "django_version": django.get_version(),
                    "database": {
                        "engine": engine,
                        "server_version": snapshot.server_version,
                        "dump_tool": snapshot.tool,
                        "size": database_size,
                        "sha256": database_sha,
                    },
                    "migrations": snapshot.migrations,
                    "tables": snapshot.tables,
                    "media": {"files": media.files, "bytes": media.bytes, "skipped": media.skipped, "missing": missing},
                }
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, io.BytesIO(body))
            raw.flush()
            os.fsync(raw.fileno())  # the whole archive is on disk before it takes the name

        say(_("Uploaded files: %(files)s, %(size)s.") % {"files": len(media.files), "size": size_text(media.bytes)})
        os.replace(partial, output)
    _fsync_directory(output.parent)
    size = output.stat().st_size
    say(_("Backup written to %(path)s (%(size)s).") % {"path": output, "size": size_text(size)})
    return BackupResult(output, size, manifest, skipped=media.skipped, missing=missing)


def _fsync_directory(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# Restore -----------------------------------------------------------------------------------------------


def _check_migrations(manifest: Manifest) -> None:
    """Refuse a backup whose database has migrations this code does not know: it comes from a newer version."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {(app, name) for app, names in manifest.migrations.items() for name in names}
    unknown = sorted(archived - known)
    if unknown:
        raise BackupError(
            _(
                "This backup comes from a newer version of ParkParty (migration %(migration)s is unknown here). "
                "Install that version first."
            )
            % {"migration": ".".join(unknown[0])}
        )


def _pending_migrations(connection) -> list[str]:
    """The migrations of this code that the restored database has not applied yet."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _check_target(connection, media_root: Path) -> None:
    try:
        tables = databases.table_names(connection)
    except DatabaseError as exc:
        raise BackupError(_("The target database could not be opened: %(reason)s") % {"reason": exc}) from None
    if tables:
        raise BackupError(
            _(
                "The target database is not empty (%(count)s tables, e.g. %(table)s). A restore writes only into an "
                "empty database and never overwrites data: create a new empty database (PostgreSQL: createdb; "
                "SQLite: a new file in DATABASE_URL) or move the old one aside, and do not run migrate before "
                "restoring."
            )
            % {"count": len(tables), "table": sorted(tables)[0]}
        )
    if not media_is_empty(media_root):
        raise BackupError(
            _(
                "The media folder %(path)s is not empty. A restore never overwrites files: point DJANGO_MEDIA_ROOT "
                "at an empty folder or move the old files aside."
            )
            % {"path": media_root}
        )


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS, say: Say = lambda line: None) -> RestoreResult:
    """Check the archive completely, then restore it into the empty database and media folder."""
    connection = connections[using]
    engine = databases.engine_of(connection)
    media_root = Path(settings.MEDIA_ROOT)
    with open_archive(path) as archive:
        members = read_members(archive)
        manifest = read_manifest(archive, members)
        if manifest.engine != engine:
            raise BackupError(
                _(
                    "This backup holds a %(archived)s database and the target is %(target)s. Restoring across "
                    "database engines is not supported: restore into %(archived)s."
                )
                % {"archived": ENGINE_NAMES[manifest.engine], "target": ENGINE_NAMES[engine]}
            )
        say(
            _("Backup of %(created)s, ParkParty %(version)s, %(engine)s database.")
            % {
                "created": manifest.data.get("created_at", "?"),
                "version": manifest.data.get("app_version", "?"),
                "engine": ENGINE_NAMES[engine],
            }
        )
        _check_migrations(manifest)
        _check_target(connection, media_root)

        with tempfile.TemporaryDirectory(prefix="parkparty-restore-") as work:
            database_file = Path(work) / manifest.database_member
            database = manifest.data["database"]
            with open(database_file, "wb") as handle:
                verify_member(archive, members[manifest.database_member], database["sha256"], sink=handle)
            for item in manifest.media_files:
                verify_member(archive, members["media/" + item["path"]], item["sha256"])
            media_bytes = sum(item["size"] for item in manifest.media_files)
            say(
                _("Checksums verified: the database and %(files)s uploaded files (%(size)s).")
                % {"files": len(manifest.media_files), "size": size_text(database["size"] + media_bytes)}
            )

            restore_media(archive, members, manifest, media_root)
            try:
                if engine == "sqlite":
                    databases.sqlite_restore(connection, database_file)
                else:
                    databases.postgres_restore(connection, database_file, dump_tool=database.get("dump_tool", ""))
            except BaseException:
                remove_written(
                    [media_root.joinpath(*item["path"].split("/")) for item in manifest.media_files], media_root
                )
                raise

    tables = databases.count_rows(connection)
    pending = _pending_migrations(connection)
    wrong = sorted(name for name, rows in manifest.tables.items() if tables.get(name) != rows)
    if wrong:
        raise RestoreCheckError(
            _("The restored table %(table)s has %(found)s rows; the backup recorded %(expected)s.")
            % {"table": wrong[0], "found": tables.get(wrong[0]), "expected": manifest.tables[wrong[0]]}
        )
    say(
        _("Database restored: %(tables)s tables, %(rows)s rows.")
        % {"tables": len(tables), "rows": sum(tables.values())}
    )
    say(
        _("Uploaded files restored: %(files)s, %(size)s into %(path)s.")
        % {"files": len(manifest.media_files), "size": size_text(media_bytes), "path": media_root}
    )
    if pending:
        say(
            _("The backup predates %(count)s migrations of this version: run python manage.py migrate now.")
            % {"count": len(pending)}
        )
    return RestoreResult(manifest.data, tables, len(manifest.media_files), media_bytes, pending)
