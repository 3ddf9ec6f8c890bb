"""The write path every service goes through: permission, version check, validation, history.

Entity services (``<entity>_<action>`` in each app's ``services.py``) call
:func:`save_record` for every row they write. ``user=None`` means a trusted
command-line write (``load_demo``, ``create_park``); everything coming from
a browser passes the signed-in user.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkparty.scoping import scope_for


class StaleEditError(ValidationError):
    """The record changed after the editor loaded it; nothing was saved."""


def check_can_write(user) -> None:
    """Refuse writes from read-only roles and users without a scope."""
    if user is None:
        return
    scope = scope_for(user)
    if scope.read_only or scope.sees_nothing:
        raise PermissionDenied(_("Your role may view these records but not change them."))


def stale_error(instance) -> StaleEditError:
    """The message naming who changed the record last, and when."""
    last = instance.history.order_by("-history_date").select_related("history_user").first()
    who = str(last.history_user) if last and last.history_user else _("another user")
    when = date_format(timezone.localtime(last.history_date), "DATETIME_FORMAT") if last else ""
    return StaleEditError(
        _(
            "%(who)s changed this record at %(when)s after you opened it. Nothing was saved: "
            "check the current values and enter your changes again."
        )
        % {"who": who, "when": when},
        code="stale",
    )


def as_history_datetime(day: datetime.date | datetime.datetime | None) -> datetime.datetime | None:
    """A dated source (a survey date, an admission date) as an aware history timestamp (noon, local time)."""
    if day is None or isinstance(day, datetime.datetime):
        return day
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


@transaction.atomic
def save_record(
    instance,
    *,
    user,
    expected_version: int | None = None,
    history_date: datetime.date | datetime.datetime | None = None,
    reason: str = "",
):
    """Validate and save one record with its history entry.

    - refuses read-only users;
    - refuses a stale edit when ``expected_version`` is not the stored version;
    - runs ``full_clean()``;
    - dates the history entry at ``history_date`` when the change comes from a dated source;
    - re-checks after writing that the record is still in the user's scope.
    """
    check_can_write(user)
    model = type(instance)
    if instance.pk is not None and expected_version is not None:
        stored = model._default_manager.select_for_update().filter(pk=instance.pk).values_list("version", flat=True)
        if stored.first() != expected_version:
            raise stale_error(instance)
    instance.full_clean()
    if user is not None:
        instance._history_user = user
    if history_date is not None:
        instance._history_date = as_history_datetime(history_date)
    if reason:
        instance._change_reason = reason
    instance.save()
    for attr in ("_history_date", "_change_reason"):
        if hasattr(instance, attr):
            delattr(instance, attr)
    if user is not None and not model._default_manager.for_user(user).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record would fall outside the parks and organizations you work on."))
    return instance
