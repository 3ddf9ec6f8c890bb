"""The dashboards (county, park, organization), a figure's records, the charts' JSON and the xlsx export.

Scope: the county's figures are for users who see everything; a park's for
users who see that park through ``Park.objects.for_user`` and are not
secretaries (who see one organization, not its park's figures); anything
else answers 404.
"""

from __future__ import annotations

import datetime
import tempfile

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import rules as development_rules
from members.models import Applicant, DuesPayment
from members.views import development as development_views
from members.views import members as member_views
from members.views import records as record_views
from organizations.models import ActivityKind, NoticeReceipt, Park, PartyOrganization
from organizations.rules import MONTHLY_MEETINGS, QUARTERLY_MEETINGS, quarters
from organizations.views import activities as activity_views
from organizations.views import enterprises as enterprise_views
from organizations.views import funding as funding_views
from organizations.views import instructors as instructor_views
from organizations.views import notices as notice_views
from organizations.views import parks as park_views
from organizations.views import party_organizations as party_organization_views
from organizations.views import requests as request_views
from organizations.views import service_centers as service_center_views
from parkparty.core import audit
from parkparty.core.masking import display_value
from parkparty.core.models import AuditKind
from parkparty.core.permissions import sees_everything
from parkparty.core.views.generic import Column, Entity
from parkparty.core.views.generic.listing import ObjectListView, sort_order
from parkparty.core.views.generic.parts import offered_add_url
from parkparty.core.views.personal import sortable_keys
from reports.exports import XLSX_TYPE, escape_text
from reports.models import ExportRecord

from . import dashboards
from .access import FIRST_YEAR, check_year, scope_park
from .figures import REGISTRY, compute
from .figures.compliance import compliance
from .figures.series import SERIES, series
from .links import dashboard_url, scope_code
from .todo import WAITING, todo_context

YEARS_OFFERED = 6


# Scope and year ---------------------------------------------------------------


def requested_year(request) -> int:
    """``?year=`` when it is a year that has begun, else the current year."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if FIRST_YEAR <= year <= today.year else today.year


def years_offered(year: int) -> list[int]:
    latest = timezone.localdate().year
    return sorted({*range(latest - YEARS_OFFERED + 1, latest + 1), year}, reverse=True)


# Dashboards -------------------------------------------------------------------


def dashboard_context(request, park, year: int, board) -> dict:
    crumbs = []
    if park is not None and sees_everything(request.user):
        crumbs.append((_("County overview"), dashboard_url(None, year)))
    if park is not None and park.parent_id and Park.objects.for_user(request.user).filter(pk=park.parent_id).exists():
        crumbs.append((str(park.parent), dashboard_url(park.parent, year)))
    title = _("County overview") if park is None else _("%(park)s dashboard") % {"park": park.name}
    crumbs.append((title, None))
    return {
        "title": title,
        "crumbs": crumbs,
        "park": park,
        "year": year,
        "years": years_offered(year),
        "as_of": board.figures.as_of,
        "cards": board.cards(),
        "table": board.table(),
        "alerts": board.alerts(),
        "charts": board.charts(),
        "charts_url": reverse("reports:charts", args=[scope_code(park), year]),
        "export_url": reverse("reports:export", args=[scope_code(park), year]),
        "scope_label": _("the whole county") if park is None else park.name,
    }


@login_required
def county(request):
    if not sees_everything(request.user):
        raise Http404
    year = requested_year(request)
    board = dashboards.build(None, year)
    return render(request, "reports/dashboard_county.html", dashboard_context(request, None, year, board))


@login_required
def park_dashboard(request, code):
    park = scope_park(request.user, code)
    year = requested_year(request)
    board = dashboards.build(park, year)
    context = dashboard_context(request, park, year, board)
    context["matrix"] = board.matrix()
    context.update(todo_context(request.user))
    return render(request, "reports/dashboard_park.html", context)


@login_required
def charts(request, scope, year):
    """The charts' data of a dashboard as JSON, scoped exactly as the dashboard."""
    park = scope_park(request.user, scope)
    board = dashboards.build(park, check_year(year))
    return JsonResponse({"scope": scope, "year": year, "charts": board.charts()})


# The organization view ----------------------------------------------------------


