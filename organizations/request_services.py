"""Business writes on service requests: the handling workflow received → in progress → closed / rejected.

A request settled on the spot may be closed straight from "received".

Each transition checks the request's current status (a wrong one is refused
with a message), saves through :func:`parkparty.core.services.save_record` with the
version the user started from, and leaves a history entry with its reason.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.core.history import ChangeReason
from parkparty.core.services import save_record

from .models import RequestStatus, ServiceRequest


def _refuse_unless(request: ServiceRequest, allowed: tuple[str, ...], message: str) -> None:
    if request.status not in allowed:
        raise ValidationError(message % {"status": request.get_status_display()}, code="wrong_status")


def _check_closing_date(request: ServiceRequest, closed_on: datetime.date) -> None:
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if request.received_on and closed_on < request.received_on:
        raise ValidationError({"closed_on": _("The closing date cannot be before the date received.")})


def _effective(closed_on: datetime.date) -> datetime.date | None:
    """A back-dated closing takes effect on its day; a closing today takes effect now."""
    return closed_on if closed_on < timezone.localdate() else None


def service_request_start(
    request: ServiceRequest,
    *,
    handler: str,
    handler_unit: str = "",
    due_on: datetime.date | None = None,
    user,
    expected_version: int | None = None,
) -> ServiceRequest:
    """Start handling a received request: someone is now responsible for it."""
    _refuse_unless(
        request,
        (RequestStatus.RECEIVED,),
        _("Only a newly received request can be taken up; this one is “%(status)s”."),
    )
    if not (handler or "").strip():
        raise ValidationError({"handler": _("Name the person handling the request.")})
    request.status = RequestStatus.IN_PROGRESS
    request.handler = handler.strip()
    if handler_unit:
        request.handler_unit = handler_unit.strip()
    if due_on is not None:
        request.due_on = due_on
    return save_record(
        request,
        user=user,
        expected_version=expected_version if expected_version is not None else request.version,
        reason=ChangeReason.HANDLING_STARTED,
    )


def service_request_close(
    request: ServiceRequest,
    *,
    closed_on: datetime.date,
    outcome: str,
    quantity: int | None = None,
    people_served: int | None = None,
    satisfaction: int | None = None,
    user,
    expected_version: int | None = None,
) -> ServiceRequest:
    """Close an open request with what was done for the enterprise (one settled on the spot needs no handling step)."""
    _refuse_unless(
        request,
        (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS),
        _("Only an open request can be closed; this one is “%(status)s”."),
    )
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe how the request was resolved.")})
    _check_closing_date(request, closed_on)
    request.status = RequestStatus.CLOSED
    request.closed_on = closed_on
    request.outcome = outcome.strip()
    request.quantity = quantity
    request.people_served = people_served
    request.satisfaction = satisfaction
    return save_record(
        request,
        user=user,
        expected_version=expected_version if expected_version is not None else request.version,
        effective=_effective(closed_on),
        reason=ChangeReason.CLOSED,
    )


def service_request_reject(
    request: ServiceRequest,
    *,
    closed_on: datetime.date,
    reason: str,
    user,
    expected_version: int | None = None,
) -> ServiceRequest:
    """Turn down a request that is not handled further; the reason is kept as its outcome."""
    _refuse_unless(
        request,
        (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS),
        _("Only an open request can be rejected; this one is “%(status)s”."),
    )
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for rejecting the request.")})
    _check_closing_date(request, closed_on)
    request.status = RequestStatus.REJECTED
    request.closed_on = closed_on
    request.outcome = reason.strip()
    return save_record(
        request,
        user=user,
        expected_version=expected_version if expected_version is not None else request.version,
        effective=_effective(closed_on),
        reason=ChangeReason.REJECTED,
    )
