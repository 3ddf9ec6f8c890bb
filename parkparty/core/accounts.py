"""Accounts to a level-2 standard: dormant accounts, forced and expired passwords, the password forms.

- An account without a sign-in for ``DORMANT_ACCOUNT_DAYS`` (default 90; counted from the last
  sign-in, or from creation or re-enabling when later) is dormant: it cannot sign in, and
  ``manage.py disable_dormant_accounts`` (daily from cron) disables it. The last active
  administrator is never disabled.
- An administrator who creates an account or sets its password in the admin sets
  ``must_change_password``; the user must then choose a new password before anything else
  (:class:`parkparty.core.middleware.AccountSecurityMiddleware`). Accounts made by ``createsuperuser``
  or ``load_demo`` are not forced: whoever typed the password is the one who uses it.
- ``PASSWORD_MAX_AGE_DAYS`` (default 0, off) makes older passwords expire the same way.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkparty.core.models import User
from parkparty.core.permissions import administrators


class PasswordChangeReason:
    """Why a user must choose a new password now (empty: they need not)."""

    FIRST_SIGN_IN = "set_by_administrator"
    EXPIRED = "expired"


def password_change_reason(user, *, now: datetime.datetime | None = None) -> str:
    """Why ``user`` must change their password before doing anything else, or ""."""
    if not user.is_authenticated:
        return ""
    if user.must_change_password:
        return PasswordChangeReason.FIRST_SIGN_IN
    days = settings.PASSWORD_MAX_AGE_DAYS
    if days > 0:
        since = user.password_changed_at or user.date_joined
        if since is not None and since <= (now or timezone.now()) - datetime.timedelta(days=days):
            return PasswordChangeReason.EXPIRED
    return ""


# --------------------------------------------------------------------------- dormant accounts


def last_active_at(user) -> datetime.datetime | None:
    """The latest of last sign-in, creation and re-enabling: dormancy is counted from here."""
    moments = [moment for moment in (user.last_login, user.date_joined, user.enabled_at) if moment is not None]
    return max(moments) if moments else None


def dormant_cutoff(now: datetime.datetime | None = None) -> datetime.datetime | None:
    days = settings.DORMANT_ACCOUNT_DAYS
    if days <= 0:
        return None
    return (now or timezone.now()) - datetime.timedelta(days=days)


def dormant_accounts(*, now: datetime.datetime | None = None) -> list[User]:
    """Active accounts without activity since the cutoff, except the last active administrator.

    When every active administrator is dormant, the one active most recently is kept.
    """
    cutoff = dormant_cutoff(now)
    if cutoff is None:
        return []
    candidates = (
        User.objects.filter(is_active=True, date_joined__lt=cutoff)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
        .filter(Q(enabled_at__isnull=True) | Q(enabled_at__lt=cutoff))
        .order_by("pk")
    )
    dormant = list(candidates)
    admin_ids = set(administrators().values_list("pk", flat=True))
    dormant_admins = [user for user in dormant if user.pk in admin_ids]
    if dormant_admins and len(dormant_admins) == len(admin_ids):
        keep = max(dormant_admins, key=lambda user: (last_active_at(user), user.pk))
        dormant = [user for user in dormant if user.pk != keep.pk]
    return dormant


def is_dormant(user, *, now: datetime.datetime | None = None) -> bool:
    cutoff = dormant_cutoff(now)
    if cutoff is None or not user.is_active:
        return False
    last = last_active_at(user)
    if last is None or last >= cutoff:
        return False
    return any(found.pk == user.pk for found in dormant_accounts(now=now))


def disable_account(user, *, reason: str) -> None:
    """Disable ``user`` (recorded in the audit log as ``account_disabled`` with ``reason``)."""
    user.is_active = False
    user._audit_reason = reason
    user.save(update_fields=["is_active"])


def disable_dormant(*, now: datetime.datetime | None = None, dry_run: bool = False) -> list[User]:
    """Disable every dormant account; return them."""
    found = dormant_accounts(now=now)
    if not dry_run:
        for user in found:
            disable_account(user, reason="dormant")
    return found


class AccountBackend(ModelBackend):
    """Django's model backend that also refuses (and disables) dormant accounts."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if is_dormant(user):
            disable_account(user, reason="dormant")
            return False
        return True


# --------------------------------------------------------------------------- forms


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The user's own password change: the current password, then a new one that differs from it.

    What is wrong with the new password is said under the new password itself, not under its repetition.
    """

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "password_incorrect": gettext_lazy("The current password is not correct. Enter it again."),
    }

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)

    def clean_new_password1(self):
        new = self.cleaned_data.get("new_password1")
        old = self.data.get("old_password", "")
        if new and old and new == old:
            raise ValidationError(_("The new password must differ from the current one."), code="password_unchanged")
        return new


class AdminPasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """An administrator sets someone's password: they must change it at their next sign-in."""

    def save(self, commit=True):
        if self.cleaned_data.get("set_usable_password", True):
            self.user.must_change_password = True
        return super().save(commit=commit)


class AdminUserCreationForm(auth_forms.AdminUserCreationForm):
    """An administrator creates an account: its user must choose their own password at the first sign-in."""

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit=commit)


#: Shown on the change page, by reason.
REASON_MESSAGES = {
    PasswordChangeReason.FIRST_SIGN_IN: gettext_lazy(
        "Your password was set by an administrator. Choose your own password before you continue."
    ),
    PasswordChangeReason.EXPIRED: gettext_lazy("Your password has expired. Choose a new password before you continue."),
}
