"""Business writes on notices from the workbench: who may issue, edit, forward and sign for them.

The county (or an administrator) issues in its own name to parks through
:func:`organizations.services.notice_issue`; park staff issue in their
park's name to organizations in it, forward notices that reached their
parks, and sign for their parks' receipts; a secretary signs for their
organization's receipt.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.models import Role
from parkparty.scoping import scope_for
from parkparty.services import save_record

from .models import Notice, NoticeReceipt, OrganizationStatus, Park, PartyOrganization
from .services import notice_forward, notice_issue, notice_receive

# --- who may do what ---------------------------------------------------------------


def notice_may_issue(user) -> bool:
    """The county, administrators and park staff issue notices; secretaries only receive them."""
    scope = scope_for(user)
    return scope.everything or bool(scope.park_ids)


def notice_may_edit(user, notice: Notice) -> bool:
    """Only the issuing side edits a notice: the county its own, park staff their parks'."""
    scope = scope_for(user)
    if scope.everything:
        return notice.issuer_park_id is None or not scope.read_only
    return notice.issuer_park_id in scope.park_ids


def notice_reach(notice: Notice, user) -> dict[int, int]:
    """Parks the user may forward ``notice`` into: park id → the addressed park it is forwarded from.

    A notice reaches a park through a park receipt or by being issued there;
    it may be forwarded to organizations in that park or its sub-parks,
    always from the nearest park it reached. Empty for users who do not
    forward (county reviewers, secretaries).
    """
    scope = scope_for(user)
    if scope.read_only or not (scope.everything or scope.park_ids):
        return {}
    addressed = set(
        NoticeReceipt.objects.filter(notice=notice, organization__isnull=True).values_list("park_id", flat=True)
    )
    if notice.issuer_park_id:
        addressed.add(notice.issuer_park_id)
    if not scope.everything:
        addressed &= scope.park_ids
    if not addressed:
        return {}
    parents = dict(Park.objects.values_list("pk", "parent_id"))
    reach = {}
    for park_id in parents:
        if not scope.everything and park_id not in scope.park_ids:
            continue
        current, seen = park_id, set()
        while current is not None and current not in addressed and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current in addressed:
            reach[park_id] = current
    return reach


def notice_forwardable_organizations(notice: Notice, user):
    """Organizations in scope the user may still forward ``notice`` to."""
    reach = notice_reach(notice, user)
    return (
        PartyOrganization.objects.for_user(user)
        .filter(park_id__in=list(reach))
        .exclude(status=OrganizationStatus.DISSOLVED)
        .exclude(notice_receipts__notice=notice)
        .select_related("park")
        .order_by("park__sort_order", "park__code", "name")
    )


def receipt_is_for(receipt: NoticeReceipt, user) -> bool:
    """The addressee signs: park staff for a park's receipt, the secretary for their organization's."""
    scope = scope_for(user)
    if receipt.organization_id is None:
        return getattr(user, "role", "") == Role.PARK_STAFF and receipt.park_id in scope.park_ids
    return getattr(user, "role", "") == Role.SECRETARY and receipt.organization_id == user.organization_id


# --- writes ----------------------------------------------------------------------


@transaction.atomic
def notice_issue_as(
    notice: Notice,
    *,
    user,
    parks: list[Park] = (),
    organizations: list[PartyOrganization] = (),
    at: datetime.datetime | None = None,
) -> Notice:
    """Issue a new notice in the user's name: the county's to parks, a park's to its organizations."""
    if not notice_may_issue(user):
        raise PermissionDenied(_("Your role receives notices but does not issue them."))
    scope = scope_for(user)
    notice.issued_by = user
    if scope.everything:
        notice.issuer_park = None
        return notice_issue(notice, parks=list(parks), user=user, at=at)
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization to send the notice to.")})
    now = at or timezone.now()
    notice.issuer_park = user.park
    save_record(notice, user=user, history_date=now)
    notice_forward(notice, park=user.park, organizations=list(organizations), user=user, at=now)
    return notice


def notice_edit(notice: Notice, *, user, expected_version: int | None = None) -> Notice:
    """Save changes to a notice's text, dates or attachment (its addressees change only by forwarding)."""
    if not notice_may_edit(user, notice):
        raise PermissionDenied(_("Only the issuer of a notice may change it."))
    return save_record(notice, user=user, expected_version=expected_version)


@transaction.atomic
def notice_forward_as(
    notice: Notice, *, organizations: list[PartyOrganization], user, at: datetime.datetime | None = None
) -> list[NoticeReceipt]:
    """Forward a notice to organizations, each from the nearest park the notice reached."""
    reach = notice_reach(notice, user)
    if not reach:
        raise PermissionDenied(_("This notice has not reached a park you work on, so you cannot forward it."))
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization to forward the notice to.")})
    groups: dict[int, list[PartyOrganization]] = defaultdict(list)
    for organization in organizations:
        source = reach.get(organization.park_id)
        if source is None:
            raise ValidationError(
                _("%(organization)s is not in a park this notice reached.") % {"organization": organization}
            )
        groups[source].append(organization)
    parks = Park.objects.in_bulk(list(groups))
    now = at or timezone.now()
    receipts = []
    for park_id, chosen in groups.items():
        receipts += notice_forward(notice, park=parks[park_id], organizations=chosen, user=user, at=now)
    return receipts


def notice_sign(receipt: NoticeReceipt, *, user, at: datetime.datetime | None = None) -> NoticeReceipt:
    """The addressee signs for a notice (签收); signing twice keeps the first time."""
    if not receipt_is_for(receipt, user):
        raise PermissionDenied(_("Only the addressee may sign for this notice."))
    return notice_receive(receipt, user=user, at=at)
