"""The signed-in home page: what waits for this user and what they changed last."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.models import Applicant, Member, add_years
from organizations.models import (
    FINISHED_STATUSES,
    Activity,
    Enterprise,
    Notice,
    NoticeReceipt,
    Park,
    PartyOrganization,
    ServiceRequest,
)
from parkparty.models import AuditEvent
from parkparty.permissions import (
    CHANGE,
    COUNTY_HOME,
    PARK_HOME,
    VIEW,
    assigned_organization,
    assigned_park,
    home_dashboard,
    may,
    may_administer,
    sees_everything,
    works_on_records,
)

WAITING = 10
#: Models whose recent changes the home page lists.
RECENT_MODELS = (Enterprise, PartyOrganization, Member, Applicant, Activity, ServiceRequest, Notice)


def open_requests(user):
    return (
        ServiceRequest.objects.for_user(user)
        .exclude(status__in=FINISHED_STATUSES)
        .select_related("enterprise")
        .order_by("due_on", "received_on")
    )


def receipts_to_sign(user):
    """Notices addressed to this user's park (staff) or organization (secretary) and not yet signed for."""
    receipts = NoticeReceipt.objects.for_user(user, CHANGE).filter(received_at__isnull=True)
    return receipts.select_related("notice").order_by("notice__deadline", "pk")


def applicants_due(user, today: datetime.date):
    """Activists trained a year and probationary members of a year: their next stage is due."""
    year_ago = add_years(today, -1)
    return (
        Applicant.objects.for_user(user)
        .filter(withdrawn_on__isnull=True)
        .filter(
            Q(activist_on__lte=year_ago, candidate_on__isnull=True) | Q(admitted_on__lte=year_ago, full_on__isnull=True)
        )
        .select_related("organization")
        .order_by("activist_on", "admitted_on")
    )


def recent_changes(user, limit: int = WAITING) -> list[dict]:
    """The last records this user changed, newest first (one query per model kind, not per record)."""
    entries = []
    for model in RECENT_MODELS:
        records = model.history.filter(history_user=user).order_by("-history_date")[:limit]
        for record in records:
            url = None
            if record.history_type != "-":
                try:
                    url = reverse(f"{model._meta.app_label}:{model._meta.model_name}_detail", args=[record.id])
                except NoReverseMatch:
                    url = None
            entries.append(
                {
                    "when": record.history_date,
                    "what": model._meta.verbose_name,
                    "name": str(record.instance) if record.history_type != "-" else record.history_object,
                    "change": record.get_history_type_display(),
                    "url": url,
                }
            )
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:limit]


def dashboard_home(user) -> str | None:
    """The dashboard that is this user's home: the county overview, their park's or their organization's."""
    home = home_dashboard(user)
    if home is None:
        return None
    kind, where = home
    if kind == COUNTY_HOME:
        return reverse("reports:county")
    if kind == PARK_HOME:
        return reverse("reports:park", args=[where.code])
    return reverse("reports:organization", args=[where])


def todo_context(user) -> dict:
    """What waits for ``user``: open requests, notices to sign, applicants due, their last changes."""
    today = timezone.localdate()
    requests = open_requests(user)
    receipts = receipts_to_sign(user)
    applicants = applicants_due(user, today)
    return {
        "today": today,
        "requests": list(requests[:WAITING]),
        "requests_total": requests.count(),
        "receipts": list(receipts[:WAITING]),
        "receipts_total": receipts.count(),
        "applicants": list(applicants[:WAITING]),
        "applicants_total": applicants.count(),
        "recent": recent_changes(user),
    }


@login_required
def home(request):
    """County reviewers, park staff and secretaries go to their dashboard; others see what waits for them."""
    user = request.user
    if not works_on_records(user) and may(user, VIEW, AuditEvent):  # the audit administrator
        return redirect("audit:list")
    target = dashboard_home(user)
    if target is not None:
        return redirect(target)
    context = {
        "sees_everything": sees_everything(user),
        "manages_parks": may(user, CHANGE, Park),
        "scope_park": assigned_park(user),
        "scope_organization": assigned_organization(user),
        "may_administer": may_administer(user),
        **todo_context(user),
    }
    return render(request, "parkparty/home.html", context)
