"""build_report_templates: (re)write the committed default DOCX templates of the annual reports."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.docx_templates import write_templates


class Command(BaseCommand):
    help = "Rebuild reports/docx/situation.docx and reports/docx/duty.docx from the report outline."

    def handle(self, *args, **options):
        for path in write_templates():
            self.stdout.write(_("Wrote %(path)s.") % {"path": path})
