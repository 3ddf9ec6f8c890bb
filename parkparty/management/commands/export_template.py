"""export_template {enterprises,members} -o FILE.xlsx: the blank import workbook."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parkparty.core.imports import IMPORT_KINDS, write_template


class Command(BaseCommand):
    help = "Write the blank import workbook (data sheet and column guide) of one kind."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORT_KINDS))
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="where to write the workbook")

    def handle(self, *args, kind: str, output: str, **options):
        write_template(kind, output)
        self.stdout.write(_("Wrote the %(kind)s template to %(file)s.") % {"kind": kind, "file": output})
