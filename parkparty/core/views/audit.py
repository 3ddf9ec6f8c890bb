"""The audit log page of the audit administrator: search, newest first, 50 a page, and its xlsx export.

Only :func:`parkparty.core.audit.may_read_audit_log` users get in (403 for everyone else, itself an
audited denial). An export is recorded in the log with its filters and row count.
"""

from __future__ import annotations

import datetime
import tempfile

from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.db.models.functions import Concat
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from parkparty.core import audit
from parkparty.core.forms import style_widgets
from parkparty.core.models import AuditEvent, AuditKind, AuditOutcome, Role
from parkparty.core.permissions import VIEW, require

PAGE_SIZE = 50
#: An export holds at most this many events (the newest); narrow the filters for older ones.
EXPORT_MAX_ROWS = 100_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_MAX = 150


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field optional, bad values are reported and ignored."""

    user = forms.CharField(label=gettext_lazy("User"), max_length=TEXT_MAX, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Event"), choices=[("", "—"), *AuditKind.choices], required=False)
    outcome = forms.ChoiceField(
        label=pgettext_lazy("audit", "Outcome"), choices=[("", "—"), *AuditOutcome.choices], required=False
    )
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ip = forms.GenericIPAddressField(label=gettext_lazy("IP address"), required=False)
    object = forms.CharField(label=gettext_lazy("Object"), max_length=TEXT_MAX, required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered_events(form: AuditFilterForm):
    """The events matching the valid filters of ``form``, newest first."""
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if not form.is_bound:
        return events
    if not form.is_valid():
        return events.none()  # a filter that cannot be applied shows nothing rather than everything
    data = form.cleaned_data
    if data["user"]:
        text = data["user"]
        named = get_user_model().objects.annotate(full_name=Concat("last_name", "first_name"))
        named = named.filter(
            Q(full_name__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text)
        )
        events = events.filter(Q(username__icontains=text) | Q(user_id__in=named.values("pk")))
    if data["kind"]:
        events = events.filter(kind=data["kind"])
    if data["outcome"]:
        events = events.filter(outcome=data["outcome"])
    if data["since"]:
        events = events.filter(created_at__gte=_day_start(data["since"]))
    if data["until"]:
        events = events.filter(created_at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
    if data["ip"]:
        events = events.filter(ip_address=data["ip"])
    if data["object"]:
        text = data["object"]
        events = events.filter(Q(object_repr__icontains=text) | Q(object_id=text) | Q(object_type__icontains=text))
    return events


def _check(request) -> None:
    require(request.user, VIEW, AuditEvent, _("Only the audit administrator may read the audit log."))


def cell_text(value) -> str:
    """Text a spreadsheet shows literally: no control characters, a formula start guarded with ``'``."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


