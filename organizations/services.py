"""Business writes on parks, enterprises and organizations (notices: :mod:`organizations.notice_services`)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkparty.core.history import ChangeReason
from parkparty.core.services import save_record

from .models import (
    CoverageMode,
    Enterprise,
    EnterpriseStatus,
    EnterpriseSurvey,
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
