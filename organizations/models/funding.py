"""Money paid to organizations and secretaries (启动资金, 书记岗位津贴, 绩效奖励)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import validate_plain_text

from .party import PartyOrganization


class FundingKind(models.TextChoices):
    STARTUP_FUND = "startup_fund", _("Start-up fund")
    SECRETARY_ALLOWANCE = "secretary_allowance", _("Secretary allowance")
    PERFORMANCE_AWARD = "performance_award", _("Performance award")
    ACTIVITY_FUND = "activity_fund", _("Activity fund")


class Funding(TrackedModel):
    """One payment to an organization or its secretary.

    A secretary allowance covers ``months`` months; its monthly standard is
    ``amount / months``.
    """

    organization = models.ForeignKey(
        PartyOrganization, verbose_name=_("Party organization"), on_delete=models.PROTECT, related_name="funding"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=FundingKind.choices)
    paid_on = models.DateField(_("disbursed on"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    months = models.PositiveSmallIntegerField(
        _("months covered"), default=1, help_text=_("For an allowance: how many months this payment covers.")
    )
    recipient = models.ForeignKey(
        "members.Member",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_received",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_plain_text])

    objects = scoped_queryset("organization__park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["kind", "paid_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_amount_positive"),
            models.CheckConstraint(condition=Q(months__gte=1), name="funding_months_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.amount}"

    def clean(self) -> None:
        super().clean()
        if self.recipient_id and self.organization_id and self.recipient.organization_id != self.organization_id:
            raise ValidationError({"recipient": _("The recipient must be a member of this organization.")})

    @property
    def monthly_amount(self) -> Decimal:
        return (self.amount / self.months).quantize(Decimal("0.01"))
