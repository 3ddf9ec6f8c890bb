"""The annual report pages: choose a report, edit its draft, generate and download the DOCX and PDF.

Park staff (and administrators) edit and generate reports of the parks they
work on; county reviewers read every park's drafts and download generated
files (Word and PDF) and see the PDF's pages; secretaries have no reports.
Parks outside the user's scope answer 404. Downloads are named as officers
file them (``2023年示范县工业园区抓基层党建工作述职报告.docx``), in the
``filename*`` form of RFC 5987 with a plain ASCII name for old browsers.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.models import Park
from parkparty.core import audit
from parkparty.core.models import AuditKind
from parkparty.core.permissions import CHANGE, VIEW, assigned_park, may, may_in_park, require
from parkparty.core.services import StaleEditError, format_validation_error

from . import annual, outline
from .access import FIRST_YEAR, check_year, scope_park
from .figures import GROUPS, REGISTRY
from .links import figure_url
from .models import (
    GeneratedReport,
    ReportDraft,
    ReportKind,
    ReportTemplate,
    active_template,
    report_file_name,
    template_for,
)
from .pdf import PDF_CONTENT_TYPE
from .problems import find_problems
from .rendering import TemplateProblem
from .services import report_template_upload

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _park(request, code: str) -> Park:
    """The park of a report: one the user sees (the county has no report of its own)."""
    park = scope_park(request.user, code)
    if park is None:
        raise Http404
    return park


def _year(value) -> int:
    try:
        return check_year(int(value))
    except (TypeError, ValueError):
        raise Http404 from None


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """``attachment; filename="<ASCII fallback>"; filename*=UTF-8''<filename>`` (RFC 6266 / RFC 5987)."""
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _ascii_name(park, year: int, kind: str, extension: str) -> str:
    return f"{year}-{park.code}-{kind}.{extension}"


def docx_response(request, data: bytes, filename: str, *, fallback: str, obj=None, what: str) -> HttpResponse:
    """A DOCX download; every one is in the audit log (``what``: "preview" or "template")."""
    audit.record(AuditKind.REPORT_DOWNLOADED, request=request, obj=obj, detail={"file": filename, "what": what})
    response = HttpResponse(data, content_type=DOCX_TYPE)
    response["Content-Disposition"] = content_disposition(filename, fallback)
    return response


def _not_generated(problem: TemplateProblem) -> str:
    return _("The draft was saved, but the report could not be written into its template: %(reason)s") % {
        "reason": " ".join(problem.messages)
    }


def editor_url(park, year: int, kind: str) -> str:
    return reverse("annual:editor", args=[park.code, year, kind])


@login_required
def index(request):
    """Pick a park, a year and a kind; the drafts and generated reports in scope."""
    require(request.user, VIEW, ReportDraft)
    today = timezone.localdate()
    parks = list(Park.objects.for_user(request.user).order_by("sort_order", "code"))
    if request.GET.get("park"):
        park = _park(request, request.GET["park"])
        kind = request.GET.get("kind", outline.DUTY)
        if kind not in outline.KINDS:
            raise Http404
        return redirect(editor_url(park, _year(request.GET.get("year")), kind))
    default_park = assigned_park(request.user) or (parks[0] if parks else None)
    return render(
        request,
        "reports/annual_index.html",
        {
            "title": _("Annual reports"),
            "crumbs": [(_("Annual reports"), None)],
            "parks": parks,
            "default_park": default_park,
            "years": list(range(today.year, FIRST_YEAR - 1, -1))[:10],
            "default_year": today.year - 1 if today.month < 7 else today.year,
            "kinds": ReportKind.choices,
            "drafts": ReportDraft.objects.for_user(request.user).select_related("park")[:50],
            "generated": GeneratedReport.objects.for_user(request.user).select_related("park", "created_by")[:50],
            "may_write": may(request.user, CHANGE, ReportDraft),  # staff write drafts; the county reads them
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def editor(request, code: str, year: int, kind: str):
    """Every block of the report, drafted from the data and editable; the figures with their records."""
    park = _park(request, code)
    year = _year(year)
    try:
        annual.check_kind(kind)
    except ValidationError:
        raise Http404 from None
    report = annual.load_report(park, year, kind)
    editable = may_in_park(request.user, CHANGE, ReportDraft, park)
    errors = []
    status = 200
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        texts = {
            key: request.POST.get(f"text_{key}", "") for key in outline.text_keys(kind) if key != annual.DATE_BLOCK
        }
        try:
            version = int(request.POST["version"])  # 0: the editor was opened before any draft was saved
        except (KeyError, ValueError):
            version = None
        try:
            signed_on = _signed_on(request.POST.get("signed_on", ""), year)
            annual.report_draft_save(report, texts, user=request.user, expected_version=version, signed_on=signed_on)
        except StaleEditError as error:
            errors.append(str(error))
            status = 409
        except ValidationError as error:
            errors.append(format_validation_error(ReportDraft, error))
            status = 400
        else:
            if request.POST.get("action") == "generate":
                try:
                    generated = annual.report_generate(report, user=request.user)
                except TemplateProblem as problem:
                    messages.error(request, _not_generated(problem))
                    return redirect(editor_url(park, year, kind))
                if generated.pdf:
                    messages.success(request, _("The report was generated as Word and PDF. Download it below."))
                else:
                    reason = generated.pdf_problem
                    messages.warning(
                        request, _("The Word document was generated, but no PDF: %(reason)s") % {"reason": reason}
                    )
                return redirect(f"{editor_url(park, year, kind)}?generated={generated.pk}")
            messages.success(request, _("The draft was saved."))
            return redirect(editor_url(park, year, kind))
    posted = request.POST if errors else None
    blocks = [
        {
            "key": block.key,
            "is_date": block.key == annual.DATE_BLOCK,
            "style": block.style,
            "label": _("Date of the report") if block.key == annual.DATE_BLOCK else outline.STYLE_LABELS[block.style],
            "text": posted.get(f"text_{block.key}", "") if posted else report.texts[block.key],
            "drafted": report.drafted[block.key],
            "edited": report.is_edited(block.key),
            "rows": max(2, min(14, len(report.texts[block.key]) // 40 + report.texts[block.key].count("\n") + 1)),
        }
        for block in outline.outline(kind)
    ]
    figure_groups = [
        (label, [(item, figure_url(park, year, item.key) if item.has_records else None) for item in items])
        for label, items in report.figures.by_group()
    ]
    problems = [
        (problem, [(report.figures[key], figure_url(park, year, key)) for key in problem.figures])
        for problem in find_problems(report.figures)
    ]
    generated = list(
        GeneratedReport.objects.for_user(request.user)
        .filter(park=park, year=year, kind=kind)
        .select_related("park", "created_by")[:10]
    )
    if posted:
        signed_on_value = posted.get("signed_on", "")
    else:
        chosen = report.saved.signed_on if report.saved else None
        signed_on_value = chosen.isoformat() if chosen else ""
    return render(
        request,
        "reports/annual_editor.html",
        {
            "title": _("%(year)s %(park)s: %(kind)s") % {"year": year, "park": park, "kind": ReportKind(kind).label},
            "crumbs": [(_("Annual reports"), reverse("annual:index")), (f"{year} {park}", None)],
            "park": park,
            "year": year,
            "kind": kind,
            "kinds": ReportKind.choices,
            "as_of": report.figures.as_of,
            "blocks": blocks,
            "version": report.saved.version if report.saved else 0,
            "saved": report.saved,
            "figure_groups": figure_groups,
            "groups": GROUPS,
            "problems": problems,
            "generated": generated,
            "latest": generated[0] if generated else None,
            "latest_is_current": bool(generated)
            and generated[0].draft_version == (report.saved.version if report.saved else None),
            "signed_on_value": signed_on_value,
            "signed_on_default": annual.official_date(timezone.localdate()),
            "just_generated": request.GET.get("generated"),
            "errors": errors,
            "editable": editable,
        },
        status=status,
    )


def _signed_on(value: str, year: int) -> datetime.date | None:
    """The date typed in the editor (empty: the day of generation); a ValidationError in Chinese when it is not one."""
    value = value.strip()
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError(_("Enter the date of the report as a date, e.g. 2024-01-05.")) from None
    latest = timezone.localdate().year + 1
    if not (year <= day.year <= latest):
        raise ValidationError(
            _("The date of the report must fall between 1 January %(first)s and 31 December %(last)s.")
            % {"first": year, "last": latest}
        )
    return day


def _generated(request, pk: int) -> GeneratedReport:
    """A generated report of a park the user sees and whose reports they may read; 404 otherwise."""
    if not may(request.user, VIEW, GeneratedReport):
        raise Http404
    return get_object_or_404(GeneratedReport.objects.for_user(request.user).select_related("park"), pk=pk)


def _file_response(request, generated: GeneratedReport, field, filename: str, extension: str, content_type: str):
    audit.record(
        AuditKind.REPORT_DOWNLOADED,
        request=request,
        obj=generated,
        detail={"file": filename, "what": "generated" if extension == "docx" else "generated pdf"},
    )
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        filename, _ascii_name(generated.park, generated.year, generated.kind, extension)
    )
    return response


@login_required
def download_generated(request, pk: int):
    """A generated DOCX, for users who see its park."""
    generated = _generated(request, pk)
    return _file_response(request, generated, generated.file, generated.filename, "docx", DOCX_TYPE)


@login_required
def download_pdf(request, pk: int):
    """The PDF of a generated report, for users who see its park; 404 when none was made."""
    generated = _generated(request, pk)
    if not generated.pdf:
        raise Http404
    return _file_response(request, generated, generated.pdf, generated.pdf_filename, "pdf", PDF_CONTENT_TYPE)


@login_required
def pdf_page(request, pk: int, number: int):
    """Page ``number`` of a generated report's PDF as a PNG picture, for the preview."""
    generated = _generated(request, pk)
    if not 1 <= number <= len(generated.previews):
        raise Http404
    try:
        handle = default_storage.open(generated.previews[number - 1], "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=86400"
    return response


@login_required
def preview(request, code: str, year: int, kind: str):
    """The DOCX of the report as it stands (saved draft), without keeping a file: for readers."""
    park = _park(request, code)
    year = _year(year)
    try:
        report = annual.load_report(park, year, kind)
    except ValidationError:
        raise Http404 from None
    try:
        data = annual.render(report)
    except TemplateProblem as problem:
        messages.error(
            request,
            _("The report could not be written into its template: %(reason)s") % {"reason": " ".join(problem.messages)},
        )
        return redirect(editor_url(park, year, kind))
    return docx_response(
        request,
        data,
        report_file_name(park.name, year, kind, "docx"),
        fallback=_ascii_name(park, year, kind, "docx"),
        obj=park,
        what="preview",
    )


@login_required
def history(request, code: str, year: int, kind: str):
    """Who saved the draft when, and which sections each save changed."""
    park = _park(request, code)
    year = _year(year)
    draft = get_object_or_404(ReportDraft.objects.for_user(request.user), park=park, year=year, kind=kind)
    labels = {block.key: outline.STYLE_LABELS[block.style] for block in outline.outline(kind)}
    entries = []
    previous: dict = {}
    previous_date = None
    for entry in draft.history.order_by("history_date", "history_id").select_related("history_user"):
        texts = entry.texts or {}
        changed = [key for key in outline.text_keys(kind) if texts.get(key) != previous.get(key)]
        changes = [(key, labels[key], previous.get(key), texts.get(key)) for key in changed]
        if entry.signed_on != previous_date:
            changes.append(
                (
                    annual.DATE_BLOCK,
                    _("Date of the report"),
                    annual.official_date(previous_date) if previous_date else _("(the day of generation)"),
                    annual.official_date(entry.signed_on) if entry.signed_on else _("(the day of generation)"),
                )
            )
        entries.append({"when": entry.history_date, "who": entry.history_user, "changes": changes})
        previous = texts
        previous_date = entry.signed_on
    entries.reverse()
    return render(
        request,
        "reports/annual_history.html",
        {
            "title": _("History of the draft"),
            "crumbs": [
                (_("Annual reports"), reverse("annual:index")),
                (f"{year} {park}", editor_url(park, year, kind)),
                (_("History"), None),
            ],
            "entries": entries,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def templates(request):
    """The Word templates the reports are written into: download, edit in Word, upload for a park."""
    require(request.user, VIEW, ReportTemplate)
    parks = list(Park.objects.for_user(request.user).order_by("sort_order", "code"))
    editable = may(request.user, CHANGE, ReportTemplate)
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        park = _park(request, request.POST.get("park", ""))
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Choose the Word file (.docx) to upload."))
        else:
            try:
                report_template_upload(park, request.POST.get("kind", ""), upload, request.user, figure_keys=REGISTRY)
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, _("The template was checked and is now used for %(park)s.") % {"park": park})
                return redirect("annual:templates")
    rows = []
    for park in parks:
        for kind, label in ReportKind.choices:
            active = active_template(park, kind)
            rows.append({"park": park, "kind": kind, "label": label, "active": active})
    return render(
        request,
        "reports/annual_templates.html",
        {
            "title": _("Report templates"),
            "crumbs": [(_("Annual reports"), reverse("annual:index")), (_("Report templates"), None)],
            "rows": rows,
            "parks": parks,
            "kinds": ReportKind.choices,
            "editable": editable,
            "errors": errors,
            "placeholders": [
                ("{{ text.intro }}", _("a section of the report text (see the built-in template for every name)")),
                ("{{ figures.members_total }}", _("a figure, e.g. the number of Party members")),
                ("{{ park.name }} / {{ year }}", _("the park's name and the report year")),
                (
                    "{% if figures.members_total %} … {% endif %}",
                    _(
                        "a passage shown only when a value is there (also {%p if %} for whole paragraphs, {%tr if %} "
                        "for table rows); loops, calculations, function calls and names starting with “_” are refused"
                    ),
                ),
            ],
        },
        status=400 if errors else 200,
    )


@login_required
def template_download(request, code: str, kind: str):
    """The template a park's report of ``kind`` is written into (its own, its zone's or the built-in one)."""
    park = _park(request, code)
    if kind not in outline.KINDS:
        raise Http404
    name = _("%(park)s %(kind)s template.docx") % {"park": park.name, "kind": ReportKind(kind).label}
    return docx_response(
        request,
        template_for(park, kind),
        name,
        fallback=f"template-{park.code}-{kind}.docx",
        obj=park,
        what="template",
    )
