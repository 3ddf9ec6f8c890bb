"""backup / restore: a consistent snapshot taken while the site writes, restored table for table and file
for file; damaged, tampered or hostile archives and non-empty targets are refused and change nothing.

The round trip runs the real commands in their own processes against databases of their own — a
SQLite file, or on PostgreSQL (``DATABASE_URL``) databases this module creates and drops — with a
writer process recording activities with photos through the services while the backup runs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import urllib.parse
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from parkparty.backup.databases import file_columns

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
TIMEOUT = 300


# Databases of our own ----------------------------------------------------------------------------------


def _pg_url(name: str) -> str:
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(url._replace(path="/" + name))


def _pg_admin():
    import psycopg2

    config = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    return admin


@dataclass
class Place:
    """A database and a media folder the commands are pointed at."""

    url: str
    media: Path
    sqlite_path: Path | None = None
    pg_name: str | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.url, "DJANGO_MEDIA_ROOT": str(self.media)}

    def connect(self):
        if self.sqlite_path is not None:
            return sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
        import psycopg2

        return psycopg2.connect(self.url)

    def drop(self):
        if self.pg_name:
            with closing(_pg_admin()) as admin, admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')


def new_place(folder: Path, name: str) -> Place:
    """An empty database (a new SQLite file, or a new PostgreSQL database) and an empty media folder."""
    folder.mkdir(parents=True, exist_ok=True)
    if not ON_POSTGRES:
        path = folder / f"{name}.sqlite3"
        return Place(f"sqlite:///{path}", folder / f"{name}-media", sqlite_path=path)
    pg_name = f"test_{settings.DATABASES['default']['NAME']}_{name}".replace("-", "_")
    with closing(_pg_admin()) as admin, admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{pg_name}"')
    return Place(_pg_url(pg_name), folder / f"{name}-media", pg_name=pg_name)


def run(place: Place, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=place.env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def manage(place: Place, *args: str) -> subprocess.CompletedProcess:
    return run(place, "manage.py", *args)


# What a database and a media folder hold ---------------------------------------------------------------


def read_tables(place: Place) -> dict[str, dict]:
    """Every row of every table, by primary key (the whole row where a table has none)."""
    if place.sqlite_path is not None and not place.sqlite_path.exists():
        return {}
    connection = place.connect()
    try:
        cursor = connection.cursor()
        if place.sqlite_path is not None:
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
            tables = [row[0] for row in cursor.fetchall()]
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [row[0] for row in cursor.fetchall()]
        content = {}
        for table in sorted(tables):
            primary = primary_key(cursor, table, sqlite=place.sqlite_path is not None)
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            names = [column[0] for column in cursor.description]
            key = names.index(primary) if primary else None
            rows = {}
            for row in cursor.fetchall():
                values = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                rows[values[key] if key is not None else values] = values
            content[table] = rows
        return content
    finally:
        connection.close()


def primary_key(cursor, table: str, *, sqlite: bool) -> str | None:
    """The table's single-column primary key, or None."""
    if sqlite:
        cursor.execute(f'PRAGMA table_info("{table}")')
        keys = [row[1] for row in cursor.fetchall() if row[5]]
    else:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
            [f'"{table}"'],
        )
        keys = [row[0] for row in cursor.fetchall()]
    return keys[0] if len(keys) == 1 else None


def checksum(rows: dict) -> str:
    digest = hashlib.sha256()
    for key in sorted(rows, key=repr):
        digest.update(repr(rows[key]).encode())
    return digest.hexdigest()


