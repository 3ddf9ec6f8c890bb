"""What every group of the catalogue shares: the figure groups (declared here, in display order), the
models behind the records, and the helpers that turn rows into a figure's value and records.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..core import group

ENTERPRISE = "organizations.Enterprise"
ORGANIZATION = "organizations.PartyOrganization"
MEMBER = "members.Member"
APPLICANT = "members.Applicant"
ACTIVITY = "organizations.Activity"
REQUEST = "organizations.ServiceRequest"
FUNDING = "organizations.Funding"
RECEIPT = "organizations.NoticeReceipt"

G_ENTERPRISES = group("enterprises", _("Enterprises and the two coverages"))
G_ORGANIZATIONS = group("organizations", _("Party organizations"))
G_MEMBERS = group("members", _("Members and development"))
G_ACTIVITIES = group("activities", _("Activities"))
G_REQUESTS = group("requests", _("Enterprise service requests"))
G_SUPPORT = group("support", _("Funding, notices, dues and staffing"))


def pks(rows) -> list:
    return [row.pk for row in rows]


def counted(rows) -> tuple[int, list]:
    """A count figure's value and records: how many rows, and which."""
    return len(rows), pks(rows)