#: How the detail's keys and coded values read on the page and in the export.
DETAIL_KEYS = {
    "reason": gettext_lazy("reason"),
    "by": gettext_lazy("locked by"),
    "username_failures": gettext_lazy("failures of the username"),
    "address_failures": gettext_lazy("failures from the address"),
    "minutes": gettext_lazy("minutes"),
    "forced": gettext_lazy("forced"),
    "changes": gettext_lazy("changes"),
    "role": gettext_lazy("role"),
    "park": gettext_lazy("park"),
    "organization": gettext_lazy("Party organization"),
    "is_active": gettext_lazy("active"),
    "is_staff": gettext_lazy("staff status"),
    "is_superuser": gettext_lazy("superuser status"),
    "status": gettext_lazy("status code"),
    "method": gettext_lazy("method"),
    "path": gettext_lazy("path"),
    "entity": gettext_lazy("records"),
    "filters": gettext_lazy("filters"),
    "rows": gettext_lazy("rows"),
    "full_personal_data": gettext_lazy("full personal data"),
    "kind": gettext_lazy("kind"),
    "created": gettext_lazy("created"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "source": gettext_lazy("source"),
    "year": gettext_lazy("year"),
    "bytes": gettext_lazy("bytes"),
    "file": gettext_lazy("file"),
    "what": gettext_lazy("what"),
    "field": gettext_lazy("field"),
    "username": gettext_lazy("username"),
    "attempts": gettext_lazy("failed attempts cleared"),
}
DETAIL_VALUES = {
    "credentials": gettext_lazy("wrong username or password"),
    "locked": gettext_lazy("refused while locked"),
    "ip_address": gettext_lazy("address"),
    "idle": gettext_lazy("no activity"),
    "absolute": gettext_lazy("longest session reached"),
    "dormant": gettext_lazy("no sign-in for too long"),
    "set_by_administrator": gettext_lazy("password set by an administrator"),
    "expired": gettext_lazy("password expired"),
    "preview": gettext_lazy("current draft"),
    "template": gettext_lazy("template"),
    "generated": gettext_lazy("generated report"),
    "browser": gettext_lazy("browser"),
    "command line": gettext_lazy("command line"),
    **dict(Role.choices),
}


def _value_text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return " → ".join(_value_text(item) for item in value)
    if isinstance(value, dict):
        return detail_text(value)
    if isinstance(value, str):
        return str(DETAIL_VALUES.get(value, value))
    return str(value)


def _entity_text(label: str) -> str:
    """``members.member`` as the records' name (党员), or as it is when it names no model."""
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return label


def object_kind(event: AuditEvent) -> str:
    """What kind of record an event is about (党员, 用户…), or "" when it is about none."""
    if not event.object_type:
        return ""
    try:
        return str(apps.get_model(event.object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return event.object_type


def detail_text(detail: dict) -> str:
    """The detail as short "key: value" text for the page and the export, in the user's language."""
    if not detail:
        return ""
    parts = []
    for key, value in detail.items():
        text = _entity_text(value) if key == "entity" and isinstance(value, str) else _value_text(value)
        parts.append(f"{DETAIL_KEYS.get(key, key)}: {text}")
    return "; ".join(parts)


@login_required
def audit_log(request):
    _check(request)
    form = AuditFilterForm(request.GET or None)
    style_widgets(form)
    events = filtered_events(form)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "parkparty/audit_log.html",
        {
            "title": _("Audit log"),
            "crumbs": [(_("Audit log"), None)],
            "form": form,
            "page_obj": page,
            "rows": [(event, detail_text(event.detail), object_kind(event)) for event in page.object_list],
            "total": page.paginator.count,
            "page_params": params.urlencode(),
            "filtered": any(v for k, v in request.GET.items() if k != "page"),
        },
    )


@login_required
def audit_export(request):
    """The filtered events (newest first, at most EXPORT_MAX_ROWS) as xlsx; the export is itself audited."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    _check(request)
    form = AuditFilterForm(request.GET or None)
    events = filtered_events(form)[:EXPORT_MAX_ROWS]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Audit log")[:31])
    sheet.freeze_panes = "A2"
    headers = [
        _("Time"),
        _("User"),
        _("Event"),
        pgettext("audit", "Outcome"),
        _("IP address"),
        _("Object type"),
        _("Object id"),
    ]
    headers += [_("Object"), _("Detail")]
    header_cells = []
    for label in headers:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    rows = 0
    for event in events.iterator(chunk_size=2000):
        when = WriteOnlyCell(sheet, value=timezone.make_naive(timezone.localtime(event.created_at)))
        when.number_format = "yyyy-mm-dd hh:mm:ss"
        values = [
            event.username,
            event.get_kind_display(),
            event.get_outcome_display(),
            event.ip_address or "",
            event.object_type,
            event.object_id,
            event.object_repr,
            detail_text(event.detail),
        ]
        sheet.append([when, *[cell_text(value) for value in values]])
        rows += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the FileResponse
    try:
        workbook.save(handle)
        handle.seek(0)
        params = request.GET.copy()
        params.pop("page", None)
        audit.record(AuditKind.AUDIT_EXPORTED, request=request, detail={"filters": params.urlencode(), "rows": rows})
    except BaseException:
        handle.close()
        raise
    filename = _("Audit log") + f"-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
