"""The development pipeline (入党申请人 → 积极分子 → 发展对象 → 预备党员 → 正式党员) and yearly quotas."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from members.rules import candidacy_from, probation_ends
from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import (
    validate_free_text,
    validate_plain_text,
    validate_resident_id,
    year_validators,
)

from .members import Gender, Member, add_years, normalise_identity


class Stage(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    ACTIVIST = "activist", _("Activist")
    CANDIDATE = "candidate", _("Candidate")
    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The dated stages in pipeline order: (field, label used in messages).
STAGE_DATES = (
    ("applied_on", _("application")),
    ("activist_on", _("activist")),
    ("candidate_on", _("candidate")),
    ("dossier_submitted_on", _("dossier submitted")),
    ("admitted_on", _("admission")),
    ("full_on", _("full membership")),
)


class ApplicantQuerySet(scoped_queryset("organization__park", "organization")):
    def at_stage(self, stage: str, date: datetime.date):
        """People at ``stage`` on ``date`` (entered it by then, not yet the next one, not withdrawn)."""
        qs = self.exclude(withdrawn_on__lte=date)
        order = ["applied_on", "activist_on", "candidate_on", "admitted_on", "full_on"]
        stage_field = {
            Stage.APPLICANT: "applied_on",
            Stage.ACTIVIST: "activist_on",
            Stage.CANDIDATE: "candidate_on",
            Stage.PROBATIONARY: "admitted_on",
            Stage.FULL: "full_on",
        }[stage]
        qs = qs.filter(**{f"{stage_field}__lte": date})
        following = order[order.index(stage_field) + 1 :]
        if following:
            qs = qs.exclude(**{f"{following[0]}__lte": date})
        return qs


class Applicant(TrackedModel):
    """A person in the development pipeline, with the date of each stage reached.

    Rules: an activist is trained for at least one year before becoming a
    candidate; probation lasts at least one year. Once admitted, the person
    is linked to their :class:`Member` record.
    """

    name = models.CharField(_("full name"), max_length=50, validators=[validate_plain_text])
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_plain_text, validate_resident_id]
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[validate_plain_text])
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("Party organization"),
        on_delete=models.PROTECT,
        related_name="applicants",
    )
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("workplace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicants",
    )
    applied_on = models.DateField(_("applied on"))
    activist_on = models.DateField(_("became activist on"), null=True, blank=True)
    candidate_on = models.DateField(_("became candidate on"), null=True, blank=True)
    dossier_submitted_on = models.DateField(
        _("candidate dossier submitted on"),
        null=True,
        blank=True,
        help_text=_("When the candidate's dossier went to the county organization department."),
    )
    admitted_on = models.DateField(_("admitted as probationary member on"), null=True, blank=True)
    full_on = models.DateField(_("full membership on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("left the pipeline on"), null=True, blank=True)
    withdrawn_reason = models.CharField(
        _("reason for leaving"), max_length=200, blank=True, validators=[validate_plain_text]
    )
    member = models.OneToOneField(
        Member,
        verbose_name=_("member record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = ApplicantQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["organization", "applied_on"]
        indexes = [
            models.Index(fields=["candidate_on"]),
            models.Index(fields=["admitted_on"]),
            models.Index(fields=["dossier_submitted_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        """The ID number in its stored form; a blank gender taken from it."""
        self.id_number, self.gender = normalise_identity(self.id_number, self.gender)

    def clean(self) -> None:
        super().clean()
        errors = {}
        previous_field, previous_label = None, None
        for field, label in STAGE_DATES:
            value = getattr(self, field)
            if value is None:
                continue
            if previous_field is not None and value < getattr(self, previous_field):
                errors[field] = _("The %(stage)s date cannot be before the %(previous)s date.") % {
                    "stage": label,
                    "previous": previous_label,
                }
            previous_field, previous_label = field, label
        errors.update(self._missing_stage_errors())
        if self.activist_on and self.candidate_on and self.candidate_on < candidacy_from(self.activist_on):
            errors["candidate_on"] = _("An activist is trained for at least one year before becoming a candidate.")
        if self.admitted_on and self.full_on and self.full_on < probation_ends(self.admitted_on):
            errors["full_on"] = _("Full membership comes at least one year after admission (the probation period).")
        adult_from = add_years(ric.get_birth_date(self.id_number), 18) if ric.is_valid(self.id_number or "") else None
        if adult_from and self.applied_on and adult_from > self.applied_on:
            errors["applied_on"] = _("An applicant must be at least 18 years old when applying.")
        if bool(self.withdrawn_on) != bool(self.withdrawn_reason):
            errors["withdrawn_reason"] = _("Leaving the pipeline needs both the date and the reason.")
        if errors:
            raise ValidationError(errors)

    def _missing_stage_errors(self) -> dict:
        """A stage needs every earlier stage to be dated (the dossier is optional before admission)."""
        errors = {}
        required_before = {
            "candidate_on": "activist_on",
            "dossier_submitted_on": "candidate_on",
            "admitted_on": "candidate_on",
            "full_on": "admitted_on",
        }
        for field, needed in required_before.items():
            if getattr(self, field) and not getattr(self, needed):
                errors[field] = _("Fill in the earlier stages first.")
        return errors

    @property
    def stage(self) -> str:
        return self.stage_on(datetime.date.max)

    def get_stage_display(self) -> str:
        return Stage(self.stage).label if self.stage else ""

    def stage_on(self, date: datetime.date) -> str | None:
        """The stage this person was at on ``date`` (None before applying)."""
        if self.withdrawn_on and self.withdrawn_on <= date:
            return Stage.WITHDRAWN
        for field, stage in (
            ("full_on", Stage.FULL),
            ("admitted_on", Stage.PROBATIONARY),
            ("candidate_on", Stage.CANDIDATE),
            ("activist_on", Stage.ACTIVIST),
            ("applied_on", Stage.APPLICANT),
        ):
            value = getattr(self, field)
            if value and value <= date:
                return stage
        return None

    def next_stage_due(self) -> datetime.date | None:
        """The earliest date the next stage may be reached under the one-year rules."""
        if self.withdrawn_on or self.full_on:
            return None
        if self.admitted_on:
            return probation_ends(self.admitted_on)
        if self.activist_on and not self.candidate_on:
            return candidacy_from(self.activist_on)
        return None


class DevelopmentQuota(TrackedModel):
    """The guiding development plan (发展党员指导性计划) of a park for a year."""

    park = models.ForeignKey(
        "organizations.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="development_quotas"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators(1949))
    quota = models.PositiveSmallIntegerField(_("members to admit"))

    objects = scoped_queryset("park", None).as_manager()
    history = History()

    class Meta:
        verbose_name = _("development quota")
        verbose_name_plural = _("development quotas")
        ordering = ["park", "-year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="quota_one_per_park_year")]

    def __str__(self) -> str:
        return f"{self.park} {self.year}: {self.quota}"
