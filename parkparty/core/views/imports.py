"""Excel imports in the browser: upload, preview, confirm; and the blank template.

The flow: the upload is saved under ``MEDIA_ROOT/imports/`` (never served by
name: a random token names it, not the user's file name), hashed and
validated by the import engine without writing (the preview). Only a clean
preview is kept as a *pending import* in the user's session. Confirm
re-checks that the stored file is the one previewed (same token in this
session, same SHA-256) and runs the engine again with ``commit=True``, which
re-validates and writes all or nothing. The stored file is removed after a
confirm, after a failed preview, and stale files are swept on every upload.

Imports are for park staff and administrators: county reviewers,
secretaries and users without a scope get 403 on every page.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from parkparty.core.extensions import park_model
from parkparty.core.forms import style_widgets
from parkparty.core.imports import IMPORT_KINDS, run_import, sha256_of, write_template
from parkparty.core.models import ImportBatch
from parkparty.core.permissions import IMPORT, assigned_park, may
from parkparty.core.validators import strip_invisible
from parkparty.core.workbook import MAX_FILE_SIZE, WorkbookError

logger = logging.getLogger("parkparty.core.imports")

MAX_UPLOAD_BYTES = MAX_FILE_SIZE
STALE_SECONDS = 24 * 3600
SESSION_KEY = "parkparty_pending_imports"
#: How many row errors a preview lists (the counts always cover all of them).
MAX_ERRORS_SHOWN = 1000
RECENT_BATCHES = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN_RE = re.compile(r"^[0-9a-f]{32}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")

#: The kinds offered in the browser: label, description, and the Chinese name of the blank workbook.
KINDS = {
    "enterprises": {
        "label": gettext_lazy("Enterprise survey"),
        "help": gettext_lazy("One row per enterprise, keyed by its unified social credit code."),
        "template_name": "企业摸排表-模板.xlsx",
    },
    "members": {
        "label": gettext_lazy("Party member roster"),
        "help": gettext_lazy("One row per Party member, keyed by the citizen ID number."),
        "template_name": "党员信息表-模板.xlsx",
    },
}


def upload_dir() -> Path:
    """The private directory of pending uploads (created on first use, owner-only)."""
    directory = Path(settings.MEDIA_ROOT) / "imports"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def stored_path(token: str) -> Path:
    if not TOKEN_RE.match(token or ""):
        raise ValueError("bad token")
    return upload_dir() / f"{token}.xlsx"


def remove_stored(token: str) -> None:
    try:
        stored_path(token).unlink(missing_ok=True)
    except (ValueError, OSError):
        logger.warning("could not remove pending import %s", token, exc_info=True)


def sweep_stale(now: float | None = None) -> int:
    """Remove stored uploads older than a day (abandoned previews); return how many."""
    cutoff = (now or time.time()) - STALE_SECONDS
    removed = 0
    for path in upload_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed


def importable_parks(user):
    return park_model().objects.for_user(user).order_by("sort_order", "code")


class UploadForm(forms.Form):
    park = forms.ModelChoiceField(
        label=gettext_lazy("Park"),
        queryset=park_model().objects.none(),
        help_text=gettext_lazy(
            "The file may hold records of this park and its sub-parks only; rows without a park go to this park."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
        help_text=gettext_lazy("An Excel workbook of at most 20 MB, filled in from the blank template."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        parks = importable_parks(user)
        self.fields["park"].queryset = parks
        own = assigned_park(user)
        if own is not None and not self.is_bound and parks.filter(pk=own.pk).exists():
            self.fields["park"].initial = own.pk
        style_widgets(self)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB. Split it into smaller workbooks."))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx). Save older .xls files as .xlsx first."))
        return upload


class ConfirmImportForm(forms.Form):
    token = forms.RegexField(regex=TOKEN_RE, widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=SHA256_RE, widget=forms.HiddenInput)


class ImportView(LoginRequiredMixin, View):
    """Base of the import pages: the permission check, the kind, breadcrumbs."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            kind = kwargs.get("kind")
            if kind is not None and (kind not in KINDS or kind not in IMPORT_KINDS):
                raise Http404
            kinds = [kind] if kind is not None else list(IMPORT_KINDS)
            if not any(may(request.user, IMPORT, IMPORT_KINDS[name].model) for name in kinds):
                raise PermissionDenied(_("Imports are for park staff and administrators."))
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict, *, crumbs: list, status: int = 200):
        context["crumbs"] = crumbs
        return TemplateResponse(self.request, template, context, status=status)

    def kind_crumbs(self, kind: str, page_label: str = "") -> list:
        label = KINDS[kind]["label"]
        crumbs = [(_("Import"), reverse("imports:index"))]
        crumbs.append((label, reverse("imports:upload", args=[kind]) if page_label else None))
        if page_label:
            crumbs.append((page_label, None))
        return crumbs

    # --- pending uploads in the session ---------------------------------
    def pending(self) -> dict:
        return dict(self.request.session.get(SESSION_KEY, {}))

    def set_pending(self, pending: dict) -> None:
        self.request.session[SESSION_KEY] = pending


