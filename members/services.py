"""Business writes on members and the development pipeline."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parkparty.core.history import ChangeReason
from parkparty.core.services import save_record

from .models import Applicant, EndReason, EventKind, Member, MemberCategory, MembershipEvent


def arrival_reason(member: Member) -> str:
    """Why a new member is on the roll: transferred in (with a transfer date) or admitted here."""
    return ChangeReason.TRANSFERRED_IN if member.transferred_in_on else ChangeReason.ADMITTED


@transaction.atomic
def member_create(member: Member, *, user, whole_organization: bool = False, counterpart: str = "") -> Member:
    """Register a member and the event that brought them here (admission or transfer in)."""
    since = member.transferred_in_on or member.joined_on
    save_record(member, user=user, effective=since, reason=arrival_reason(member))
    kind = EventKind.TRANSFERRED_IN if member.transferred_in_on else EventKind.ADMITTED
    event = MembershipEvent(
        member=member,
        kind=kind,
        date=since,
        organization=member.organization,
        whole_organization=whole_organization,
        counterpart=counterpart,
    )
    save_record(event, user=user, effective=since)
    return member


@transaction.atomic
def member_end(
    member: Member,
    *,
    reason: str,
    on: datetime.date,
    user,
    note: str = "",
    whole_organization: bool = False,
    counterpart: str = "",
    expected_version: int | None = None,
) -> Member:
    """End a membership with a coded reason and date. The record itself is kept."""
    if member.ended_on is not None:
        raise ValidationError(_("This membership has already ended."))
    if reason not in EndReason.values:
        raise ValidationError({"end_reason": _("Choose why the membership ends.")})
    member.ended_on = on
    member.end_reason = reason
    member.end_note = note
    save_record(
        member, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.MEMBERSHIP_ENDED
    )
    event = MembershipEvent(
        member=member,
        kind=reason,
        date=on,
        organization=member.organization,
        whole_organization=whole_organization,
        counterpart=counterpart,
        note=note,
    )
    save_record(event, user=user, effective=on)
    return member


@transaction.atomic
def member_confirm_full(member: Member, *, on: datetime.date, user, expected_version: int | None = None) -> Member:
    """A probationary member becomes a full member (转正) after at least one year."""
    if member.category != MemberCategory.PROBATIONARY:
        raise ValidationError(_("Only a probationary member can be confirmed as a full member."))
    member.category = MemberCategory.FULL
    member.full_on = on
    save_record(member, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.CONFIRMED)
    event = MembershipEvent(member=member, kind=EventKind.CONFIRMED_FULL, date=on, organization=member.organization)
    save_record(event, user=user, effective=on)
    if hasattr(member, "application"):
        applicant = member.application
        applicant.full_on = on
        save_record(applicant, user=user, expected_version=applicant.version, effective=on)
    return member


@transaction.atomic
def applicant_admit(
    applicant: Applicant, *, on: datetime.date, user, ethnicity: str = "汉族", expected_version: int | None = None
) -> Member:
    """Admit a candidate as a probationary member and link the member record."""
    if applicant.member_id:
        raise ValidationError(_("This person has already been admitted."))
    if not applicant.candidate_on:
        raise ValidationError(_("Only a candidate for admission can be admitted."))
    applicant.admitted_on = on
    applicant.full_clean()
    member = Member(
        name=applicant.name,
        id_number=applicant.id_number,
        gender=applicant.gender,
        ethnicity=ethnicity,
        phone=applicant.phone,
        organization=applicant.organization,
        enterprise=applicant.enterprise,
        category=MemberCategory.PROBATIONARY,
        joined_on=on,
    )
    member_create(member, user=user)
    applicant.member = member
    save_record(applicant, user=user, expected_version=expected_version, effective=on, reason=ChangeReason.ADMITTED)
    return member


def applicant_withdraw(
    applicant: Applicant, *, on: datetime.date, reason: str, user, expected_version: int | None = None
) -> Applicant:
    """The person leaves the development pipeline on a date, for a reason; the record is kept."""
    if applicant.withdrawn_on or applicant.member_id:
        raise ValidationError(_("Only a person still in the pipeline and not yet admitted can leave it."))
    if applicant.applied_on and on < applicant.applied_on:
        raise ValidationError({"on": _("The date cannot be before the application.")})
    applicant.withdrawn_on = on
    applicant.withdrawn_reason = reason
    note = _("Left the pipeline")
    return save_record(applicant, user=user, expected_version=expected_version, effective=on, reason=note)
