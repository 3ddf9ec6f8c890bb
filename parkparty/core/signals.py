"""Sign-ins, sign-outs and changes of accounts in the audit log, and the session clock started at sign-in.

Failed sign-ins and lockouts are recorded by :mod:`parkparty.core.lockout`, where
axes knows whether a failure started a lockout.
"""

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from parkparty.core import audit
from parkparty.core.middleware import start_session_clock
from parkparty.core.models import AuditKind, user_saved

# Django's own receiver saves the user on every sign-in, which would add a "changed" entry to the
# user's history each time; ours keeps ``last_login`` (dormant accounts are counted from it) without one.
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="parkparty_last_login")
def record_last_login(sender, request, user, **kwargs):
    """A sign-in is an audit event, not an edit of the user: ``last_login`` is saved without a history entry."""
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving


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


@receiver(user_saved, dispatch_uid="parkparty_audit_user_saved")
def audit_user_saved(sender, user, created, before, password_set, **kwargs):
    """New accounts, changes of role, scope and rights, and new passwords go to the audit log."""
    if created:
        audit.user_created(user)
        return
    if before is not None:
        audit.user_changed(user, before)
    if password_set:
        audit.password_saved(user, detail=getattr(user, "_password_audit_detail", None))
