"""Business writes on notices, the one notice service: issuing, forwarding, signing for, editing.

Two levels, in this order below. The plain writes (:func:`notice_issue`,
:func:`notice_forward`, :func:`notice_receive`) do what they say for a given
park or organization and check only the notice's own rules; the demo and the
workbench actions build on them. The workbench actions (``notice_issue_as``,
``notice_forward_as``, ``notice_edit``, ``notice_sign``) act in the user's
name and ask the permission module first: the county (or an administrator)
issues in its own name to parks; park staff issue in their park's name to
organizations in it, forward notices that reached their parks, and sign for
their parks' receipts; a secretary signs for their organization's receipt.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.core.permissions import (
    ADD,
    CHANGE,
    FORWARD,
    assigned_park,
    denied,
    may,
    park_ids,
    require,
    sees_everything,
)
from parkparty.core.services import save_record

from .models import Notice, NoticeReceipt, OrganizationStatus, Park, PartyOrganization

# --- plain writes ------------------------------------------------------------------


@transaction.atomic
def notice_issue(notice: Notice, *, parks: list[Park], user, at: datetime.datetime | None = None) -> Notice:
    """Issue a notice to parks: one receipt per park, reaching them at once (``at``, default now)."""
    if not parks:
        raise ValidationError(_("Choose at least one park to send the notice to."))
    now = at or timezone.now()
    save_record(notice, user=user, effective=now)
    for park in parks:
        save_record(NoticeReceipt(notice=notice, park=park, forwarded_at=now), user=user, effective=now)
    return notice


@transaction.atomic
def notice_forward(
    notice: Notice,
    *,
    park: Park,
    organizations: list[PartyOrganization],
    user,
    at: datetime.datetime | None = None,
) -> list[NoticeReceipt]:
    """A park forwards a notice it received (or issued) to organizations in it or its sub-parks.

    Each organization's receipt is filed under the organization's own park.
    """
    addressed = notice.issuer_park_id == park.pk or notice.receipts.filter(park=park, organization=None).exists()
    if not addressed:
        raise ValidationError(_("This park has not received this notice, so it cannot forward it."))
    park_ids = park.descendant_ids()
    now = at or timezone.now()
    receipts = []
    for organization in organizations:
        if organization.park_id not in park_ids:
            raise ValidationError(
                _("%(organization)s is not in this park or its sub-parks.") % {"organization": organization}
            )
        if NoticeReceipt.objects.filter(notice=notice, organization=organization).exists():
            continue
        receipt = NoticeReceipt(notice=notice, park=organization.park, organization=organization, forwarded_at=now)
        receipts.append(save_record(receipt, user=user, effective=now))
    return receipts


def notice_receive(receipt: NoticeReceipt, *, user, at: datetime.datetime | None = None) -> NoticeReceipt:
    """Sign for a notice (签收). Signing twice keeps the first time."""
    if receipt.received_at is None:
        receipt.received_at = at or timezone.now()
        receipt.received_by = user
        save_record(receipt, user=user, expected_version=receipt.version, effective=receipt.received_at)
    return receipt


# --- who may do what ---------------------------------------------------------------


def notice_reach(notice: Notice, user) -> dict[int, int]:
    """Parks the user may forward ``notice`` into: park id → the addressed park it is forwarded from.

    A notice reaches a park through a park receipt or by being issued there;
    it may be forwarded to organizations in that park or its sub-parks,
    always from the nearest park it reached. Empty for users who do not
    forward (county reviewers, secretaries).
    """
    if not may(user, FORWARD, Notice):
        return {}
    mine = park_ids(user)  # None: every park
    addressed = set(
        NoticeReceipt.objects.filter(notice=notice, organization__isnull=True).values_list("park_id", flat=True)
    )
    if notice.issuer_park_id:
        addressed.add(notice.issuer_park_id)
    if mine is not None:
        addressed &= mine
    if not addressed:
        return {}
    parents = dict(Park.objects.values_list("pk", "parent_id"))
    reach = {}
    for park_id in parents:
        if mine is not None and park_id not in mine:
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


# --- workbench actions, in the user's name -------------------------------------------


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
    require(user, ADD, Notice)
    notice.issued_by = user
    if sees_everything(user):  # the county (or an administrator) issues in the county's name
        notice.issuer_park = None
        return notice_issue(notice, parks=list(parks), user=user, at=at)
    if not organizations:
        raise ValidationError({"organizations": _("Choose at least one organization to send the notice to.")})
    now = at or timezone.now()
    notice.issuer_park = assigned_park(user)
    save_record(notice, user=user, effective=now)
    notice_forward(notice, park=notice.issuer_park, organizations=list(organizations), user=user, at=now)
    return notice


def notice_edit(notice: Notice, *, user, expected_version: int | None = None) -> Notice:
    """Save changes to a notice's text, dates or attachment (its addressees change only by forwarding)."""
    require(user, CHANGE, notice)
    return save_record(notice, user=user, expected_version=expected_version)


@transaction.atomic
def notice_forward_as(
    notice: Notice, *, organizations: list[PartyOrganization], user, at: datetime.datetime | None = None
) -> list[NoticeReceipt]:
    """Forward a notice to organizations, each from the nearest park the notice reached."""
    reach = notice_reach(notice, user)
    if not reach:
        raise denied(FORWARD, Notice)
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
    require(user, CHANGE, receipt)
    return notice_receive(receipt, user=user, at=at)
