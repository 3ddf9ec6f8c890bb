"""The write path every service goes through: permission, version check, validation, history.

Entity services (``<entity>_<action>`` in each app's ``services.py``) call
:func:`save_record` for every row they write. ``user=None`` means a trusted
command-line write (``load_demo``, ``create_park``); everything coming from
a browser passes the signed-in user.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from parkparty.core.history import effective_datetime, not_before_latest_effect
from parkparty.core.imports import bulk
from parkparty.core.permissions import ADD, CHANGE, DELETE, VIEW, forget_scope, require


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


def validate_record(instance, *, exclude=None, checker=None) -> None:
    """Normalise ``instance`` (ID numbers, values derived from them), then ``full_clean(exclude)``.

    ``checker`` (a :class:`parkparty.core.imports.bulk.FieldChecker`): its ``clean_fields``
    — exactly Django's, cheaper for import values — and ``clean()``; uniqueness and
    constraints are then the caller's to check in bulk (the import looks its keys up).
    """
    normalise = getattr(instance, "normalise", None)
    if normalise is not None:
        normalise()
    if checker is None:
        instance.full_clean(exclude=exclude)
        return
    checker.clean_fields(instance, exclude)
    instance.clean()


@transaction.atomic
def save_record(
    instance,
    *,
    user,
    expected_version: int | None = None,
    effective: datetime.date | datetime.datetime | None = None,
    reason: str = "",
):
    """Validate and save one record with its history entry.

    - refuses users whose role may not add or change such records
      (:mod:`parkparty.core.permissions`) and records outside the user's scope;
    - refuses an edit by a user that does not carry ``expected_version`` or
      whose version is not the stored one (the stored row is locked first);
      services that update a record as a consequence of another change pass
      the version of the instance they just read;
    - normalises the record (:meth:`TrackedModel.normalise`) and runs ``full_clean()``;
    - writes the history row at the real time of the change (``history_date``), taking
      effect at ``effective`` (a survey or admission date; default: now) — never before
      the record's latest change takes effect;
    - stores ``reason`` as given: a :class:`~parkparty.core.history.ChangeReason` code, or a
      note typed by the user;
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
    validate_record(instance)
    if user is not None:
        instance._history_user = user
    if effective is not None:
        instance._effective_at = not_before_latest_effect(instance, effective_datetime(effective))
    if reason:
        instance._change_reason = reason
    instance.save()
    for attr in ("_effective_at", "_change_reason"):
        if hasattr(instance, attr):
            delattr(instance, attr)
    if user is not None:
        forget_scope(user)  # the write may have widened it (a new sub-park, a child organization)
    if user is not None and not model._default_manager.for_user(user, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("This record would fall outside the parks and organizations you work on."))
    return instance


@transaction.atomic
def save_records(
    instances: list,
    *,
    user,
    effective: datetime.date | datetime.datetime | Callable | None = None,
    reason: str | Callable = "",
    update_fields=None,
    clean: bool = True,
    exclude: list[str] | None = None,
) -> list:
    """:func:`save_record` for many records of one model at once, in a handful of queries.

    The same rules: the role must be allowed to add / change such records;
    updated records must still be at the version they were read at (``instance.version``;
    the stored rows are locked and compared in one query); every record is
    normalised and validated (``clean=False`` only when the caller has just run
    :func:`validate_record` on each, as the import does while previewing); versions
    go up by one; history rows are written at the real time, taking effect at
    ``effective`` (a date, or a function of the record giving its date; never
    before the record's latest change takes effect), with the ``reason`` code (or a
    function of the record giving it) and the user; afterwards every record must lie in the user's scope.

    ``update_fields``: the fields an update writes (default: all). The rows go
    through :mod:`parkparty.core.imports.bulk` (multi-row INSERT, COPY on PostgreSQL);
    no ``save()`` is called, so a model may not rely on ``save()`` for anything
    but :meth:`~parkparty.core.models.TrackedModel.normalise` and the version.
    """
    if not instances:
        return instances
    model = type(instances[0])
    created = [obj for obj in instances if obj._state.adding or obj.pk is None]
    updated = [obj for obj in instances if not (obj._state.adding or obj.pk is None)]
    if created:
        require(user, ADD, model)
    if updated:
        require(user, CHANGE, model)
        _check_versions(model, updated)
    for obj in instances:
        if clean:
            validate_record(obj, exclude=exclude)
        elif hasattr(obj, "normalise"):
            obj.normalise()
    now = timezone.now()
    moments = _effective_moments(model, instances, updated, effective, now)
    for obj, moment in zip(instances, moments, strict=True):
        obj._effective_at = moment
        code = reason(obj) if callable(reason) else reason
        if code:
            obj._change_reason = code
    user_id = getattr(user, "pk", None)
    bulk.create_with_history(model, created, user_id=user_id, now=now)
    if updated:
        fields = {f.attname for f in model._meta.concrete_fields if not f.primary_key}
        if update_fields is not None:
            fields = {model._meta.get_field(name).attname for name in update_fields}
        for obj in updated:
            obj.next_version()
            if hasattr(obj, "updated_at"):
                obj.updated_at = now
        bulk.update_with_history(model, updated, fields | {"version", "updated_at"}, user_id=user_id, now=now)
    for obj in instances:
        for attr in ("_effective_at", "_change_reason"):
            obj.__dict__.pop(attr, None)
    if user is not None:
        forget_scope(user)
        for action, group in ((ADD, created), (CHANGE, updated)):
            ids = [obj.pk for obj in group]
            inside = model._default_manager.for_user(user, action)
            pk_name = model._meta.pk.name
            if ids and sum(1 for _row in bulk.matching(inside.only("pk"), pk_name, ids)) != len(ids):
                raise PermissionDenied(_("This record would fall outside the parks and organizations you work on."))
    return instances


def _check_versions(model, updated: list) -> None:
    """Lock the stored rows and refuse the write unless each is still at the version it was read at."""
    stored = model._default_manager.filter(pk__in=[obj.pk for obj in updated]).order_by()
    versions = dict(stored.select_for_update(of=("self",)).values_list("pk", "version"))
    for obj in updated:
        if versions.get(obj.pk) != obj.version:
            raise stale_error(obj)


def _effective_moments(model, instances, updated, effective, now) -> list:
    """Each record's effective moment: its date at noon (a change dated today: now), not before its latest."""
    if effective is None:
        moments = [now] * len(instances)
    else:
        days: dict = {}
        moments = []
        for obj in instances:
            day = effective(obj) if callable(effective) else effective
            if day not in days:
                days[day] = effective_datetime(day) or now
            moments.append(days[day])
    if updated:
        history = model.history.model._default_manager
        latest = dict(
            history.filter(id__in=[obj.pk for obj in updated])
            .values("id")
            .annotate(latest=Max("effective_at"))
            .values_list("id", "latest")
        )
        for index, obj in enumerate(instances):
            previous = latest.get(obj.pk) if obj.pk is not None else None
            if previous is not None and moments[index] < previous:
                moments[index] = previous
    return moments


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
