"""restore FILE: an archive written by ``backup`` back into an empty database and an empty media folder."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkparty.backup import BackupError, RestoreCheckError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by backup into an EMPTY database (no tables: do not run migrate first) "
        "and an EMPTY media folder. The archive is checked completely before anything is written; "
        "existing data is never overwritten."
    )
    requires_system_checks = []  # the target database is empty: checks that read it must not run first
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="the backup archive")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, archive: Path, database: str, verbosity: int, **options):
        try:
            result = restore_backup(archive, using=database, say=self.stdout.write)
        except RestoreCheckError as exc:
            raise CommandError(
                _("The data was restored, but the check against the backup failed: %(reason)s") % {"reason": exc}
            ) from None
        except BackupError as exc:
            raise CommandError(_("Restore refused, nothing was changed: %(reason)s") % {"reason": exc}) from None
        except OSError as exc:  # a folder not writable, a full disk: reported, not a traceback
            raise CommandError(_("Restore refused, nothing was changed: %(reason)s") % {"reason": exc}) from None
        if verbosity >= 2:
            for table, rows in result.tables.items():
                self.stdout.write(f"  {table}: {rows}")
        self.stdout.write(self.style.SUCCESS(_("Restore finished.")))
