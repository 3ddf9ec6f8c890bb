"""Sign-ins and sign-outs in the audit log, and the session clock started at sign-in.

Failed sign-ins and lockouts are recorded by :mod:`parkparty.lockout`, where
axes knows whether a failure started a lockout.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from parkparty import audit
from parkparty.middleware import start_session_clock
from parkparty.models import AuditKind


@receiver(user_logged_in, dispatch_uid="parkparty_audit_login")
def audit_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
    audit.record(AuditKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="parkparty_audit_logout")
def audit_logout(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "parkparty_logout_reason", "")
    if reason:
        audit.record(AuditKind.SESSION_EXPIRED, request=request, user=user, detail={"reason": reason})
    else:
        audit.record(AuditKind.LOGOUT, request=request, user=user)
