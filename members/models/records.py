"""Party dues and commendations."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import validate_plain_text, year_validators

from .members import Member


class DuesPayment(TrackedModel):
    """What a member owed and paid in Party dues (党费) for one month."""

    member = models.ForeignKey(Member, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="dues")
    month = models.DateField(_("month"), help_text=_("The first day of the month the dues are for."))
    amount_due = models.DecimalField(
        _("amount due (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    amount_paid = models.DecimalField(
        _("amount paid (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    objects = scoped_queryset("member__organization__park", "member__organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["member", "-month"]
        indexes = [models.Index(fields=["month"])]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_one_per_member_month"),
            models.CheckConstraint(condition=Q(amount_due__gte=0) & Q(amount_paid__gte=0), name="dues_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.month:%Y-%m}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = _("Give the month as its first day.")
        if self.amount_paid and not self.paid_on:
            errors["paid_on"] = _("Give the date the dues were paid.")
        if errors:
            raise ValidationError(errors)

    @property
    def arrears(self) -> Decimal:
        return max(self.amount_due - self.amount_paid, Decimal("0"))


class CommendationKind(models.TextChoices):
    OUTSTANDING_MEMBER = "outstanding_member", _("Outstanding Party member")
    ADVANCED_ORGANIZATION = "advanced_organization", _("Advanced grassroots Party organization")
    EXCELLENT_SECRETARY = "excellent_secretary", _("Excellent organization secretary")


#: Commendations given to a person rather than to an organization.
PERSONAL_COMMENDATIONS = (CommendationKind.OUTSTANDING_MEMBER, CommendationKind.EXCELLENT_SECRETARY)


class Commendation(TrackedModel):
    """A yearly commendation of a member, a secretary or an organization."""

    kind = models.CharField(_("kind"), max_length=30, choices=CommendationKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators(1949))
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("Party organization"),
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("Party member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    conferred_by = models.CharField(_("conferred by"), max_length=100, blank=True, validators=[validate_plain_text])
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    bonus = models.DecimalField(
        _("bonus (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    objects = scoped_queryset("organization__park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "kind"]
        indexes = [models.Index(fields=["year", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PERSONAL_COMMENDATIONS, member__isnull=False)
                | (~Q(kind__in=PERSONAL_COMMENDATIONS) & Q(member__isnull=True)),
                name="commendation_member_only_for_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.member or self.organization}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.kind in PERSONAL_COMMENDATIONS and not self.member_id:
            errors["member"] = _("Choose the member who is commended.")
        if self.kind not in PERSONAL_COMMENDATIONS and self.member_id:
            errors["member"] = _("An organization's commendation names no member.")
        if self.member_id and self.organization_id and self.member.organization_id != self.organization_id:
            errors["member"] = _("The member must belong to this organization.")
        if self.awarded_on and self.year and self.awarded_on.year not in (self.year, self.year + 1):
            errors["awarded_on"] = _("The award date must fall in the commendation year or the year after.")
        if errors:
            raise ValidationError(errors)
