"""The backup archive: an uncompressed tar holding the database part, the uploaded files and a manifest.

Layout (members in this order)::

    database.sqlite3 | database.pgdump     the database snapshot
    media/<path>                           every uploaded file, relative to MEDIA_ROOT
    manifest.json                          what the archive holds, with the SHA-256 of every part

Reading trusts nothing: every member must be a regular file with a plain relative name listed in
the manifest, with the manifest's size and checksum, before anything is restored.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import tarfile
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "parkparty-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_NAME_LENGTH = 1024
CHUNK = 1024 * 1024

#: A name component: no control characters, not "." or "..", no backslash (a Windows separator).
_BAD_COMPONENT = re.compile(r"[\x00-\x1f\x7f\\]")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator, in their language."""


class RestoreCheckError(BackupError):
    """The data was restored, but does not match what the backup recorded."""


def sha256_stream(handle: IO[bytes], *, size: int | None = None, sink: IO[bytes] | None = None) -> tuple[str, int]:
    """Hash ``handle`` to its end (or ``size`` bytes), copying into ``sink`` on the way; return (hex, bytes read)."""
    digest = hashlib.sha256()
    read = 0
    while size is None or read < size:
        chunk = handle.read(CHUNK if size is None else min(CHUNK, size - read))
        if not chunk:
            break
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
        read += len(chunk)
    return digest.hexdigest(), read


def media_name_is_safe(name: str) -> bool:
    """A media path that stays inside the media folder: relative, normalised, no ``..``, no odd characters."""
    if not name or len(name) > MAX_NAME_LENGTH or name.startswith("/"):
        return False
    if posixpath.normpath(name) != name:
        return False
    return all(part not in ("", ".", "..") and not _BAD_COMPONENT.search(part) for part in name.split("/"))


def _kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return _("symbolic link")
    if member.islnk():
        return _("hard link")
    if member.isdir():
        return _("directory")
    if member.ischr() or member.isblk():
        return _("device file")
    if member.isfifo():
        return _("named pipe")
    return _("special entry")


@dataclass
class Manifest:
    """The parsed, checked ``manifest.json`` of an archive."""

    data: dict[str, Any]

    @property
    def engine(self) -> str:
        return self.data["database"]["engine"]

    @property
    def database_member(self) -> str:
        return DATABASE_MEMBERS[self.engine]

    @property
    def media_files(self) -> list[dict[str, Any]]:
        return self.data["media"]["files"]

    @property
    def tables(self) -> dict[str, int]:
        return self.data["tables"]

    @property
    def migrations(self) -> dict[str, list[str]]:
        return self.data["migrations"]

    def expected_members(self) -> dict[str, tuple[int, str]]:
        """Every member but the manifest: name → (size, sha256)."""
        database = self.data["database"]
        members = {self.database_member: (database["size"], database["sha256"])}
        for item in self.media_files:
            members[MEDIA_PREFIX + item["path"]] = (item["size"], item["sha256"])
        return members


def _require(condition: bool) -> None:
    if not condition:
        raise BackupError(_("The archive's manifest is damaged or was not written by ParkParty."))


