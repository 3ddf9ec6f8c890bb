"""Notices from the county and parks (通知) and their receipts (签收)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import ScopedQuerySet, scoped_queryset
from parkparty.core.validators import validate_free_text, validate_plain_text

from .parks import Park
from .party import PartyOrganization


class NoticeQuerySet(ScopedQuerySet):
    def park_scope_q(self, park_ids):
        addressed = NoticeReceipt.objects.filter(notice=OuterRef("pk"), park__in=park_ids)
        return Q(issuer_park__in=park_ids) | Q(Exists(addressed))

    def organization_scope_q(self, organization_ids):
        addressed = NoticeReceipt.objects.filter(notice=OuterRef("pk"), organization__in=organization_ids)
        return Q(Exists(addressed))


class Notice(TrackedModel):
    """A notice issued by the county (no issuing park) or by a park, with a receipt deadline."""

    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_text])
    reference_number = models.CharField(
        _("reference number"), max_length=100, blank=True, validators=[validate_plain_text]
    )
    body = models.TextField(_("body"), blank=True, validators=[validate_free_text])
    issuer_park = models.ForeignKey(
        Park,
        verbose_name=_("issuing park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices_issued",
        help_text=_("Empty for a notice from the county organization department."),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices_issued",
    )
    issued_on = models.DateField(_("issued on"))
    deadline = models.DateField(_("receipt deadline"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="notices/%Y/", blank=True)

    objects = NoticeQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["issued_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__isnull=True) | Q(deadline__gte=models.F("issued_on")),
                name="notice_deadline_after_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.deadline and self.issued_on and self.deadline < self.issued_on:
            raise ValidationError({"deadline": _("The deadline cannot be before the issue date.")})


class NoticeReceipt(TrackedModel):
    """One addressee of a notice: a park, or an organization the park forwarded it to.

    ``forwarded_at`` is when it reached the addressee (for organizations, when
    the park forwarded it); ``received_at`` when the addressee signed for it.
    """

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="receipts")
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="notice_receipts")
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_receipts",
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice_receipts",
    )

    objects = scoped_queryset("park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        ordering = ["notice", "park", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "park"], condition=Q(organization__isnull=True), name="receipt_one_per_park"
            ),
            models.UniqueConstraint(
                fields=["notice", "organization"],
                condition=Q(organization__isnull=False),
                name="receipt_one_per_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.organization or self.park}"

    def get_absolute_url(self) -> str:
        """The notice, with every receipt. These records have no page of their own."""
        return self.notice.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if self.organization_id and self.park_id and self.organization.park_id != self.park_id:
            raise ValidationError({"organization": _("The organization is not in this park.")})

    def is_late(self, on) -> bool:
        """Received after the deadline, or still not received once the deadline has passed."""
        deadline = self.notice.deadline
        if deadline is None:
            return False
        if self.received_at is None:
            return deadline < on
        from django.utils import timezone

        return timezone.localdate(self.received_at) > deadline
