"""The left navigation: one entry per workbench area, shown only where the user may look."""

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from parkparty.core.imports import IMPORT_KINDS
from parkparty.core.permissions import (
    IMPORT,
    VIEW,
    may,
    scope_root,
    sees_everything,
    works_on_parks,
    works_on_records,
)

#: (url name, label, the model whose records the area lists or None, who sees it: "all" — whoever may view
#: those records, "records" — users who work on park records at all, "parks" — users who work on whole
#: parks, "county" — users who see every park, or "importers" — users who may import something)
MAIN = [
    ("home", _("Home"), None, "records"),
    ("reports:county", _("County overview"), None, "county"),
    ("organizations:enterprise_list", _("Enterprises"), "organizations.Enterprise", "all"),
    ("organizations:partyorganization_list", _("Party organizations"), "organizations.PartyOrganization", "all"),
    ("members:member_list", _("Party members"), "members.Member", "all"),
    ("members:applicant_list", _("Member development"), "members.Applicant", "all"),
    ("organizations:activity_list", _("Organization life"), "organizations.Activity", "all"),
    ("organizations:servicerequest_list", _("Enterprise requests"), "organizations.ServiceRequest", "all"),
    ("organizations:notice_list", _("Notices"), "organizations.Notice", "all"),
    ("organizations:servicecenter_list", _("Service centres"), "organizations.ServiceCenter", "all"),
    ("organizations:instructor_list", _("Instructors"), "organizations.Instructor", "all"),
]
TOOLS = [
    ("annual:index", _("Annual reports"), "reports.ReportDraft", "parks"),
    ("imports:index", _("Excel import"), None, "importers"),
]
#: The audit administrator's whole navigation: they read the audit log and nothing else.
AUDIT = [
    ("audit:list", _("Audit log"), "parkparty.AuditEvent", "all"),
]
MORE = [
    ("organizations:park_list", _("Parks"), "organizations.Park", "parks"),
    ("organizations:parkstaffing_list", _("Park staffing"), "organizations.ParkStaffing", "parks"),
    ("members:developmentquota_list", _("Development quotas"), "members.DevelopmentQuota", "parks"),
    ("members:commendation_list", _("Commendations"), "members.Commendation", "all"),
    ("members:pioneerpost_list", _("Pioneer posts"), "members.PioneerPost", "all"),
    ("organizations:funding_list", _("Funding"), "organizations.Funding", "all"),
    ("members:duespayment_list", _("Party dues"), "members.DuesPayment", "all"),
]
WHO = {
    "all": lambda user: True,
    "records": works_on_records,
    "parks": works_on_parks,
    "county": sees_everything,
    "importers": lambda user: any(may(user, IMPORT, spec.model) for spec in IMPORT_KINDS.values()),
}


def _entries(items, request):
    user = request.user
    current = request.resolver_match
    current_name = f"{current.namespace}:{current.url_name}" if current and current.namespace else ""
    current_prefix = current_name.rsplit("_", 1)[0] if current_name else ""
    entries = []
    for name, label, model_label, who in items:
        if model_label is not None and not may(user, VIEW, apps.get_model(model_label)):
            continue
        if not WHO[who](user):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the area is not built yet
        active = name.rsplit("_", 1)[0] == current_prefix if ":" in name else current and current.url_name == name
        entries.append({"url": url, "label": label, "active": bool(active)})
    return entries


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_main": _entries(MAIN, request) + _entries(TOOLS, request) + _entries(AUDIT, request),
        "nav_more": _entries(MORE, request),
        "scope_root": scope_root(user),
    }
