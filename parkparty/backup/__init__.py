"""Backup and restore: one archive with a consistent snapshot of the database and the uploaded files.

``create_backup`` and ``restore_backup`` (in ``operations``) are used by the ``backup`` and ``restore``
management commands; ``archive`` describes the file format, ``databases`` the SQLite and PostgreSQL
snapshots, ``media`` the uploaded files.
"""

from .archive import FORMAT_VERSION, BackupError, RestoreCheckError
from .operations import BackupResult, RestoreResult, create_backup, restore_backup

__all__ = [
    "FORMAT_VERSION",
    "BackupError",
    "BackupResult",
    "RestoreCheckError",
    "RestoreResult",
    "create_backup",
    "restore_backup",
]
