"""render_sample_report -o FILE.docx|FILE.pdf: a built-in report template filled with sample text (a CI smoke test)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports import outline
from reports.docx_templates import default_template
from reports.pdf import as_requested
from reports.rendering import render_report, sample_context


class Command(BaseCommand):
    help = "Render the built-in template of a report kind with a sample context, e.g. to check DOCX→PDF conversion."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE", help="where to write the report (.docx, or .pdf)"
        )
        parser.add_argument("--kind", choices=outline.KINDS, default=outline.DUTY, help="report kind (default duty)")

    def handle(self, *args, output: str, kind: str, **options):
        path = Path(output)
        path.write_bytes(as_requested(render_report(default_template(kind), sample_context(kind)), path))
        self.stdout.write(_("Wrote %(path)s.") % {"path": path})
