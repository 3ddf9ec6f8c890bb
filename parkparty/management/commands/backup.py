"""backup -o FILE: one archive with a consistent snapshot of the database and every uploaded file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkparty.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write one archive (tar) with a consistent snapshot of the database and the uploaded files, "
        "while the site is in use. The file holds personal data: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, type=Path, help="the archive to write (e.g. FILE.tar)")
        parser.add_argument("--database", default="default", help="the database alias (default: default)")

    def handle(self, *args, output: Path, database: str, verbosity: int, **options):
        try:
            result = create_backup(output, using=database, say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(_("Backup failed, nothing was written: %(reason)s") % {"reason": exc}) from None
        except OSError as exc:  # a folder not writable, a full disk: reported, not a traceback
            raise CommandError(_("Backup failed, nothing was written: %(reason)s") % {"reason": exc}) from None
        if verbosity >= 2:
            for table, rows in result.manifest["tables"].items():
                self.stdout.write(f"  {table}: {rows}")
        for name in result.skipped:
            self.stderr.write(
                _("Skipped %(name)s in the media folder: not a regular file, or it kept changing.") % {"name": name}
            )
        for name in result.missing:
            self.stderr.write(_("The database refers to %(name)s, which is not in the media folder.") % {"name": name})
