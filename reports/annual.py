"""Annual reports: drafts saved with history, and DOCX and PDF files generated from them.

A report is a park, a year and a kind. Its texts are the saved draft's where
staff edited them and otherwise the draft written from the figures
(``reports.drafting``); every number comes from the figures engine. The date
under the signature is the one chosen in the editor (kept with the draft),
else the day the document is generated, written as GB/T 9704 says
(2024年1月5日). Writes go through :func:`parkparty.core.services.save_record`
(permission, scope, version, history). A generated report keeps its DOCX and,
where LibreOffice could make one, its PDF with pictures of its pages
(:mod:`reports.pdf`).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Park
from parkparty.core import audit
from parkparty.core.models import AuditKind
from parkparty.core.permissions import ADD, CHANGE, require_in_park
from parkparty.core.services import missing_version_error, save_record, stale_error

from . import outline
from .drafting import draft
from .figures import FigureSet, compute
from .models import GeneratedReport, ReportDraft, template_for
from .pdf import PdfProblem, docx_to_pdf, pdf_pages_png
from .rendering import render_report

#: The outline block holding the date under the signature: set from the chosen date, not typed.
DATE_BLOCK = "date"
#: ``signed_on`` of :func:`report_draft_save` when the date is not to change.
KEEP = object()


def official_date(day: datetime.date) -> str:
    """A date as GB/T 9704 writes it: Arabic numerals, the year in full, no leading zeros (2024年1月5日)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Report:
    """Everything the editor and the renderer need for one report."""

    park: Park
    year: int
    kind: str
    figures: FigureSet
    drafted: dict[str, str]  # written from the data
    saved: ReportDraft | None
    today: datetime.date | None = None  # the day of generation (the date's default); None: today

    @property
    def signed_on(self) -> datetime.date:
        """The date under the signature: the one chosen for the draft, else the day of generation."""
        if self.saved is not None and self.saved.signed_on is not None:
            return self.saved.signed_on
        return self.today or timezone.localdate()

    @property
    def texts(self) -> dict[str, str]:
        edited = self.saved.texts if self.saved else {}
        texts = {key: edited.get(key, self.drafted[key]) for key in outline.text_keys(self.kind)}
        if DATE_BLOCK in texts:
            texts[DATE_BLOCK] = official_date(self.signed_on)
        return texts

    def is_edited(self, key: str) -> bool:
        return bool(self.saved) and key in self.saved.texts and self.saved.texts[key] != self.drafted[key]

    def context(self) -> dict:
        """The template context: texts, figures as display strings, the park and the year."""
        return {
            "park": {"name": self.park.name, "code": self.park.code},
            "year": self.year,
            "kind": self.kind,
            "text": self.texts,
            "figures": self.figures.display(),
        }


def check_kind(kind: str) -> None:
    if kind not in outline.KINDS:
        raise ValidationError(_("Unknown report kind."), code="kind")


def load_report(park: Park, year: int, kind: str, *, today: datetime.date | None = None) -> Report:
    """The report of ``park`` for ``year``: its figures, the data draft and the saved draft if any."""
    check_kind(kind)
    figures = compute(park, year, today=today)
    saved = ReportDraft.objects.filter(park=park, year=year, kind=kind).first()
    return Report(park, year, kind, figures, draft(figures, kind, park.name, today=today), saved, today)


