"""Organization life and park activities (三会一课, 主题党日, training, inspections)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import validate_free_text, validate_plain_text

from .parks import Park
from .party import PartyOrganization, ServiceCenter


class ActivityKind(models.TextChoices):
    BRANCH_GENERAL_MEETING = "branch_general_meeting", _("Branch general meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Branch committee meeting")
    GROUP_MEETING = "group_meeting", _("Party group meeting")
    PARTY_LECTURE = "party_lecture", _("Party lecture")
    THEME_DAY = "theme_day", _("Theme Party day")
    ORGANIZATION_LIFE_MEETING = "organization_life_meeting", _("Organization life meeting")
    THEME_EDUCATION = "theme_education", _("Theme education")
    TRAINING = "training", _("Training")
    LISTENING_VISIT = "listening_visit", _("Listening visit")
    OWNER_SYMPOSIUM = "owner_symposium", _("Owners' symposium")
    JOINT_INSPECTION = "joint_inspection", _("Joint inspection")


#: Kinds that are an organization's own life and need the organization.
ORGANIZATION_KINDS = (
    ActivityKind.BRANCH_GENERAL_MEETING,
    ActivityKind.COMMITTEE_MEETING,
    ActivityKind.GROUP_MEETING,
    ActivityKind.PARTY_LECTURE,
    ActivityKind.THEME_DAY,
    ActivityKind.ORGANIZATION_LIFE_MEETING,
)


class PartnerDepartment(models.TextChoices):
    """Departments the park inspects enterprises with (联合检查)."""

    SAFETY = "safety", _("Emergency management (work safety)")
    ENVIRONMENT = "environment", _("Ecology and environment")
    MARKET = "market", _("Market regulation (canteens)")
    HOUSING = "housing", _("Housing and construction (infrastructure)")
    OTHER = "other", _("Other department")


class Audience(models.TextChoices):
    MEMBERS = "members", _("Party members")
    SECRETARIES = "secretaries", _("Organization secretaries")
    PARTY_WORKERS = "party_workers", _("Party affairs workers")
    EMPLOYEES = "employees", _("Enterprise employees")
    OWNERS = "owners", _("Enterprise owners")


class Activity(TrackedModel):
    """One dated activity: a meeting, lecture, theme day, training, visit or inspection.

    Organization life belongs to an organization; park-wide activities
    (trainings, symposiums, inspections) may have none. Actual attendance
    counts person-times.
    """

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="activities")
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[validate_plain_text])
    held_on = models.DateField(_("held on"))
    place = models.ForeignKey(
        ServiceCenter,
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    location = models.CharField(_("location"), max_length=200, blank=True, validators=[validate_plain_text])
    organizer = models.CharField(
        _("organizer"),
        max_length=100,
        blank=True,
        help_text=_("Who ran it, if not the organization itself."),
        validators=[validate_plain_text],
    )
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, blank=True)
    partner_department = models.CharField(
        _("partner department"), max_length=20, choices=PartnerDepartment.choices, blank=True
    )
    is_special_lecture = models.BooleanField(_("special Party lecture"), default=False)
    expected_attendance = models.PositiveIntegerField(_("expected attendance"), null=True, blank=True)
    actual_attendance = models.PositiveIntegerField(_("actual attendance (person-times)"), null=True, blank=True)
    attendees = models.ManyToManyField(
        "members.Member", verbose_name=_("attendees"), blank=True, related_name="activities"
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_free_text])

    objects = scoped_queryset("park", "organization").as_manager()
    history = History(m2m_fields=[attendees])

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "kind", "held_on"]),
            models.Index(fields=["park", "kind", "held_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=ORGANIZATION_KINDS) | Q(organization__isnull=False),
                name="activity_organization_life_has_organization",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActivityKind.JOINT_INSPECTION) | ~Q(partner_department=""),
                name="activity_inspection_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def normalise(self) -> None:
        """An organization's activity lies in the organization's park."""
        if self.organization_id and not self.park_id:
            self.park_id = self.organization.park_id

    def clean(self) -> None:
        if self.organization_id and not self.park_id:
            self.park_id = self.organization.park_id
        super().clean()
        errors = {}
        if self.kind in ORGANIZATION_KINDS and not self.organization_id:
            errors["organization"] = _("Organization life must name its organization.")
        if self.kind == ActivityKind.JOINT_INSPECTION and not self.partner_department:
            errors["partner_department"] = _("Choose the department the inspection was held with.")
        if self.kind != ActivityKind.JOINT_INSPECTION and self.partner_department:
            errors["partner_department"] = _("Only a joint inspection has a partner department.")
        if self.is_special_lecture and self.kind != ActivityKind.PARTY_LECTURE:
            errors["is_special_lecture"] = _("Only a Party lecture can be a special lecture.")
        if self.organization_id and self.park_id and self.organization.park_id != self.park_id:
            errors["park"] = _("The activity's park must be its organization's park.")
        if errors:
            raise ValidationError(errors)


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Document")


class ActivityAttachment(TrackedModel):
    """A photo or document kept with an activity record."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("file"), upload_to="activities/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True, validators=[validate_plain_text])

    objects = scoped_queryset("activity__park", "activity__organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("activity attachment")
        verbose_name_plural = _("activity attachments")
        ordering = ["activity", "pk"]

    def __str__(self) -> str:
        return self.caption or self.file.name

    def get_absolute_url(self) -> str:
        """The activity the file belongs to. These records have no page of their own."""
        return self.activity.get_absolute_url()