def _is_sha256(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def parse_manifest(raw: bytes) -> Manifest:
    """Check the manifest's shape; anything unexpected is a damaged archive."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupError(_("The archive's manifest is damaged or was not written by ParkParty.")) from None
    _require(isinstance(data, dict) and data.get("format") == FORMAT)
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This backup has format version %(found)s; this ParkParty reads version %(known)s.")
            % {"found": data.get("format_version"), "known": FORMAT_VERSION}
        )
    database, media = data.get("database"), data.get("media")
    _require(isinstance(database, dict) and database.get("engine") in DATABASE_MEMBERS)
    _require(_is_count(database.get("size")) and _is_sha256(database.get("sha256")))
    _require(isinstance(media, dict) and isinstance(media.get("files"), list))
    seen = set()
    for item in media["files"]:
        _require(isinstance(item, dict) and isinstance(item.get("path"), str))
        _require(_is_count(item.get("size")) and _is_sha256(item.get("sha256")))
        if not media_name_is_safe(item["path"]) or item["path"] in seen:
            raise BackupError(
                _("The archive names a file outside the media folder or twice: %(name)s") % {"name": item["path"]}
            )
        seen.add(item["path"])
    tables, migrations = data.get("tables"), data.get("migrations")
    _require(isinstance(tables, dict) and all(isinstance(k, str) and _is_count(v) for k, v in tables.items()))
    _require(
        isinstance(migrations, dict)
        and all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(n, str) for n in v)
            for k, v in migrations.items()
        )
    )
    return Manifest(data)


def open_archive(path) -> tarfile.TarFile:
    """Open an archive for reading; a missing file or one that is not a tar is refused clearly."""
    try:
        return tarfile.open(path, mode="r:")
    except FileNotFoundError:
        raise BackupError(_("The backup file %(path)s does not exist.") % {"path": path}) from None
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            _("%(path)s is not a ParkParty backup (not a readable tar archive: %(reason)s).")
            % {"path": path, "reason": exc}
        ) from None


def read_members(archive: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    """Every member by name, refusing links, devices, directories, odd names and duplicates."""
    members: dict[str, tarfile.TarInfo] = {}
    try:
        listing = archive.getmembers()
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("The archive is damaged or incomplete: %(reason)s") % {"reason": exc}) from None
    for member in listing:
        if not member.isreg():
            raise BackupError(
                _("The archive holds an entry that is not allowed: %(name)s (%(kind)s).")
                % {"name": member.name, "kind": _kind(member)}
            )
        name = member.name
        plain = name == MANIFEST or name in DATABASE_MEMBERS.values()
        media = name.startswith(MEDIA_PREFIX) and media_name_is_safe(name[len(MEDIA_PREFIX) :])
        if not (plain or media):
            raise BackupError(
                _("The archive holds a file outside the media folder or with an unsafe name: %(name)s") % {"name": name}
            )
        if name in members:
            raise BackupError(_("The archive holds %(name)s twice.") % {"name": name})
        members[name] = member
    return members


def read_manifest(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> Manifest:
    """The manifest, checked against the archive's members: same names, same sizes."""
    member = members.get(MANIFEST)
    if member is None:
        raise BackupError(_("The archive has no manifest: it is incomplete or not a ParkParty backup."))
    if member.size > MAX_MANIFEST_BYTES:
        raise BackupError(_("The archive's manifest is damaged or was not written by ParkParty."))
    manifest = parse_manifest(archive.extractfile(member).read())
    expected = manifest.expected_members()
    present = set(members) - {MANIFEST}
    missing, extra = sorted(set(expected) - present), sorted(present - set(expected))
    if missing:
        raise BackupError(
            _("The archive is incomplete: %(name)s is listed in the manifest but missing.") % {"name": missing[0]}
        )
    if extra:
        raise BackupError(_("The archive holds a file its manifest does not list: %(name)s") % {"name": extra[0]})
    for name, (size, _digest) in expected.items():
        if members[name].size != size:
            raise BackupError(
                _("Checksum mismatch: %(name)s was damaged or changed after the backup.") % {"name": name}
            )
    return manifest


def verify_member(archive: tarfile.TarFile, member: tarfile.TarInfo, sha256: str, *, sink: IO[bytes] | None = None):
    """Read one member to its end, copying into ``sink``; refuse when its checksum is not the manifest's."""
    try:
        handle = archive.extractfile(member)
        digest, read = sha256_stream(handle, sink=sink)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("The archive is damaged or incomplete: %(reason)s") % {"reason": exc}) from None
    if digest != sha256 or read != member.size:
        raise BackupError(
            _("Checksum mismatch: %(name)s was damaged or changed after the backup.") % {"name": member.name}
        )