def report_draft_save(
    report: Report,
    texts: dict[str, str],
    *,
    user,
    expected_version: int | None,
    signed_on: datetime.date | object | None = KEEP,
) -> ReportDraft:
    """Save the edited texts of ``report``; only texts that differ from the data draft are kept.

    A text equal to the data draft is not stored, so it follows the data when
    figures change; the date block is never stored as text. ``signed_on`` is
    the date under the signature (None: the day of generation; :data:`KEEP`:
    unchanged). ``expected_version`` is the draft's version the editor
    was opened on, 0 when there was no draft yet. Raises StaleEditError when
    someone saved (or created the draft) in between, or when the version is missing.
    """
    require_in_park(user, ADD if report.saved is None else CHANGE, ReportDraft, report.park)
    if expected_version is None:
        raise missing_version_error()
    unknown = set(texts) - set(outline.text_keys(report.kind))
    if unknown:
        raise ValidationError(_("Unknown report sections: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    edited = {
        key: text.replace("\r\n", "\n").strip()
        for key, text in texts.items()
        if key != DATE_BLOCK and text.replace("\r\n", "\n").strip() != report.drafted[key]
    }
    if signed_on is KEEP:
        signed_on = report.saved.signed_on if report.saved else None
    if report.saved is None:
        if expected_version != 0:
            raise missing_version_error()
        record = ReportDraft(park=report.park, year=report.year, kind=report.kind, texts=edited, signed_on=signed_on)
        try:
            with transaction.atomic():
                save_record(record, user=user)
        except (IntegrityError, ValidationError) as error:
            # Someone else created this report's draft after the editor was loaded.
            other = ReportDraft.objects.filter(park=report.park, year=report.year, kind=report.kind).first()
            if other is None:
                raise
            raise stale_error(other) from error
    else:
        if expected_version == 0:
            raise stale_error(report.saved)  # the editor was opened before the draft existed
        record = report.saved
        record.texts = edited
        record.signed_on = signed_on
        save_record(record, user=user, expected_version=expected_version)
    report.saved = record
    return record


def render(report: Report) -> bytes:
    """The DOCX of ``report`` with the park's template (or its zone's, or the built-in one)."""
    return render_report(template_for(report.park, report.kind), report.context())


def _pdf(data: bytes) -> tuple[bytes | None, list[bytes], str]:
    """The PDF of a DOCX and its page pictures, or why there is none."""
    if not getattr(settings, "REPORT_PDF_ENABLED", True):
        return None, [], _("PDF files are switched off on this server (PARKPARTY_PDF).")
    try:
        pdf = docx_to_pdf(data)
    except PdfProblem as problem:
        return None, [], str(problem)
    return pdf, pdf_pages_png(pdf), ""


def report_generate(report: Report, *, user) -> GeneratedReport:
    """Render ``report`` as DOCX and PDF and keep both with who generated them and when.

    The PDF is made by LibreOffice (:mod:`reports.pdf`); when it cannot be,
    the DOCX is kept all the same and ``pdf_problem`` says why.
    """
    require_in_park(user, ADD, GeneratedReport, report.park)
    signed_on = report.signed_on
    data = render(report)
    pdf, pages, problem = _pdf(data)
    generated = GeneratedReport(
        park=report.park,
        year=report.year,
        kind=report.kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        draft_version=report.saved.version if report.saved else None,
        signed_on=signed_on,
        pdf_problem=problem[:500],
        created_by=user,
        created_at=timezone.now(),
    )
    stem = f"{report.park.code}-{report.year}-{report.kind}"
    stored: list[str] = []
    try:
        with transaction.atomic():
            generated.file.save(f"{stem}.docx", ContentFile(data), save=False)
            stored.append(generated.file.name)
            if pdf is not None:
                generated.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
                stored.append(generated.pdf.name)
                base = generated.pdf.name.removesuffix(".pdf")
                for number, png in enumerate(pages, start=1):
                    name = default_storage.save(f"{base}-{number}.png", ContentFile(png))
                    stored.append(name)
                    generated.previews.append(name)
            generated.save()
            audit.record(
                AuditKind.REPORT_GENERATED,
                user=user,
                obj=generated,
                detail={
                    "park": report.park.code,
                    "year": report.year,
                    "kind": report.kind,
                    "bytes": len(data),
                    "pdf_bytes": len(pdf) if pdf is not None else 0,
                },
            )
    except BaseException:
        for name in stored:  # the record was rolled back: its files must go too
            default_storage.delete(name)
        raise
    return generated
