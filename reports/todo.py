"""What waits for a user: open requests, notices to sign, applicants due, their last changes.

Shown on the home page (:mod:`parkparty.views.home`) and on the dashboards.
"""

import datetime

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members import rules
from members.models import Applicant, Member
from organizations.models import (
    FINISHED_STATUSES,
    Activity,
    Enterprise,
    Notice,
    NoticeReceipt,
    PartyOrganization,
    ServiceRequest,
)
from parkparty.core.permissions import CHANGE

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
    return (
        Applicant.objects.for_user(user)
        .filter(withdrawn_on__isnull=True)
        .filter(
            Q(activist_on__lte=rules.trained_by_for_candidacy(today), candidate_on__isnull=True)
            | Q(admitted_on__lte=rules.admitted_by_for_probation_due(today), full_on__isnull=True)
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
