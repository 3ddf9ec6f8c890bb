"""The uploaded files half of a backup: copying MEDIA_ROOT into the archive and back.

Uploads are written before the database row that names them is committed, and never rewritten in
place, so copying the folder after the database snapshot finds every file the snapshot refers to.
A file that changes while it is copied (an upload being written) is copied again.
"""

from __future__ import annotations

import os
import stat
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .archive import MEDIA_PREFIX, BackupError, Manifest, media_name_is_safe, sha256_stream, verify_member

SPOOL_BYTES = 8 * 1024 * 1024
COPY_ATTEMPTS = 3


@dataclass
class MediaCopy:
    """What went into the archive from the media folder."""

    files: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(item["size"] for item in self.files)


def _walk(root: Path, skipped: list[str]):
    """(posix relative name, path) of every regular file under ``root``; links and special files go to ``skipped``."""
    for directory, subdirectories, names in os.walk(root, followlinks=False):
        subdirectories.sort()
        for name in subdirectories:
            if (Path(directory) / name).is_symlink():  # os.walk does not enter it
                skipped.append((Path(directory) / name).relative_to(root).as_posix())
        for name in sorted(names):
            path = Path(directory) / name
            relative = path.relative_to(root).as_posix()
            if not stat.S_ISREG(path.lstat().st_mode) or not media_name_is_safe(relative):
                skipped.append(relative)
                continue
            yield relative, path


def _copy_stable(path: Path, spool) -> tuple[str, int, float] | None:
    """Copy the file into ``spool``; None when it changed meanwhile (being written) or vanished."""
    for _attempt in range(COPY_ATTEMPTS):
        spool.seek(0)
        spool.truncate()
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        with os.fdopen(descriptor, "rb") as handle:
            before = os.fstat(handle.fileno())
            digest, size = sha256_stream(handle, sink=spool)
            after = os.fstat(handle.fileno())
        unchanged = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
        if unchanged and size == after.st_size:
            return digest, size, after.st_mtime
    return None


def add_media(archive: tarfile.TarFile, root: Path) -> MediaCopy:
    """Copy every uploaded file into the archive under ``media/``."""
    copy = MediaCopy()
    if not root.is_dir():
        return copy
    for relative, path in _walk(root, copy.skipped):
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            copied = _copy_stable(path, spool)
            if copied is None:
                copy.skipped.append(relative)
                continue
            digest, size, mtime = copied
            info = tarfile.TarInfo(MEDIA_PREFIX + relative)
            info.size, info.mtime, info.mode = size, int(mtime), 0o644
            spool.seek(0)
            archive.addfile(info, spool)
        copy.files.append({"path": relative, "size": size, "sha256": digest})
    return copy


def media_is_empty(root: Path) -> bool:
    if not root.exists():
        return True
    if not root.is_dir():
        raise BackupError(_("The media folder %(path)s is not a folder.") % {"path": root})
    return not any(root.iterdir())


def restore_media(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo], manifest: Manifest, root: Path):
    """Write every archived file into the empty media folder; on any failure remove what was written."""
    written: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    real_root = Path(os.path.realpath(root))
    try:
        for item in manifest.media_files:
            target = root.joinpath(*item["path"].split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            real_parent = Path(os.path.realpath(target.parent))
            if real_parent != real_root and real_root not in real_parent.parents:
                raise BackupError(
                    _("The archive names a file outside the media folder or twice: %(name)s") % {"name": item["path"]}
                )
            with open(target, "xb") as handle:  # never overwrites; refuses a link planted meanwhile
                written.append(target)
                verify_member(archive, members[MEDIA_PREFIX + item["path"]], item["sha256"], sink=handle)
    except FileExistsError as exc:
        remove_written(written, root)
        raise BackupError(
            _("The media folder is not empty: %(name)s appeared while restoring.") % {"name": exc.filename}
        ) from None
    except BaseException:
        remove_written(written, root)
        raise


def remove_written(files: list[Path], root: Path) -> None:
    """Undo a partial restore: the files written, then the folders left empty."""
    for path in files:
        path.unlink(missing_ok=True)
    for directory in sorted({p.parent for p in files}, key=lambda d: len(d.parts), reverse=True):
        while directory != root and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent
