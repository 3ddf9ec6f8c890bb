"""annual_report --park CODE --year YYYY [--kind situation|duty] -o FILE.docx|FILE.pdf"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Park
from parkparty.core import audit
from parkparty.core.models import AuditKind
from reports import outline
from reports.annual import load_report, render
from reports.models import ReportKind
from reports.pdf import as_requested
from reports.rendering import TemplateProblem


class Command(BaseCommand):
    help = "Write the annual report of one park (with its sub-parks) as a Word document."

    def add_arguments(self, parser):
        parser.add_argument("--park", required=True, help="park code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--kind", choices=outline.KINDS, default=outline.DUTY)
        parser.add_argument("-o", "--output", required=True, help="the file to write: .docx, or .pdf (LibreOffice)")

    def handle(self, *args, park, year, kind, output, **options):
        found = Park.objects.filter(code=park).first()
        if found is None:
            raise CommandError(_("No park has the code %(code)s.") % {"code": park})
        if year > timezone.localdate().year:
            raise CommandError(_("The year %(year)s has not begun.") % {"year": year})
        report = load_report(found, year, kind)
        target = Path(output)
        try:
            data = render(report)
        except TemplateProblem as problem:
            raise CommandError("\n".join(problem.messages)) from None
        data = as_requested(data, target)
        target.write_bytes(data)
        audit.record(
            AuditKind.REPORT_GENERATED,
            obj=found,
            detail={"park": park, "year": year, "kind": kind, "bytes": len(data), "source": "command line"},
        )
        source = _("the saved draft") if report.saved else _("the draft written from the records")
        self.stdout.write(
            _("Wrote %(file)s: %(kind)s of %(park)s for %(year)s, from %(source)s.")
            % {"file": target, "kind": ReportKind(kind).label, "park": found.name, "year": year, "source": source}
        )