def media_files(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def referenced_files(place: Place) -> set[str]:
    """The uploads the database names (photos, notice attachments, report templates and documents)."""
    connection = place.connect()
    try:
        cursor = connection.cursor()
        names = set()
        for table, column in file_columns():
            cursor.execute(f'SELECT "{column}" FROM "{table}"')  # noqa: S608
            names.update(value for (value,) in cursor.fetchall() if value)
        return names
    finally:
        connection.close()


def thumbnail(name: str) -> str:
    """Where a photo's thumbnail lives (organizations.activity_services.thumbnail_name)."""
    folder, _, base = name.rpartition("/")
    return f"{folder}/thumbs/{base}.jpg"


def writer_titles(place: Place) -> list[int]:
    """The numbers of the writer's activities a database holds, in order."""
    connection = place.connect()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT title FROM organizations_activity WHERE title LIKE '并发写入%%'")
        return sorted(int(title.removeprefix("并发写入")) for (title,) in cursor.fetchall())
    finally:
        connection.close()


# The source: a migrated database with the personas' world and real photos -----------------------------


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    place = new_place(tmp_path_factory.mktemp("backup"), "source")
    migrated = manage(place, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr
    seeded = run(place, "-m", "tests.backup_workload", "seed")
    assert seeded.returncode == 0, seeded.stderr
    yield place
    place.drop()


@pytest.fixture
def target(tmp_path):
    places = []

    def make(name: str = "target") -> Place:
        places.append(new_place(tmp_path, name))
        return places[-1]

    yield make
    for place in places:
        place.drop()


class Writer:
    """The writer process, its log read on a thread: ``latest`` is the last transaction known committed."""

    def __init__(self, place: Place, stop: Path):
        self.stop = stop
        self.lines: list[dict] = []
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.backup_workload", "write", str(stop)],
            cwd=ROOT,
            env=place.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(json.loads(line))

    @property
    def latest(self) -> int:
        return self.lines[-1]["n"] if self.lines else -1

    def wait_for(self, n: int) -> None:
        waited = 0.0
        while self.latest < n:
            assert self.process.poll() is None, self.process.stderr.read()
            assert waited < TIMEOUT, "the writer stopped writing"
            time.sleep(0.05)
            waited += 0.05

    def finish(self) -> list[dict]:
        self.stop.touch()
        self.process.wait(timeout=TIMEOUT)
        self.reader.join(timeout=TIMEOUT)
        assert self.process.returncode == 0, self.process.stderr.read()
        return self.lines


def test_backup_while_writing_restores_exactly_one_instant_of_the_database_and_every_file(source, target, tmp_path):
    archive = tmp_path / "backup.tar"
    writer = Writer(source, tmp_path / "stop")
    writer.wait_for(3)  # writes committed before the backup starts
    before = writer.latest
    backup = manage(source, "backup", "-o", str(archive))
    during = writer.latest
    writer.wait_for(during + 2)  # and more after it ended
    log = {line["n"]: line["max"] for line in writer.finish()}
    assert backup.returncode == 0, backup.stderr
    assert during > before, "the writer was held up while the backup ran"
    assert "张表" in backup.stdout and "上传文件" in backup.stdout

    restored_place = target("restored")
    restore = manage(restored_place, "restore", str(archive))
    assert restore.returncode == 0, restore.stderr
    assert "已恢复数据库" in restore.stdout and "已恢复上传文件" in restore.stdout

    source_tables, restored_tables = read_tables(source), read_tables(restored_place)
    # The snapshot holds the first k transactions of the writer, whole, and none after them.
    numbers = writer_titles(restored_place)
    k = len(numbers)
    assert numbers == list(range(1, k + 1))
    assert before <= k < max(log), (before, k, max(log))

    # Every table: exactly the source's rows as they stood after transaction k (count and content).
    assert set(restored_tables) == set(source_tables)
    assert len(restored_tables["organizations_historicalactivity"]) > k > 0
    for table, rows in source_tables.items():
        highest = log[k].get(table)
        expected = {
            key: row for key, row in rows.items() if highest is None or not isinstance(key, int) or key <= highest
        }
        assert len(restored_tables[table]) == len(expected), table
        assert checksum(restored_tables[table]) == checksum(expected), table

    # Every file the restored database names, and every photo's thumbnail, is byte for byte the source's;
    # nothing appears that the source does not hold.
    source_media, restored_media = media_files(source.media), media_files(restored_place.media)
    named = referenced_files(restored_place)
    named |= {thumbnail(name) for name in named} & set(source_media)
    assert len(named) > 2 * 3, "the source has too few uploads to compare"
    for name in sorted(named):
        assert restored_media.get(name) == source_media[name], name
    assert set(restored_media) <= set(source_media)

    # The archive: owner-only, and its manifest accounts for everything.
    assert archive.stat().st_mode & 0o077 == 0
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["format_version"] == 1
    assert manifest["database"]["engine"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert "0001_initial" in manifest["migrations"]["organizations"]
    assert manifest["tables"]["organizations_activity"] == len(restored_tables["organizations_activity"])
    assert {item["path"] for item in manifest["media"]["files"]} == set(restored_media)
    assert manifest["media"]["missing"] == []


# One archive for the refusal tests ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(source, tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "backup.tar"
    result = manage(source, "backup", "-o", str(path))
    assert result.returncode == 0, result.stderr
    return path


def rewrite(archive: Path, out: Path, *, change=None, add=(), manifest_change=None, rename=None) -> Path:
    """Copy an archive member by member: ``change(name, data)`` alters contents, ``manifest_change(dict)`` the
    manifest, ``rename`` maps old member names to new ones, ``add`` appends (TarInfo, data) members."""
    with tarfile.open(archive) as source, tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            elif change:
                data = change(member.name, data)
            info = tarfile.TarInfo((rename or {}).get(member.name, member.name))
            info.size = len(data)
            copy.addfile(info, io.BytesIO(data))
        for info, data in add:
            copy.addfile(info, io.BytesIO(data) if data is not None else None)
    return out


def refused(archive: Path, match: str) -> None:
    """Restored into this test process's database: refused (before its emptiness is even looked at)."""
    with pytest.raises(CommandError, match=match):
        call_command("restore", str(archive))


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "notes.tar"
    path.write_text("这不是备份文件")
    refused(path, "不是 ParkParty 备份")


@pytest.mark.django_db
def test_restore_refuses_a_truncated_archive(archive, tmp_path):
    path = tmp_path / "cut.tar"
    data = archive.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    refused(path, "不完整|损坏")


@pytest.mark.django_db
def test_restore_refuses_a_path_that_escapes_the_media_folder(archive, tmp_path):
    info = tarfile.TarInfo("media/../../escaped.txt")
    info.size = 4

    def list_it(manifest):
        manifest["media"]["files"].append({"path": "../../escaped.txt", "size": 4, "sha256": "0" * 64})

    path = rewrite(archive, tmp_path / "escape.tar", add=[(info, b"evil")], manifest_change=list_it)
    refused(path, "媒体文件夹之外")
    assert not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (tarfile.SYMTYPE, "符号链接"),
        (tarfile.LNKTYPE, "硬链接"),
        (tarfile.CHRTYPE, "设备文件"),
        (tarfile.DIRTYPE, "文件夹"),
    ],
)
def test_restore_refuses_links_devices_and_folders(archive, tmp_path, kind, label):
    info = tarfile.TarInfo("media/activities/link.jpg")
    info.type = kind
    info.linkname = "/etc/passwd"
    path = rewrite(archive, tmp_path / "link.tar", add=[(info, None)])
    refused(path, label)


@pytest.mark.django_db
def test_restore_refuses_a_file_the_manifest_does_not_list(archive, tmp_path):
    info = tarfile.TarInfo("media/planted.txt")
    info.size = 7
    path = rewrite(archive, tmp_path / "planted.tar", add=[(info, b"planted")])
    refused(path, "清单中没有")


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_another_database_engine(archive, tmp_path):
    ours, other = ("postgresql", "sqlite") if ON_POSTGRES else ("sqlite", "postgresql")
    members = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

    def other_engine(manifest):
        manifest["database"]["engine"] = other

    path = rewrite(
        archive, tmp_path / "other.tar", manifest_change=other_engine, rename={members[ours]: members[other]}
    )
    refused(path, "不支持跨数据库")


@pytest.mark.django_db
def test_restore_refuses_a_backup_from_a_newer_version(archive, tmp_path):
    def newer(manifest):
        manifest["migrations"]["organizations"].append("9999_from_the_future")

    refused(rewrite(archive, tmp_path / "newer.tar", manifest_change=newer), "更新版本")


@pytest.mark.django_db
def test_restore_refuses_a_database_that_is_not_empty(archive):
    refused(archive, "目标数据库不是空的")


def test_restore_refuses_a_changed_photo_and_leaves_the_target_empty(archive, target, tmp_path):
    def flip(name, data):
        if name.startswith("media/activities/") and "/thumbs/" not in name:
            return data[:-1] + bytes([data[-1] ^ 1])  # same size, one bit changed
        return data

    path = rewrite(archive, tmp_path / "tampered.tar", change=flip)
    place = target()
    result = manage(place, "restore", str(path))
    assert result.returncode == 1
    assert "校验失败" in result.stderr and "没有做任何改动" in result.stderr
    assert media_files(place.media) == {}
    assert read_tables(place) == {}


def test_restore_refuses_a_media_folder_that_is_not_empty(archive, target):
    place = target()
    place.media.mkdir(parents=True)
    (place.media / "keep.txt").write_text("旧文件")
    result = manage(place, "restore", str(archive))
    assert result.returncode == 1
    assert "媒体文件夹" in result.stderr and "不是空的" in result.stderr
    assert media_files(place.media) == {"keep.txt": hashlib.sha256("旧文件".encode()).hexdigest()}
    assert read_tables(place) == {}


@pytest.mark.django_db
def test_backup_refuses_to_write_into_the_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "notices").mkdir(parents=True)
    with pytest.raises(CommandError, match="媒体文件夹"):
        call_command("backup", "-o", str(tmp_path / "media" / "notices" / "backup.tar"))
    assert [p.name for p in (tmp_path / "media" / "notices").iterdir()] == []


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for the writer's transaction to end
def test_backup_replaces_an_older_archive_only_when_the_new_one_is_complete(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "nightly.tar"
    path.write_bytes(b"yesterday's backup")
    out = io.StringIO()
    call_command("backup", "-o", str(path), stdout=out)
    with tarfile.open(path) as tar:
        assert "manifest.json" in tar.getnames()
    assert "备份已写入" in out.getvalue()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nightly.tar"]  # no temporary file left behind


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's backup API and its locks")
@pytest.mark.django_db
def test_backup_gives_up_on_a_database_a_writer_keeps_locked(settings, tmp_path, monkeypatch):
    monkeypatch.setattr("parkparty.backup.databases.SQLITE_LOCK_WAIT", 0.5)
    settings.MEDIA_ROOT = tmp_path / "media"
    f.ParkFactory()  # this test's open transaction now writes: the snapshot cannot be taken meanwhile
    with pytest.raises(CommandError, match="一直被其他程序锁定"):
        call_command("backup", "-o", str(tmp_path / "backup.tar"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []
