"""Enterprises (两新组织) and their dated surveys (摸排, the four "clears")."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import normalize_uscc, validate_free_text, validate_plain_text, validate_uscc

from .parks import Park
from .party import FormationMode, Instructor, PartyOrganization


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("In operation")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    SUSPENDED = "suspended", _("Production suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class Ownership(models.TextChoices):
    PRIVATE = "private", _("Private")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan invested")
    FOREIGN = "foreign", _("Foreign invested")
    MIXED = "mixed", _("Mixed ownership")
    COLLECTIVE = "collective", _("Collective")
    OTHER = "other", _("Other")


class CoverageMode(models.TextChoices):
    """How an enterprise is covered by a Party organization."""

    OWN = "own", _("Own organization")
    JOINT = "joint", _("Joint organization")
    AFFILIATED = "affiliated", _("Affiliated to an organization")
    NONE = "none", _("No organization")


class NoOrganizationReason(models.TextChoices):
    """Why an enterprise has no organization (党内统计: 应建未建 / 1–2名党员 / 无党员)."""

    SHOULD_HAVE = "should_have", _("Three or more members, organization not yet formed")
    FEW_MEMBERS = "few_members", _("Only one or two members")
    NO_MEMBERS = "no_members", _("No members")


#: Which coverage mode goes with which organization formation mode.
COVERAGE_FOR_FORMATION = {
    FormationMode.OWN: CoverageMode.OWN,
    FormationMode.JOINT: CoverageMode.JOINT,
    FormationMode.AFFILIATED: CoverageMode.AFFILIATED,
}


class Enterprise(TrackedModel):
    """A non-public enterprise or social organization in a park, as last surveyed.

    The fields follow the survey's four "clears": operation, workforce,
    members and investor. Each survey is also kept as an
    :class:`EnterpriseSurvey` so past years can be counted.
    """

    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_plain_text, validate_uscc],
        help_text=_("18 characters, e.g. 91360426MA35XXXXXX."),
    )
    name = models.CharField(_("enterprise name"), max_length=200, validators=[validate_plain_text])
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="enterprises")
    # Operation
    status = models.CharField(
        _("operating status"), max_length=20, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True, validators=[validate_plain_text])
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.PRIVATE)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    deregistered_on = models.DateField(_("deregistered on"), null=True, blank=True)
    annual_output = models.DecimalField(
        _("annual output (10,000 yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_plain_text])
    # Workforce
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    # Members
    surveyed_members = models.PositiveIntegerField(
        _("members (surveyed)"), null=True, blank=True, help_text=_("Party members working here, as surveyed.")
    )
    # Investor
    investor_name = models.CharField(
        _("investor (person in charge)"), max_length=50, blank=True, validators=[validate_plain_text]
    )
    investor_is_member = models.BooleanField(_("investor is a Party member"), default=False)
    investor_is_secretary = models.BooleanField(_("investor is the organization's secretary"), default=False)
    investor_phone = models.CharField(_("investor phone"), max_length=20, blank=True, validators=[validate_plain_text])
    # Coverage
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    coverage_mode = models.CharField(
        _("coverage mode"), max_length=20, choices=CoverageMode.choices, default=CoverageMode.NONE
    )
    no_organization_reason = models.CharField(
        _("reason for no organization"), max_length=20, choices=NoOrganizationReason.choices, blank=True
    )
    instructor = models.ForeignKey(
        Instructor,
        verbose_name=_("Party-building instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprises",
    )
    surveyed_on = models.DateField(_("last surveyed on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = scoped_queryset("park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["park", "name"]
        indexes = [models.Index(fields=["park", "status"]), models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(coverage_mode=CoverageMode.NONE) & Q(organization__isnull=True))
                | (~Q(coverage_mode=CoverageMode.NONE) & Q(organization__isnull=False)),
                name="enterprise_coverage_matches_organization",
            ),
            models.CheckConstraint(
                condition=~Q(status=EnterpriseStatus.DEREGISTERED) | Q(deregistered_on__isnull=False),
                name="enterprise_deregistered_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        """The credit code in its stored form."""
        self.uscc = normalize_uscc(self.uscc)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.organization_id is None and self.coverage_mode != CoverageMode.NONE:
            errors["organization"] = _("Choose the organization that covers this enterprise.")
        if self.organization_id is not None:
            if self.coverage_mode == CoverageMode.NONE:
                errors["coverage_mode"] = _("Choose how the organization covers this enterprise.")
            else:
                joint = self.organization.formation_mode == FormationMode.JOINT
                if self.coverage_mode == CoverageMode.JOINT and not joint:
                    errors["coverage_mode"] = _("Joint coverage needs a jointly formed organization.")
                if self.coverage_mode == CoverageMode.OWN and joint:
                    errors["coverage_mode"] = _("A jointly formed organization is not one enterprise's own.")
        if self.organization_id is not None and self.no_organization_reason:
            errors["no_organization_reason"] = _("Only an enterprise without an organization has this reason.")
        if self.status == EnterpriseStatus.DEREGISTERED and not self.deregistered_on:
            errors["deregistered_on"] = _("A deregistered enterprise needs its deregistration date.")
        if self.founded_on and self.deregistered_on and self.deregistered_on < self.founded_on:
            errors["deregistered_on"] = _("The deregistration date cannot be before the founding date.")
        if self.investor_is_secretary and not self.investor_is_member:
            errors["investor_is_secretary"] = _("Only an investor who is a Party member can be the secretary.")
        if errors:
            raise ValidationError(errors)


class EnterpriseSurvey(TrackedModel):
    """One dated survey (摸排) of an enterprise: its state on that day."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="surveys"
    )
    surveyed_on = models.DateField(_("surveyed on"))
    status = models.CharField(_("operating status"), max_length=20, choices=EnterpriseStatus.choices)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    members = models.PositiveIntegerField(_("members"), null=True, blank=True)
    investor_is_member = models.BooleanField(_("investor is a Party member"), default=False)
    coverage_mode = models.CharField(_("coverage mode"), max_length=20, choices=CoverageMode.choices)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = scoped_queryset("enterprise__park", "enterprise__organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("enterprise survey")
        verbose_name_plural = _("enterprise surveys")
        ordering = ["-surveyed_on"]
        indexes = [models.Index(fields=["surveyed_on"])]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "surveyed_on"], name="survey_one_per_enterprise_day"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.surveyed_on}"

    def get_absolute_url(self) -> str:
        """The surveyed enterprise. These records have no page of their own."""
        return self.enterprise.get_absolute_url()
