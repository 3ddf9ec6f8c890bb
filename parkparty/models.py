"""Users, roles and the base every editable record builds on."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from parkparty.scoping import scoped_queryset
from parkparty.validators import validate_plain_text


class Role(models.TextChoices):
    """The four roles of DESIGN.md."""

    PARK_STAFF = "park_staff", _("Park staff")
    COUNTY_REVIEWER = "county_reviewer", _("County reviewer")
    SECRETARY = "secretary", _("Organization secretary")
    ADMINISTRATOR = "administrator", _("System administrator")


class User(AbstractUser):
    """A person who signs in, with one role and the park or organization it applies to.

    Park staff carry their park (its sub-parks are included), secretaries
    their organization. A user with no role sees nothing.
    """

    # AbstractUser's name fields, with the check every name in the project has.
    first_name = models.CharField(_("first name"), max_length=150, blank=True, validators=[validate_plain_text])
    last_name = models.CharField(_("last name"), max_length=150, blank=True, validators=[validate_plain_text])
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    park = models.ForeignKey(
        "organizations.Park",
        verbose_name=_("park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_users",
        help_text=_("Required for park staff: the park (with its sub-parks) they work on."),
    )
    organization = models.ForeignKey(
        "organizations.PartyOrganization",
        verbose_name=_("Party organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secretary_users",
        help_text=_("Required for organization secretaries: the organization they lead."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_plain_text])

    objects = UserManager()
    # Password hashes stay out of history; logins are not edits.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.PARK_STAFF) | Q(park__isnull=False),
                name="user_park_staff_has_park",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.SECRETARY) | Q(organization__isnull=False),
                name="user_secretary_has_organization",
            ),
        ]

    def __str__(self) -> str:
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def clean(self) -> None:
        super().clean()
        if self.role == Role.PARK_STAFF and not self.park_id:
            raise ValidationError({"park": _("Park staff must be assigned a park.")})
        if self.role == Role.SECRETARY and not self.organization_id:
            raise ValidationError({"organization": _("A secretary must be assigned an organization.")})

    @property
    def display_name(self) -> str:
        return str(self)

    @property
    def is_read_only(self) -> bool:
        from parkparty.scoping import scope_for

        return scope_for(self).read_only


class TrackedModel(models.Model):
    """Abstract base of every editable record: an edit version and timestamps.

    ``version`` goes up by one on every save; services compare it with the
    version the editor started from and refuse stale saves. Each concrete
    model declares its own ``history = HistoricalRecords()``.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        meta = self._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_detail", args=[self.pk])


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("Enterprise survey")
    MEMBERS = "members", _("Member roster")


class ImportBatch(models.Model):
    """One committed Excel import: who imported which file into which park, and what it changed.

    Written by ``parkparty.imports.run_import`` in the same transaction as
    the records; ``user`` is empty for the command line. Batches are a log
    and are never edited.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    park = models.ForeignKey(
        "organizations.Park", verbose_name=_("park"), on_delete=models.PROTECT, related_name="import_batches"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True, validators=[validate_plain_text])
    sha256 = models.CharField(_("SHA-256"), max_length=64, validators=[validate_plain_text])
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = scoped_queryset("park", None).as_manager()
    # Every project model keeps history (DESIGN: nothing silently lost); batches get one "+" entry.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"
