"""Business writes on parks, enterprises, organizations and notices."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.history import ChangeReason
from parkparty.services import save_record

from .models import (
    CoverageMode,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
    Notice,
    NoticeReceipt,
    OrganizationStatus,
    Park,
    PartyOrganization,
)


def park_create(*, code: str, name: str, parent: Park | None = None, user=None) -> Park:
    """Create a park (a zone when ``parent`` is None)."""
    return save_record(Park(code=code, name=name, parent=parent), user=user)


@transaction.atomic
def enterprise_record_survey(
    enterprise: Enterprise, *, surveyed_on: datetime.date, user, expected_version: int | None = None
) -> EnterpriseSurvey:
    """Save the enterprise as surveyed on ``surveyed_on`` and keep a dated snapshot of the survey.

    The enterprise's history entry is dated on the survey day, so figures
    for that year see the state the survey found.
    """
    enterprise.surveyed_on = surveyed_on
    save_record(enterprise, user=user, expected_version=expected_version, effective=surveyed_on)
    survey = EnterpriseSurvey.objects.filter(enterprise=enterprise, surveyed_on=surveyed_on).first()
    survey = survey or EnterpriseSurvey(enterprise=enterprise, surveyed_on=surveyed_on)
    survey.status = enterprise.status
    survey.employees = enterprise.employees
    survey.members = enterprise.surveyed_members
    survey.investor_is_member = enterprise.investor_is_member
    survey.coverage_mode = enterprise.coverage_mode
    version = survey.version if survey.pk else None  # a survey of the same day is updated as it was just read
    return save_record(survey, user=user, expected_version=version, effective=surveyed_on)


def enterprise_deregister(
    enterprise: Enterprise, *, on: datetime.date, user, expected_version: int | None = None
) -> Enterprise:
    """Mark an enterprise deregistered (注销) from ``on``; it stays on record."""
    enterprise.status = EnterpriseStatus.DEREGISTERED
    enterprise.deregistered_on = on
    return save_record(
        enterprise, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.DEREGISTERED
    )


def organization_found(
    organization: PartyOrganization, *, on: datetime.date, user, expected_version: int | None = None
) -> PartyOrganization:
    """An organization being formed is founded on ``on``."""
    if organization.status != OrganizationStatus.FORMING:
        raise ValidationError(_("Only an organization being formed can be founded."))
    organization.status = OrganizationStatus.ACTIVE
    organization.founded_on = on
    return save_record(
        organization, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.FOUNDED
    )


@transaction.atomic
def organization_dissolve(
    organization: PartyOrganization,
    *,
    on: datetime.date,
    reason: str,
    user,
    expected_version: int | None = None,
) -> PartyOrganization:
    """Dissolve an organization. Its members must have been transferred or ended first.

    The enterprises it covered are recorded as uncovered from the same day.
    """
    if organization.members.current().exists():
        raise ValidationError(
            _("This organization still has members. Transfer them or end their membership before dissolving it.")
        )
    if not reason.strip():
        raise ValidationError({"dissolution_reason": _("Give the reason for dissolving the organization.")})
    organization.status = OrganizationStatus.DISSOLVED
    organization.dissolved_on = on
    organization.dissolution_reason = reason
    save_record(organization, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.DISSOLVED)
    for enterprise in organization.enterprises.all():
        enterprise.organization = None
        enterprise.coverage_mode = CoverageMode.NONE
        save_record(
            enterprise,
            user=user,
            expected_version=enterprise.version,
            effective=on,
            reason=ChangeReason.ORGANIZATION_DISSOLVED,
        )
    return organization


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
