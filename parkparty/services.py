"""The write path every service goes through: permission, version check, validation, history.

Entity services (``<entity>_<action>`` in each app's ``services.py``) call
:func:`save_record` for every row they write. ``user=None`` means a trusted
command-line write (``load_demo``, ``create_park``); everything coming from
a browser passes the signed-in user.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkparty.permissions import ADD, CHANGE, DELETE, VIEW, forget_scope, require


class StaleEditError(ValidationError):
    """The record changed after the editor loaded it; nothing was saved."""


def missing_version_error() -> StaleEditError:
    """An edit that does not say which version of the record it started from is refused, never applied."""
    return StaleEditError(
        _(
            "This page did not say which version of the record it was editing, so nothing was saved. "
            "Open the record again and enter your changes."
        ),
        code="version_missing",
    )


def check_version(instance, expected_version: int | None) -> None:
    """Lock the stored row and refuse the write unless it is still at ``expected_version``."""
    if expected_version is None or expected_version < 1:
        raise missing_version_error()
    stored = type(instance)._default_manager.filter(pk=instance.pk)
    version = stored.order_by().select_for_update(of=("self",)).values_list("version", flat=True).first()
    if version != expected_version:
        raise stale_error(instance)


def _check_in_scope(user, instance, action: str) -> None:
    """404-like refusal for records outside the scope, 403 for records in it that the action may not touch."""
    stored = type(instance)._default_manager.filter(pk=instance.pk)
    if not stored.for_user(user, VIEW).exists():
        raise PermissionDenied(_("This record is outside the parks and organizations you work on."))
    if not stored.for_user(user, action).exists():
        raise PermissionDenied(_("This record is not yours to change."))


def stale_error(instance) -> StaleEditError:
    """The message naming who changed the record last, and when."""
    last = instance.history.order_by("-history_id").select_related("history_user").first()
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
    if day >= timezone.localdate():
        return timezone.now()  # a change dated today happens now, not at a noon still to come
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def _not_before_latest_entry(instance, when: datetime.datetime) -> datetime.datetime:
    """A history entry may not be dated before the record's latest one.

    History is read "as of" a moment by taking the newest entry up to it; an
    entry slipped in before the newest would never be the current state, and
    two entries at one instant would both be read.
    Back-dated facts keep their own date fields (survey date, end date…).
    """
    if instance.pk is None:
        return when
    latest = instance.history.order_by("-history_date").values_list("history_date", flat=True).first()
    if latest is not None and when <= latest:
        # Two entries at one instant would both count as "the state then".
        return latest + datetime.timedelta(microseconds=1)
    return when


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

    - refuses users whose role may not add or change such records
      (:mod:`parkparty.permissions`) and records outside the user's scope;
    - refuses an edit by a user that does not carry ``expected_version`` or
      whose version is not the stored one (the stored row is locked first);
      services that update a record as a consequence of another change pass
      the version of the instance they just read;
    - runs ``full_clean()``;
    - dates the history entry at ``history_date`` when the change comes from a dated source;
    - re-checks after writing that the user may still see and act on the record.
    """
    model = type(instance)
    adding = instance.pk is None or instance._state.adding
    action = ADD if adding else CHANGE
    require(user, action, model)
    if not adding and user is not None:
        _check_in_scope(user, instance, action)
        check_version(instance, expected_version)
    elif not adding and expected_version is not None:
        check_version(instance, expected_version)
    instance.full_clean()
    if user is not None:
        instance._history_user = user
    if history_date is not None:
        instance._history_date = _not_before_latest_entry(instance, as_history_datetime(history_date))
    if reason:
        instance._change_reason = reason
    instance.save()
    for attr in ("_history_date", "_change_reason"):
        if hasattr(instance, attr):
            delattr(instance, attr)
    if user is not None:
        forget_scope(user)  # the write may have widened it (a new sub-park, a child organization)
    if user is not None and not model._default_manager.for_user(user, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record would fall outside the parks and organizations you work on."))
    return instance


@transaction.atomic
def delete_record(instance, *, user, expected_version: int | None = None) -> None:
    """Delete one record, keeping the deletion in its history (who and when).

    Like :func:`save_record`, a user must be allowed to delete it and must
    say which version they confirmed the deletion of.
    """
    require(user, DELETE, type(instance))
    if user is not None:
        _check_in_scope(user, instance, DELETE)
        check_version(instance, expected_version)
        instance._history_user = user
    instance.delete()


def format_validation_error(model, exc: ValidationError) -> str:
    """One line naming each field by its label, e.g. "代码: 已存在…", for command-line output."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for field, errors in exc.message_dict.items():
        text = " ".join(errors)
        try:
            label = model._meta.get_field(field).verbose_name
        except FieldDoesNotExist:  # NON_FIELD_ERRORS
            label = ""
        parts.append(f"{label}: {text}" if label else text)
    return "; ".join(parts)
