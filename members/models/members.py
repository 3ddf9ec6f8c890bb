"""Party members, their dated membership events and pioneer posts."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from members.rules import add_years, probation_ends
from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import (
    normalize_resident_id,
    validate_free_text,
    validate_plain_text,
    validate_resident_id,
)


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


def gender_from_resident_id(id_number: str) -> str:
    """The gender a valid resident ID number gives (the one place it is derived): the 17th digit is odd for men."""
    return Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE


def normalise_identity(id_number: str, gender: str) -> tuple[str, str]:
    """A person's ID number in its stored form, and their gender (taken from a valid ID number when blank)."""
    id_number = normalize_resident_id(id_number)
    if not gender and ric.is_valid(id_number):
        gender = gender_from_resident_id(id_number)
    return id_number, gender


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNDERGRADUATE = "undergraduate", _("University (bachelor)")
    JUNIOR_COLLEGE = "junior_college", _("Junior college")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("Secondary vocational school")
    HIGH_SCHOOL = "high_school", _("Senior high school")
    JUNIOR_HIGH = "junior_high", _("Junior high school or below")


class MemberCategory(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class MemberStatus(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MOBILE = "mobile", _("Mobile")
    LOST_CONTACT = "lost_contact", _("Lost contact")


class EndReason(models.TextChoices):
    """Why a membership in this system ended (党员减少的原因)."""

    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
    EXPELLED = "expelled", _("Expelled from the Party")
    REMOVED = "removed", _("Removed from the Party")
    PERSUADED_TO_WITHDRAW = "persuaded_to_withdraw", _("Persuaded to withdraw")
    WITHDREW = "withdrew", _("Withdrew from the Party")
    PROBATION_CANCELLED = "probation_cancelled", _("Probationary membership cancelled")
    MEMBERSHIP_STOPPED = "membership_stopped", _("Membership stopped")


class EventKind(models.TextChoices):
    """A dated change of membership (党员增加、减少与转正)."""

    ADMITTED = "admitted", _("Admitted as probationary member")
    TRANSFERRED_IN = "transferred_in", _("Transferred in")
    CONFIRMED_FULL = "confirmed_full", _("Confirmed as full member")
    RESTORED = "restored", _("Membership restored")
    TRANSFERRED_OUT = EndReason.TRANSFERRED_OUT.value, EndReason.TRANSFERRED_OUT.label
    DECEASED = EndReason.DECEASED.value, EndReason.DECEASED.label
    EXPELLED = EndReason.EXPELLED.value, EndReason.EXPELLED.label
    REMOVED = EndReason.REMOVED.value, EndReason.REMOVED.label
    PERSUADED_TO_WITHDRAW = EndReason.PERSUADED_TO_WITHDRAW.value, EndReason.PERSUADED_TO_WITHDRAW.label
    WITHDREW = EndReason.WITHDREW.value, EndReason.WITHDREW.label
    PROBATION_CANCELLED = EndReason.PROBATION_CANCELLED.value, EndReason.PROBATION_CANCELLED.label
    MEMBERSHIP_STOPPED = EndReason.MEMBERSHIP_STOPPED.value, EndReason.MEMBERSHIP_STOPPED.label


class MemberQuerySet(scoped_queryset("organization__park", "organization")):
    def current(self):
        """Members whose membership has not ended."""
        return self.filter(ended_on__isnull=True)

    def as_of(self, date: datetime.date):
        """Members on ``date``: joined (or transferred in) by then and not ended by then."""
        return (
            self.annotate(member_since=Coalesce("transferred_in_on", "joined_on"))
            .filter(member_since__lte=date)
            .exclude(ended_on__lte=date)
        )


class Member(TrackedModel):
    """A Party member of an organization in scope.

    Members are never deleted: a membership ends with a reason and a date
    (see ``members.services.member_end``), and every change of membership is
    also kept as a :class:`MembershipEvent`.
    """

    name = models.CharField(_("full name"), max_length=50, validators=[validate_plain_text])
    id_number = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_plain_text, validate_resident_id]
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族", validators=[validate_plain_text])
    education = models.CharField(_("education"), max_length=30, choices=Education.choices, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True, validators=[validate_plain_text])
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("Party organization"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    enterprise = models.ForeignKey(
        "organizations.Enterprise",
        verbose_name=_("workplace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    category = models.CharField(
        _("category"), max_length=20, choices=MemberCategory.choices, default=MemberCategory.FULL
    )
    joined_on = models.DateField(_("joined the Party on"), help_text=_("Date admitted as a probationary member."))
    full_on = models.DateField(_("full membership on"), null=True, blank=True)
    transferred_in_on = models.DateField(
        _("transferred in on"),
        null=True,
        blank=True,
        help_text=_("For members who joined the Party elsewhere: when their membership moved here."),
    )
    status = models.CharField(
        _("member status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.NORMAL
    )
    is_frontline = models.BooleanField(_("frontline worker"), default=False)
    ended_on = models.DateField(_("membership ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason membership ended"), max_length=30, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("note on ending"), max_length=200, blank=True, validators=[validate_plain_text])
    notes = models.TextField(_("notes"), blank=True, validators=[validate_free_text])

    objects = MemberQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["organization", "name"]
        indexes = [
            models.Index(fields=["organization", "ended_on"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(ended_on__isnull=True) & Q(end_reason=""))
                | (Q(ended_on__isnull=False) & ~Q(end_reason="")),
                name="member_end_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(full_on__gt=models.F("joined_on")),
                name="member_full_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        """The ID number in its stored form; a blank gender taken from it."""
        self.id_number, self.gender = normalise_identity(self.id_number, self.gender)

    def clean(self) -> None:
        super().clean()
        errors = {}
        valid_id = ric.is_valid(self.id_number or "")
        if valid_id and self.gender and self.gender != gender_from_resident_id(self.id_number):
            errors["gender"] = _("The gender does not match the resident ID number.")
        if valid_id and self.joined_on and add_years(self.birth_date, 18) > self.joined_on:
            errors["joined_on"] = _("A member must be at least 18 years old on joining the Party.")
        if self.joined_on and self.full_on and self.full_on < probation_ends(self.joined_on):
            errors["full_on"] = _("Full membership comes at least one year after joining (the probation period).")
        if self.category == MemberCategory.PROBATIONARY and self.full_on:
            errors["full_on"] = _("A probationary member has no full-membership date yet.")
        if bool(self.ended_on) != bool(self.end_reason):
            errors["end_reason"] = _("An ended membership needs both the reason and the date.")
        if self.ended_on and self.joined_on and self.ended_on < self.joined_on:
            errors["ended_on"] = _("The membership cannot end before the member joined.")
        if self.transferred_in_on and self.joined_on and self.transferred_in_on < self.joined_on:
            errors["transferred_in_on"] = _("The transfer-in date cannot be before the date of joining the Party.")
        if errors:
            raise ValidationError(errors)

    @property
    def birth_date(self) -> datetime.date:
        return ric.get_birth_date(self.id_number)

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def probation_ends(self) -> datetime.date | None:
        return probation_ends(self.joined_on) if self.category == MemberCategory.PROBATIONARY else None


class MembershipEvent(TrackedModel):
    """A dated change of membership: admission, transfer in or out, confirmation, ending.

    Whole-organization transfers (整建制) are flagged so the yearly
    statistical report can count them separately.
    """

    member = models.ForeignKey(Member, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    date = models.DateField(_("date"))
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("Party organization"),
        on_delete=models.PROTECT,
        related_name="membership_events",
    )
    whole_organization = models.BooleanField(_("whole-organization transfer"), default=False)
    counterpart = models.CharField(
        _("from / to"),
        max_length=150,
        blank=True,
        help_text=_("The organization transferred from or to."),
        validators=[validate_plain_text],
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_plain_text])

    objects = scoped_queryset("organization__park", "organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        ordering = ["member", "date", "pk"]
        indexes = [models.Index(fields=["kind", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(whole_organization=False)
                | Q(kind__in=[EventKind.TRANSFERRED_IN, EventKind.TRANSFERRED_OUT]),
                name="event_whole_organization_only_for_transfers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.date}"

    def get_absolute_url(self) -> str:
        """The member whose membership it records. These records have no page of their own."""
        return self.member.get_absolute_url()


class PostKind(models.TextChoices):
    PIONEER = "pioneer", _("Party member pioneer post")
    MODEL = "model", _("Party member model post")


class PioneerPost(TrackedModel):
    """A pioneer or model post (党员先锋岗、示范岗) held by a member for a period."""

    member = models.ForeignKey(
        Member, verbose_name=_("Party member"), on_delete=models.PROTECT, related_name="pioneer_posts"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices, default=PostKind.PIONEER)
    title = models.CharField(_("post"), max_length=150, validators=[validate_plain_text])
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = scoped_queryset("member__organization__park", "member__organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("pioneer post")
        verbose_name_plural = _("pioneer posts")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="pioneer_post_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
