"""The left navigation: one entry per workbench area, shown only where the user may look."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from parkparty.audit import may_read_audit_log
from parkparty.scoping import scope_for
from parkparty.views.imports import may_import

#: (url name, label, who sees it: "all", "county" — users who see every park, or "parks" — staff, county
#: and administrators)
MAIN = [
    ("home", _("Home"), "all"),
    ("reports:county", _("County overview"), "county"),
    ("organizations:enterprise_list", _("Enterprises"), "all"),
    ("organizations:partyorganization_list", _("Party organizations"), "all"),
    ("members:member_list", _("Party members"), "all"),
    ("members:applicant_list", _("Member development"), "all"),
    ("organizations:activity_list", _("Organization life"), "all"),
    ("organizations:servicerequest_list", _("Enterprise requests"), "all"),
    ("organizations:notice_list", _("Notices"), "all"),
    ("organizations:servicecenter_list", _("Service centres"), "all"),
    ("organizations:instructor_list", _("Instructors"), "all"),
]
TOOLS = [
    ("annual:index", _("Annual reports"), "parks"),
    ("imports:index", _("Excel import"), "importers"),
]
#: The audit administrator's whole navigation: they read the audit log and nothing else.
AUDIT = [
    ("audit:list", _("Audit log"), "auditors"),
]
MORE = [
    ("organizations:park_list", _("Parks"), "parks"),
    ("organizations:parkstaffing_list", _("Park staffing"), "parks"),
    ("members:developmentquota_list", _("Development quotas"), "parks"),
    ("members:commendation_list", _("Commendations"), "all"),
    ("members:pioneerpost_list", _("Pioneer posts"), "all"),
    ("organizations:funding_list", _("Funding"), "all"),
    ("members:duespayment_list", _("Party dues"), "all"),
]


def _entries(items, request, scope):
    current = request.resolver_match
    current_name = f"{current.namespace}:{current.url_name}" if current and current.namespace else ""
    current_prefix = current_name.rsplit("_", 1)[0] if current_name else ""
    entries = []
    for name, label, who in items:
        if who == "parks" and scope.organization_ids and not scope.everything:
            continue
        if who == "importers" and not may_import(request.user):
            continue
        if who == "county" and not scope.everything:
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
    if may_read_audit_log(user):
        return {"nav_main": _entries(AUDIT, request, scope_for(user)), "nav_more": []}
    scope = scope_for(user)
    return {
        "nav_main": _entries(MAIN, request, scope) + _entries(TOOLS, request, scope),
        "nav_more": _entries(MORE, request, scope),
    }