@login_required
def organization_view(request, pk):
    """A secretary's month: meetings due and missed, notices to receive, members and applicants due, dues unpaid."""
    user = request.user
    organization = get_object_or_404(PartyOrganization.objects.for_user(user).select_related("park"), pk=pk)
    today = timezone.localdate()
    figures = compute(organization.park, today.year, today=today)
    record = next((r for r in compliance(figures).organizations if r.organization.pk == organization.pk), None)
    due, missed = meetings_due(record, today)
    receipts = (
        NoticeReceipt.objects.for_user(user)
        .filter(organization=organization, received_at__isnull=True)
        .select_related("notice")
        .order_by("notice__deadline", "pk")
    )
    soon = development_rules.admitted_by_for_probation_ending_soon(today)
    trained = development_rules.trained_by_for_candidacy(today)
    applicants = Applicant.objects.for_user(user).filter(organization=organization, withdrawn_on__isnull=True)
    to_full = applicants.filter(admitted_on__lte=soon, full_on__isnull=True).order_by("admitted_on")
    next_stage = applicants.filter(activist_on__lte=trained, candidate_on__isnull=True).order_by("activist_on")
    dues = (
        DuesPayment.objects.for_user(user)
        .filter(member__organization=organization, month__year=today.year, month__lte=today)
        .select_related("member")
        .order_by("month", "member__name")
    )
    unpaid = [d for d in dues if d.amount_paid < d.amount_due]
    context = {
        "title": organization.name,
        "crumbs": [(organization.name, None)],
        "organization": organization,
        "today": today,
        "record": record,
        "due": due,
        "missed": missed,
        "receipts": list(receipts[:WAITING]),
        "receipts_total": receipts.count(),
        "to_full": list(to_full),
        "next_stage": list(next_stage),
        "unpaid": unpaid,
        "dues_recorded": bool(dues),
        "meetings_url": reverse("organizations:partyorganization_detail", args=[organization.pk]),
        "add_activity_url": offered_add_url(
            user, f"{reverse('organizations:activity_add')}?organization={organization.pk}"
        ),
    }
    return render(request, "reports/dashboard_organization.html", context)


def meetings_due(record, today: datetime.date) -> tuple[list[str], list[str]]:
    """The meetings still to hold this month (and this quarter), and the required ones missed so far."""
    if record is None:
        return [], []
    month = today.month
    counts = record.counts.get(month, {})
    due = [str(ActivityKind(kind).label) for kind in MONTHLY_MEETINGS if not counts.get(kind)]
    quarter = next(q for q in quarters(today.year) if q.first <= today <= q.last)
    quarter_months = range(quarter.first.month, quarter.last.month + 1)
    for kind in QUARTERLY_MEETINGS:
        if not any(record.counts.get(m, {}).get(kind) for m in quarter_months):
            due.append(_("%(kind)s (this quarter)") % {"kind": ActivityKind(kind).label})
    if not counts.get(ActivityKind.THEME_DAY):
        due.append(str(ActivityKind.THEME_DAY.label))
    by_period: dict[str, list[str]] = {}
    for period, kind in record.missing:
        by_period.setdefault(period, []).append(str(ActivityKind(kind).label))
    missed = []
    for period, kinds in by_period.items():
        name = period if period.startswith("Q") else _("Month %(month)s") % {"month": period}
        missed.append(f"{name}：{'、'.join(kinds)}")
    return due, missed


# A figure's records -------------------------------------------------------------


class NoticeReceiptEntity(Entity):
    """Notice receipts have no workbench list of their own; they are shown with their notice."""

    model = NoticeReceipt
    columns = [
        Column("notice.title", label=None, sort="notice__title", link=True),
        Column("notice.deadline", sort="notice__deadline"),
        Column("park.name", sort="park__name"),
        Column("organization.name"),
        Column("received_at", sort="received_at"),
    ]
    list_select_related = ("notice", "park", "organization")
    ordering = ("notice__deadline", "pk")


#: The workbench view modules whose ``ENTITIES`` a figure's records are listed with.
WORKBENCH_VIEWS = (
    enterprise_views,
    party_organization_views,
    service_center_views,
    instructor_views,
    funding_views,
    park_views,
    activity_views,
    request_views,
    notice_views,
    member_views,
    development_views,
    record_views,
)


def entity_for(model) -> type[Entity]:
    for module in WORKBENCH_VIEWS:
        for entity in module.ENTITIES:
            if entity.model is model:
                return entity
    if model is NoticeReceipt:
        return NoticeReceiptEntity
    raise Http404