class ImportIndexView(ImportView):
    def get(self, request):
        user = request.user
        kinds = [
            {"kind": kind, "label": info["label"], "help": info["help"], "url": reverse("imports:upload", args=[kind])}
            for kind, info in KINDS.items()
            if kind in IMPORT_KINDS
        ]
        batches = (
            ImportBatch.objects.for_user(user)
            .filter(user=user)
            .select_related("park")
            .order_by("-created_at", "-pk")[:RECENT_BATCHES]
        )
        rows = [{"batch": batch, "kind_label": KINDS.get(batch.kind, {}).get("label", batch.kind)} for batch in batches]
        return self.render(
            "parkparty/import_index.html",
            {"title": _("Import"), "kinds": kinds, "batches": rows},
            crumbs=[(_("Import"), None)],
        )


class ImportUploadView(ImportView):
    """GET: the upload form. POST: save, hash and preview the upload."""

    def get(self, request, kind):
        return self.render_form(kind, UploadForm(user=request.user))

    def render_form(self, kind, form, status=200):
        info = KINDS[kind]
        context = {
            "title": _("Import: %(kind)s") % {"kind": info["label"]},
            "kind": kind,
            "kind_label": info["label"],
            "kind_help": info["help"],
            "form": form,
            "template_url": reverse("imports:template", args=[kind]),
        }
        return self.render("parkparty/import_upload.html", context, crumbs=self.kind_crumbs(kind), status=status)

    def post(self, request, kind):
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_form(kind, form, status=400)
        park = form.cleaned_data["park"]
        upload = form.cleaned_data["file"]
        sweep_stale()
        pending = {token: entry for token, entry in self.pending().items() if stored_path(token).exists()}
        token = secrets.token_hex(16)
        path = stored_path(token)
        with open(path, "xb") as target:
            path.chmod(0o600)
            for chunk in upload.chunks():
                target.write(chunk)
        digest = sha256_of(path)
        file_name = strip_invisible(Path(upload.name).name)[:200]
        try:
            result = run_import(
                kind, path, park=park, user=request.user, commit=False, file_name=file_name, sha256=digest
            )
        except WorkbookError as exc:  # the engine reports file errors in the result; be safe anyway
            remove_stored(token)
            return self.render_preview(kind, park, file_name, file_error=str(exc), status=400)
        except BaseException:
            remove_stored(token)
            raise
        if not result.ok:
            remove_stored(token)
            self.set_pending(pending)
            return self.render_preview(kind, park, file_name, result=result, status=400)
        pending[token] = {"kind": kind, "park": park.pk, "sha256": digest, "file_name": file_name}
        self.set_pending(pending)
        confirm_form = ConfirmImportForm(initial={"token": token, "sha256": digest})
        return self.render_preview(kind, park, file_name, result=result, confirm_form=confirm_form)

    def render_preview(self, kind, park, file_name, *, result=None, file_error="", confirm_form=None, status=200):
        errors = list(result.errors) if result is not None else []
        context = {
            "title": _("Preview: %(file)s") % {"file": file_name},
            "kind": kind,
            "kind_label": KINDS[kind]["label"],
            "park": park,
            "file_name": file_name,
            "result": result,
            "file_error": file_error or (result.file_error if result is not None else ""),
            "errors": errors[:MAX_ERRORS_SHOWN],
            "errors_hidden": max(0, len(errors) - MAX_ERRORS_SHOWN),
            "confirm_form": confirm_form,
            "confirm_url": reverse("imports:confirm", args=[kind]),
            "upload_url": reverse("imports:upload", args=[kind]),
        }
        crumbs = self.kind_crumbs(kind, _("Preview"))
        return self.render("parkparty/import_preview.html", context, crumbs=crumbs, status=status)


class ImportConfirmView(ImportUploadView):
    """POST: import exactly the previewed file, or refuse."""

    def get(self, request, kind):
        return HttpResponseRedirect(reverse("imports:upload", args=[kind]))

    def post(self, request, kind):
        form = ConfirmImportForm(request.POST)
        if not form.is_valid():
            return self.refuse(kind)
        token, digest = form.cleaned_data["token"], form.cleaned_data["sha256"]
        pending = self.pending()
        entry = pending.get(token)
        if entry is None or entry.get("kind") != kind:
            return self.refuse(kind)  # not this session's upload: leave the file alone
        pending.pop(token)
        self.set_pending(pending)
        path = stored_path(token)
        try:
            if entry.get("sha256") != digest or not path.exists() or sha256_of(path) != digest:
                return self.refuse(kind)
            park = park_model().objects.for_user(request.user).filter(pk=entry["park"]).first()
            if park is None:
                raise PermissionDenied(_("You may not import into this park."))
            file_name = entry.get("file_name", "")
            try:
                result = run_import(
                    kind, path, park=park, user=request.user, commit=True, file_name=file_name, sha256=digest
                )
            except WorkbookError as exc:
                return self.render_preview(kind, park, file_name, file_error=str(exc), status=400)
        finally:
            remove_stored(token)
        if not result.ok:
            messages.error(request, _("The file no longer passes the checks; nothing was imported."))
            return self.render_preview(kind, park, file_name, result=result, status=400)
        messages.success(
            request,
            _("Imported %(file)s into %(park)s: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "file": file_name,
                "park": park,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return HttpResponseRedirect(reverse("imports:index"))

    def refuse(self, kind):
        messages.error(
            self.request,
            _("This import cannot be confirmed: the file is not the one previewed in this session. Upload it again."),
        )
        return HttpResponseRedirect(reverse("imports:upload", args=[kind]))


class ImportTemplateView(ImportView):
    """The blank import workbook as an attachment with its Chinese name."""

    def get(self, request, kind):
        buffer = io.BytesIO()
        write_template(kind, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, KINDS[kind]["template_name"])
        response["Cache-Control"] = "no-store"
        return response
