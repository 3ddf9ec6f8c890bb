"""History rows: when a change was made, when it takes effect, and why.

Every project model keeps its history with :class:`History` (a
``HistoricalRecords`` whose rows build on :class:`EffectiveHistory`):

- ``history_date`` is the real moment the change was written (the audit trail,
  the 修改记录 tab);
- ``effective_at`` is the moment the change takes effect — a survey's date, an
  admission date — and defaults to ``history_date``. "State as of a date"
  (:func:`as_of`) reads it;
- ``history_change_reason`` holds a :class:`ChangeReason` code, translated only
  when shown (:func:`reason_label`).
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import OuterRef, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class EffectiveHistory(models.Model):
    """Abstract base of every historical model: the moment the change takes effect."""

    effective_at = models.DateTimeField(_("effective at"), db_index=True)

    class Meta:
        abstract = True


class EffectiveHistoryManager(HistoryManager):
    """``Model.history`` whose ``as_of`` reads ``effective_at`` (see :func:`as_of`)."""

    def as_of(self, date):
        if not self.instance:
            return as_of(self.model.instance_type, date)
        history_obj = (
            self.get_queryset()
            .filter(effective_at__lte=date)
            .order_by("-effective_at", "-history_date", "-history_id")
            .first()
        )
        if history_obj is None:
            raise self.instance.DoesNotExist(f"{self.instance._meta.object_name} had not yet been created.")
        if history_obj.history_type == "-":
            raise self.instance.DoesNotExist(f"{self.instance._meta.object_name} had already been deleted.")
        result = history_obj.instance
        result._history._as_of = date  # as simple-history does, for related lookups "as of" then
        return result


class History(HistoricalRecords):
    """``HistoricalRecords`` whose rows carry ``effective_at`` and whose ``as_of`` reads it."""

    def __init__(self, *args, bases=(), **kwargs):
        kwargs.setdefault("history_manager", EffectiveHistoryManager)
        super().__init__(*args, bases=[EffectiveHistory, *bases] if bases else [EffectiveHistory], **kwargs)


@receiver(pre_create_historical_record, dispatch_uid="parkparty_effective_at")
def _date_effect(sender, instance, history_instance, **kwargs):
    """A saved record's history row takes effect at ``instance._effective_at``, by default when written."""
    if hasattr(history_instance, "effective_at"):
        history_instance.effective_at = getattr(instance, "_effective_at", None) or history_instance.history_date


class ChangeReason(models.TextChoices):
    """Why a record changed; stored as the code, shown as the label."""

    IMPORT = "import", _("Excel import")
    ELECTION = "election", _("Election")
    DEMONSTRATION_SITE = "demonstration_site", _("Named a demonstration site")
    FOUNDED = "founded", _("Founded")
    DISSOLVED = "dissolved", _("Dissolved")
    ORGANIZATION_DISSOLVED = "organization_dissolved", _("Organization dissolved")
    DEREGISTERED = "deregistered", _("Deregistered")
    MEMBERSHIP_ENDED = "membership_ended", _("Membership ended")
    CONFIRMED = "confirmed", _("Confirmed")
    ADMITTED = "admitted", _("Admitted")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    HANDLING_STARTED = "handling_started", _("Handling started")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    TEMPLATE_REPLACED = "template_replaced", _("Replaced by a newly uploaded template.")
    TEMPLATE_UPLOADED = "template_uploaded", _("Template uploaded.")


#: Reasons stored as text before they were codes (the English msgid and its Chinese translation) → code.
LEGACY_REASON_TEXTS = {
    "换届选举": ChangeReason.ELECTION,
    "命名为党建示范点": ChangeReason.DEMONSTRATION_SITE,
    "Excel import": ChangeReason.IMPORT,
    "Founded": ChangeReason.FOUNDED,
    "Dissolved": ChangeReason.DISSOLVED,
    "Organization dissolved": ChangeReason.ORGANIZATION_DISSOLVED,
    "Deregistered": ChangeReason.DEREGISTERED,
    "Membership ended": ChangeReason.MEMBERSHIP_ENDED,
    "Confirmed": ChangeReason.CONFIRMED,
    "Admitted": ChangeReason.ADMITTED,
    "Handling started": ChangeReason.HANDLING_STARTED,
    "Closed": ChangeReason.CLOSED,
    "Rejected": ChangeReason.REJECTED,
    "Replaced by a newly uploaded template.": ChangeReason.TEMPLATE_REPLACED,
    "Template uploaded.": ChangeReason.TEMPLATE_UPLOADED,
}


def reason_label(code: str | None) -> str:
    """The reason as shown: the translated label of a code; free text (a note typed by a user) as it is."""
    if not code:
        return ""
    try:
        return str(ChangeReason(code).label)
    except ValueError:
        return code


def effective_if_other_day(record) -> datetime.datetime | None:
    """A history row's ``effective_at`` when it falls on another day than the change was made (for display)."""
    effective = getattr(record, "effective_at", None)
    if effective is None or timezone.localdate(effective) == timezone.localdate(record.history_date):
        return None
    return effective


def effective_datetime(day: datetime.date | datetime.datetime | None) -> datetime.datetime | None:
    """A dated source (a survey date, an admission date) as an aware moment (noon, local time).

    A change dated today or later takes effect now, not at a noon still to come.
    """
    if day is None or isinstance(day, datetime.datetime):
        return day
    if day >= timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


def not_before_latest_effect(instance, when: datetime.datetime) -> datetime.datetime:
    """A change may not take effect before the record's latest change does.

    A history row holds the whole record; read "as of" a moment, a row
    effective before the newest one would show later values at an earlier
    time. Equal moments are ordered by ``history_date`` (then ``history_id``),
    so no nudging is needed.
    """
    if instance.pk is None:
        return when
    latest = instance.history.order_by("-effective_at").values_list("effective_at", flat=True).first()
    return latest if latest is not None and when < latest else when


def as_of(model, moment: datetime.datetime):
    """The historical rows of ``model`` in force at ``moment``: per record the newest by ``effective_at``.

    Ties go to the later ``history_date``, then ``history_id``; records whose
    row in force is a deletion are left out (as ``history.as_of`` does). Yields
    instances of ``model``, like ``model.history.as_of``.
    """
    rows = model.history.all()
    newest = (
        rows.filter(id=OuterRef("id"), effective_at__lte=moment)
        .order_by("-effective_at", "-history_date", "-history_id")
        .values("history_id")[:1]
    )
    queryset = rows.filter(effective_at__lte=moment, history_id=Subquery(newest))
    queryset._as_of = moment
    return queryset.as_instances()  # instances of ``model``; deletions left out