class RecordsTable(ObjectListView):
    """The list view's columns and rows for a figure's records (no filters, no writing)."""

    def row(self, obj) -> dict:
        if self.entity is not NoticeReceiptEntity:
            return super().row(obj)
        user = self.request.user
        cells = [
            {"column": c, "value": display_value(obj, c.name, user, mask=c.mask), "key": ""}
            for c in self.entity.columns
        ]
        return {"object": obj, "cells": cells, "url": obj.notice.get_absolute_url()}  # receipts live on their notice


@login_required
def figure_records(request, scope, year, key):
    """Exactly the records figure ``key`` of the scope and year counts, in the columns of their workbench list."""
    park = scope_park(request.user, scope)
    figures = compute(park, check_year(year))
    part = request.GET.get("part")
    if key in REGISTRY and part is None:
        figure = figures[key]
        if not figure.has_records:
            raise Http404
        model, pks, label, display = figure.model, figure.pks, figure.label, figure.display
    elif key in SERIES and part is not None:
        chosen = series(figures, key)
        point = chosen.point(part)
        if point is None or chosen.model is None:
            raise Http404
        model, pks = chosen.model, point.pks
        label = f"{chosen.label} · {point.label}"
        display = str(point.value) if not isinstance(point.value, float) else f"{point.value * 100:.1f}%"
    else:
        raise Http404
    entity = entity_for(model)
    queryset = entity.queryset(request.user).filter(pk__in=pks)
    view = RecordsTable(entity=entity)
    view.request = request
    sort = request.GET.get("sort", "")
    sortable = sortable_keys(entity, request.user)
    queryset = queryset.order_by(*sort_order(entity, sort, sortable))
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    scope_label = _("the whole county") if park is None else park.name
    title = _("%(figure)s — %(scope)s, %(year)s") % {"figure": label, "scope": scope_label, "year": year}
    return render(
        request,
        "reports/figure_records.html",
        {
            "title": title,
            "figure_label": label,
            "figure_display": display,
            "scope_label": scope_label,
            "year": year,
            "entity": entity,
            "columns": [view.column_header(c, sort, sortable) for c in entity.columns],
            "rows": [view.row(obj) for obj in page.object_list],
            "page_obj": page,
            "total": page.paginator.count,
            "page_params": params.urlencode(),
            "sort_params": sort_params.urlencode(),
            "crumbs": [
                (_("County overview") if park is None else park.name, dashboard_url(park, year)),
                (str(label), None),
            ],
        },
    )


# Export -------------------------------------------------------------------------


@login_required
def export(request, scope, year):
    """The dashboard's figures (every figure of the engine) and its park table as an xlsx workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    park = scope_park(request.user, scope)
    board = dashboards.build(park, check_year(year))
    figures = board.figures
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")
    bold = Font(bold=True)
    sheet.append([_("Group"), _("Figure"), _("Value"), _("Shown as"), _("Key")])
    for group_label, items in figures.by_group():
        for item in items:
            value = dashboards._plain(item.value)
            if isinstance(value, str):
                value = escape_text(value)
            sheet.append([str(group_label), str(item.label), value, item.display, item.key])
    table = board.table()
    parks = workbook.create_sheet(_("Parks"))
    parks.append([_("Park"), _("Park code"), *[h["label"] for h in table["headers"]]])
    for row in table["rows"]:
        values = [c["value"] for c in row["cells"]]
        parks.append([escape_text(row["park"].name), escape_text(row["park"].code), *values])
    parks.append([_("Total"), "", *[c["value"] for c in table["total"]["cells"]]])
    for ws in (sheet, parks):
        for header in ws[1]:
            header.font = bold
        ws.freeze_panes = "A2"
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed by the FileResponse
    workbook.save(handle)
    handle.seek(0)
    ExportRecord.objects.create(
        user=request.user, entity="reports.dashboard", filters=f"scope={scope}&year={year}", rows=len(table["rows"])
    )
    audit.record(
        AuditKind.EXPORT,
        request=request,
        obj=park,
        detail={"entity": "reports.dashboard", "filters": f"scope={scope}&year={year}", "rows": len(table["rows"])},
    )
    name = _("Dashboard") + f"-{scope}-{year}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)
