"""Party organizations, Party-and-masses service centres and Party-building instructors."""

import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import ScopedQuerySet, scoped_queryset
from parkparty.core.validators import validate_free_text, validate_plain_text

from .parks import YEAR_VALIDATORS, Park


class OrganizationKind(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")
    JOINT_BRANCH = "joint_branch", _("Joint Party branch")


class OrganizationStatus(models.TextChoices):
    FORMING = "forming", _("Being formed")
    ACTIVE = "active", _("Founded")
    DISSOLVED = "dissolved", _("Dissolved")


class FormationMode(models.TextChoices):
    OWN = "own", _("Formed by one enterprise")
    JOINT = "joint", _("Formed jointly")
    AFFILIATED = "affiliated", _("Affiliated")


class ManagingBody(models.TextChoices):
    COUNTY_NON_PUBLIC = "county_non_public", _("County non-public sector working committee")
    TOWNSHIP = "township", _("Township Party committee")
    PARK_WORK_COMMITTEE = "park_work_committee", _("Park Party working committee")
    INDUSTRY = "industry", _("Industry Party committee")
    OTHER = "other", _("Other")


class DemonstrationLevel(models.TextChoices):
    COUNTY = "county", _("County level")
    CITY = "city", _("City level")
    PROVINCE = "province", _("Province level")


#: Term length in years by organization kind (committee 5, others 3).
TERM_YEARS = {
    OrganizationKind.COMMITTEE: 5,
    OrganizationKind.GENERAL_BRANCH: 3,
    OrganizationKind.BRANCH: 3,
    OrganizationKind.JOINT_BRANCH: 3,
}


class PartyOrganizationQuerySet(ScopedQuerySet):
    park_lookup = "park"
    organization_lookup = ""

    def founded_as_of(self, date: datetime.date):
        """Organizations founded on or before ``date`` and not dissolved by then."""
        return self.filter(founded_on__lte=date).exclude(dissolved_on__lte=date)

    def forming_as_of(self, date: datetime.date):
        """Organizations being formed on ``date``."""
        return self.filter(forming_since__lte=date).exclude(founded_on__lte=date).exclude(dissolved_on__lte=date)


class PartyOrganization(TrackedModel):
    """A grassroots Party organization (基层党组织) in a park.

    A joint branch covers several enterprises; each covered enterprise points
    at it. Dates rather than the status decide what existed on a past date.
    """

    name = models.CharField(_("name"), max_length=150, validators=[validate_plain_text])
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE
    )
    formation_mode = models.CharField(_("formation mode"), max_length=20, choices=FormationMode.choices)
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="party_organizations")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    forming_since = models.DateField(_("forming since"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    dissolution_reason = models.CharField(
        _("reason for dissolution"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    secretary = models.ForeignKey(
        "members.Member",
        verbose_name=_("secretary"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="secretary_of",
    )
    primary_managing_body = models.CharField(
        _("primary managing body"),
        max_length=30,
        choices=ManagingBody.choices,
        default=ManagingBody.COUNTY_NON_PUBLIC,
    )
    auxiliary_managing_body = models.CharField(
        _("auxiliary managing body"), max_length=30, choices=ManagingBody.choices, blank=True
    )
    is_demonstration_point = models.BooleanField(_("demonstration point"), default=False)
    demonstration_level = models.CharField(
        _("demonstration level"), max_length=20, choices=DemonstrationLevel.choices, blank=True
    )
    last_election_on = models.DateField(_("last term election"), null=True, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True, validators=[validate_plain_text])
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = PartyOrganizationQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("Party organization")
        verbose_name_plural = _("Party organizations")
        ordering = ["park", "name"]
        indexes = [models.Index(fields=["park", "status"]), models.Index(fields=["kind"])]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="organization_name_unique_in_park"),
            models.CheckConstraint(
                condition=~Q(status=OrganizationStatus.ACTIVE) | Q(founded_on__isnull=False),
                name="organization_founded_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrganizationStatus.FORMING) | Q(founded_on__isnull=True),
                name="organization_forming_has_no_founding_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=OrganizationStatus.DISSOLVED) | Q(dissolved_on__isnull=False),
                name="organization_dissolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(is_demonstration_point=True) | Q(demonstration_level=""),
                name="organization_level_only_for_points",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.status == OrganizationStatus.ACTIVE and not self.founded_on:
            errors["founded_on"] = _("A founded organization needs its founding date.")
        if self.status == OrganizationStatus.FORMING and self.founded_on:
            errors["founded_on"] = _("An organization still being formed has no founding date yet.")
        if self.status == OrganizationStatus.DISSOLVED and not self.dissolved_on:
            errors["dissolved_on"] = _("A dissolved organization needs its dissolution date.")
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = _("The dissolution date cannot be before the founding date.")
        if self.forming_since and self.founded_on and self.founded_on < self.forming_since:
            errors["founded_on"] = _("The founding date cannot be before formation started.")
        if self.kind == OrganizationKind.JOINT_BRANCH and self.formation_mode != FormationMode.JOINT:
            errors["formation_mode"] = _("A joint branch must be formed jointly.")
        if self.is_demonstration_point and not self.demonstration_level:
            errors["demonstration_level"] = _("Choose the level of the demonstration point.")
        if not self.is_demonstration_point and self.demonstration_level:
            errors["demonstration_level"] = _("Only a demonstration point has a level.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("An organization cannot be its own parent.")
        if self.secretary_id and self.pk and self.secretary.organization_id != self.pk:
            errors["secretary"] = _("The secretary must be a member of this organization.")
        if errors:
            raise ValidationError(errors)

    @property
    def term_years(self) -> int:
        return TERM_YEARS[self.kind]

    @property
    def next_election_due(self) -> datetime.date | None:
        """When the current term ends: last election (or founding) plus the term."""
        start = self.last_election_on or self.founded_on
        if start is None:
            return None
        try:
            return start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.term_years, day=28)


class ServiceCenterKind(models.TextChoices):
    OFFLINE = "offline", _("Offline centre")
    ONLINE = "online", _("Online platform")


class ServiceCenter(TrackedModel):
    """A Party-and-masses service centre (党群服务中心): a place or an online platform."""

    name = models.CharField(_("name"), max_length=150, validators=[validate_plain_text])
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceCenterKind.choices)
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="service_centers")
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_centers",
        help_text=_("Leave empty for a centre run by the park."),
    )
    address = models.CharField(_("address or platform"), max_length=200, blank=True, validators=[validate_plain_text])
    area_sqm = models.PositiveIntegerField(_("floor area (m²)"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("stopped operating on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True, validators=[validate_free_text])

    objects = scoped_queryset("park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["park", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="service_center_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The date it stopped operating cannot be before the opening date.")})


class InstructorQuerySet(ScopedQuerySet):
    park_lookup = "park"

    def organization_scope_q(self, organization_ids):
        posted = apps.get_model("organizations", "Enterprise").objects.filter(
            instructor=OuterRef("pk"), organization__in=organization_ids
        )
        return Q(Exists(posted))


class Instructor(TrackedModel):
    """A Party-building instructor (党建指导员) posted to enterprises of a park."""

    name = models.CharField(_("full name"), max_length=50, validators=[validate_plain_text])
    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="instructors")
    unit = models.CharField(_("work unit"), max_length=150, blank=True, validators=[validate_plain_text])
    position = models.CharField(_("position"), max_length=100, blank=True, validators=[validate_plain_text])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_plain_text])
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = InstructorQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("Party-building instructor")
        verbose_name_plural = _("Party-building instructors")
        ordering = ["park", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.appointed_on and self.ended_on and self.ended_on < self.appointed_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the appointment date.")})


class InstructorEvaluationQuerySet(ScopedQuerySet):
    park_lookup = "instructor__park"

    def organization_scope_q(self, organization_ids):
        posted = apps.get_model("organizations", "Enterprise").objects.filter(
            instructor=OuterRef("instructor"), organization__in=organization_ids
        )
        return Q(Exists(posted))


class InstructorEvaluation(TrackedModel):
    """The quarterly evaluation score of an instructor (指导员考核)."""

    instructor = models.ForeignKey(
        Instructor, verbose_name=_("instructor"), on_delete=models.CASCADE, related_name="evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    comment = models.TextField(_("comment"), blank=True, validators=[validate_free_text])

    objects = InstructorEvaluationQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("instructor evaluation")
        verbose_name_plural = _("instructor evaluations")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["instructor", "year", "quarter"], name="evaluation_one_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="evaluation_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.instructor} {self.year}Q{self.quarter}"

    def get_absolute_url(self) -> str:
        """The evaluated instructor. These records have no page of their own."""
        return self.instructor.get_absolute_url()
