"""Annual reports: drafts saved with history, and DOCX files generated from them.

A report is a park, a year and a kind. Its texts are the saved draft's where
staff edited them and otherwise the draft written from the figures
(``reports.drafting``); every number comes from the figures engine. Writes go
through :func:`parkparty.services.save_record` (permission, scope, version,
history).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Park
from parkparty import audit
from parkparty.models import AuditKind
from parkparty.permissions import ADD, CHANGE
from parkparty.services import missing_version_error, save_record, stale_error

from . import outline
from .drafting import draft
from .figures import FigureSet, compute
from .models import GeneratedReport, ReportDraft, template_for
from .rendering import render_report
from .services import check_park_write


@dataclass
class Report:
    """Everything the editor and the renderer need for one report."""

    park: Park
    year: int
    kind: str
    figures: FigureSet
    drafted: dict[str, str]  # written from the data
    saved: ReportDraft | None

    @property
    def texts(self) -> dict[str, str]:
        edited = self.saved.texts if self.saved else {}
        return {key: edited.get(key, self.drafted[key]) for key in outline.text_keys(self.kind)}

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
    return Report(park, year, kind, figures, draft(figures, kind, park.name, today=today), saved)


def report_draft_save(report: Report, texts: dict[str, str], *, user, expected_version: int | None) -> ReportDraft:
    """Save the edited texts of ``report``; only texts that differ from the data draft are kept.

    A text equal to the data draft is not stored, so it follows the data when
    figures change. ``expected_version`` is the draft's version the editor
    was opened on, 0 when there was no draft yet. Raises StaleEditError when
    someone saved (or created the draft) in between, or when the version is missing.
    """
    check_park_write(user, report.park, ReportDraft, ADD if report.saved is None else CHANGE)
    if expected_version is None:
        raise missing_version_error()
    unknown = set(texts) - set(outline.text_keys(report.kind))
    if unknown:
        raise ValidationError(_("Unknown report sections: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    edited = {
        key: text.replace("\r\n", "\n").strip()
        for key, text in texts.items()
        if text.replace("\r\n", "\n").strip() != report.drafted[key]
    }
    if report.saved is None:
        if expected_version != 0:
            raise missing_version_error()
        record = ReportDraft(park=report.park, year=report.year, kind=report.kind, texts=edited)
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
        save_record(record, user=user, expected_version=expected_version)
    report.saved = record
    return record


def render(report: Report) -> bytes:
    """The DOCX of ``report`` with the park's template (or its zone's, or the built-in one)."""
    return render_report(template_for(report.park, report.kind), report.context())


def report_generate(report: Report, *, user) -> GeneratedReport:
    """Render ``report`` and keep the file with who generated it and when."""
    check_park_write(user, report.park, GeneratedReport, ADD)
    data = render(report)
    generated = GeneratedReport(
        park=report.park,
        year=report.year,
        kind=report.kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        draft_version=report.saved.version if report.saved else None,
        created_by=user,
        created_at=timezone.now(),
    )
    with transaction.atomic():
        generated.file.save(f"{report.park.code}-{report.year}-{report.kind}.docx", ContentFile(data), save=False)
        generated.save()
        audit.record(
            AuditKind.REPORT_GENERATED,
            user=user,
            obj=generated,
            detail={"park": report.park.code, "year": report.year, "kind": report.kind, "bytes": len(data)},
        )
    return generated
