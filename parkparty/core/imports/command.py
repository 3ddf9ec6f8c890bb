"""The ``import_enterprises`` / ``import_members`` management commands."""

from __future__ import annotations

from django.utils.translation import gettext as _

from parkparty.core import extensions
from parkparty.core.imports.engine import run_import

# --------------------------------------------------------------------------- command line


def import_command(kind: str):
    """The ``import_enterprises`` / ``import_members`` management command class for ``kind``."""
    import sys

    from django.core.management.base import BaseCommand, CommandError

    class Command(BaseCommand):
        help = f"Import the {kind} workbook into a park and its sub-parks (nothing is written if any row fails)."

        def add_arguments(self, parser):
            parser.add_argument("file", help="the .xlsx workbook (the template's first sheet)")
            parser.add_argument("--park", metavar="CODE", required=True, help="code of the park to import into")
            parser.add_argument("--dry-run", action="store_true", help="check every row but write nothing")

        def handle(self, *args, file: str, park: str, dry_run: bool, **options):
            target = extensions.park_model().objects.filter(code=park).first()
            if target is None:
                raise CommandError(_("No park has the code %(code)s.") % {"code": park})

            def progress(message: str) -> None:
                sys.stderr.write(message + "\n")
                sys.stderr.flush()

            import os

            result = run_import(
                kind,
                file,
                park=target,
                user=None,
                commit=not dry_run,
                file_name=os.path.basename(file),
                progress=progress if result_is_large(file) else None,
            )
            if result.file_error:
                raise CommandError(result.file_error)
            for warning in result.warnings:
                self.stderr.write(warning)
            self.stdout.write(
                _("%(total)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d failed.")
                % {
                    "total": result.total,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected,
                }
            )
            for error in result.errors:
                self.stdout.write(str(error))
            if result.errors:
                raise CommandError(_("%(count)d rows have errors; nothing was imported.") % {"count": result.rejected})
            if dry_run:
                self.stdout.write(_("Dry run: nothing was written."))
            else:
                self.stdout.write(_("Import finished."))

    return Command


def result_is_large(path) -> bool:
    """Worth showing progress: files over 1 MB."""
    import os

    try:
        return os.path.getsize(path) > 1024 * 1024
    except OSError:
        return False
