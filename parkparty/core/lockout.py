"""Sign-in lockout with two limits: a low one per username, a high one per address (django-axes).

A park office signs in from one address, so one person's wrong passwords
must not lock out colleagues: a username is locked after
``LOGIN_FAILURE_LIMIT`` failures (default 5). An address is locked only
after ``LOGIN_IP_FAILURE_LIMIT`` failures (default 50) — that slows
password spraying across many usernames. Both locks last
``LOCKOUT_MINUTES`` (default 30) from the failure that caused them and
count only failures within that time; a successful sign-in clears the
username's own failures, not the address's.

axes compares one failure count with one limit, so :class:`LockoutHandler`
hands it the username's count, or the username limit itself once the
address has passed its own limit. Failures and lockouts go to the audit log
here, where axes knows whether a failure started a lockout; a locked
username is unlocked by an administrator in the user admin (an action) or
with ``manage.py axes_reset_username USERNAME``.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.core import audit
from parkparty.core.models import AuditKind, AuditOutcome


def _recent_attempts(request):
    attempts = AccessAttempt.objects.all()
    since = getattr(request, "axes_attempt_time", None) or timezone.now()
    return attempts.filter(attempt_time__gte=since - settings.AXES_COOLOFF_TIME)


def failure_counts(request, credentials=None) -> tuple[int, int]:
    """(failures of the username, failures from the address) within the lockout time."""
    username = get_client_username(request, credentials)
    attempts = _recent_attempts(request)
    by_user = 0
    if username:
        by_user = attempts.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    address = getattr(request, "axes_ip_address", None)
    by_address = 0
    if address:
        by_address = attempts.filter(ip_address=address).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return by_user, by_address


def locked_by(request, credentials=None) -> str:
    """ "username", "ip_address" or "" — which limit the request has reached."""
    by_user, by_address = failure_counts(request, credentials)
    if by_user >= settings.LOGIN_FAILURE_LIMIT:
        return "username"
    if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
        return "ip_address"
    return ""


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a username limit and a separate, higher address limit; audited."""

    def get_failures(self, request, credentials=None) -> int:
        by_user, by_address = failure_counts(request, credentials)
        if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_user, settings.AXES_FAILURE_LIMIT)
        return by_user

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget the username's failures only, never the whole address's."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        was_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = (get_client_username(request, credentials) or "")[:150]
        audit.record(
            AuditKind.LOGIN,
            request=request,
            username=username,
            outcome=AuditOutcome.DENIED if was_locked else AuditOutcome.FAILURE,
            detail={"reason": "locked" if was_locked else "credentials"},
        )
        if getattr(request, "axes_locked_out", False) and not was_locked:
            by_user, by_address = failure_counts(request, credentials)
            audit.record(
                AuditKind.LOCKOUT,
                request=request,
                username=username,
                outcome=AuditOutcome.DENIED,
                detail={
                    "by": locked_by(request, credentials) or "username",
                    "username_failures": by_user,
                    "address_failures": by_address,
                    "minutes": settings.LOCKOUT_MINUTES,
                },
            )


class LockoutBackend(AxesStandaloneBackend):
    """axes' check before the password is tried, for sign-ins through a request (pages, the admin).

    ``authenticate()`` without a request (a shell, a script, a test) has no address to count and
    nobody to lock out at the door; it goes straight to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins: signing in is paused for %(minutes)d minutes. Try again later, "
        "or ask your system administrator to unlock the account."
    ) % {"minutes": settings.LOCKOUT_MINUTES}


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with one message that names neither the account nor which entry was wrong."""
    form = AuthenticationForm(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": lockout_message(), "username": username[:150]},
        status=429,
    )


def unlock(username: str, *, request=None) -> int:
    """Clear the failures of ``username`` (an administrator's unlock); audited. Returns the attempts removed."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    account = get_user_model()._default_manager.filter(username=username).first()
    audit.record(AuditKind.UNLOCK, request=request, obj=account, detail={"username": username, "attempts": count})
    return count
