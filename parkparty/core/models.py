"""Users, roles and the base every editable record builds on."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parkparty.core.history import History
from parkparty.core.permissions import Role, scoped_queryset
from parkparty.core.validators import validate_plain_text

__all__ = ["AUDITED_USER_FIELDS", "ImportBatch", "ImportKind", "Role", "TrackedModel", "User"]

#: User fields whose changes are audit events (``park`` and ``organization`` as their ids).
AUDITED_USER_FIELDS = ("role", "park", "organization", "is_active", "is_staff", "is_superuser")


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
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_(
            "Set when an administrator creates the account or sets its password: "
            "the user must choose a new password before doing anything else."
        ),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)
    enabled_at = models.DateTimeField(
        _("enabled at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When a disabled account was last enabled again; dormancy is counted from here at the earliest."),
    )

    objects = UserManager()
    # Password hashes stay out of history; logins and password dates are not edits.
    history = History(excluded_fields=["password", "last_login", "password_changed_at"])

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
        if self.role == Role.AUDITOR and (self.is_staff or self.is_superuser):
            raise ValidationError(
                {"role": _("An audit administrator may not also be a system administrator (staff or superuser).")}
            )

    def save(self, *args, **kwargs):
        """Save; changes of role, scope and rights, new accounts and new passwords go to the audit log.

        The audit log is written by :mod:`parkparty.core.signals` on :data:`user_saved` (``parkparty.core.audit``
        builds on these models, so they do not import it).
        """
        adding = self._state.adding or self.pk is None
        update_fields = kwargs.get("update_fields")
        touched = None if update_fields is None else {name.removesuffix("_id") for name in update_fields}
        before = None
        if not adding and (touched is None or touched & set(AUDITED_USER_FIELDS)):
            before = User.objects.filter(pk=self.pk).values(*AUDITED_USER_FIELDS).first()
        if before and self.is_active and before["is_active"] is False:
            self.enabled_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "enabled_at"}
        password_set = getattr(self, "_password_set", False) and update_fields is None
        super().save(*args, **kwargs)
        self._password_set = False
        user_saved.send(sender=type(self), user=self, created=adding, before=before, password_set=password_set)

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self._password_set = True

    @property
    def display_name(self) -> str:
        return str(self)


#: Sent after a user is saved: ``user``, ``created``, ``before`` (the audited fields as they were, or None
#: when none was touched), ``password_set``. :mod:`parkparty.core.signals` writes the audit entries.
user_saved = Signal()


class TrackedModel(models.Model):
    """Abstract base of every editable record: an edit version and timestamps.

    ``version`` goes up by one on every save; services compare it with the
    version the editor started from and refuse stale saves. Each concrete
    model declares its own ``history = History()``.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalise()
        self.next_version()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        meta = self._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_detail", args=[self.pk])

    def clean_fields(self, exclude=None) -> None:
        self.normalise()
        super().clean_fields(exclude=exclude)

    def normalise(self) -> None:
        """Bring values to their one stored form (an ID number's case, values derived from it).

        Runs on every write path — ``save()``, ``clean_fields()`` and the bulk
        writes of :func:`parkparty.core.services.save_records` — so a record saved
        through a form and one imported end identical. Override per model.
        """

    def next_version(self) -> None:
        """An existing record's version goes up by one on every write (the only place it does)."""
        if not self._state.adding:
            self.version += 1


class ImportKind(models.TextChoices):
    ENTERPRISES = "enterprises", _("Enterprise survey")
    MEMBERS = "members", _("Member roster")


class ImportBatch(models.Model):
    """One committed Excel import: who imported which file into which park, and what it changed.

    Written by ``parkparty.core.imports.run_import`` in the same transaction as
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
    history = History()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"


class AuditKind(models.TextChoices):
    """What an audit event records."""

    LOGIN = "login", _("Sign-in")
    LOCKOUT = "lockout", _("Sign-in locked")
    UNLOCK = "unlock", _("Sign-in unlocked")
    LOGOUT = "logout", _("Sign-out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_SET = "password_set", _("Password set by an administrator")
    ACCOUNT_DISABLED = "account_disabled", _("Account disabled")
    USER_CREATED = "user_created", _("User created")
    USER_CHANGED = "user_changed", _("User's role or rights changed")
    ACCESS_DENIED = "access_denied", pgettext_lazy("audit event", "Access denied")
    IMPORT = "import", _("Excel import")
    EXPORT = "export", _("Export")
    REPORT_GENERATED = "report_generated", _("Report generated")
    REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
    REVEAL = "reveal", _("Personal data shown in full")
    AUDIT_EXPORTED = "audit_exported", _("Audit log exported")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    FAILURE = "failure", _("Failed")
    DENIED = "denied", _("Denied")


class AuditEvent(models.Model):
    """One security event, append-only: who did what to which record, from where, and how it ended.

    Written through :func:`parkparty.core.audit.record`. The user is kept as id and
    username text (not a foreign key) so that deleting a user never changes or
    loses an entry. The database refuses to update any entry and to delete
    entries younger than ``settings.AUDIT_MIN_RETENTION_DAYS`` (triggers of
    migration 0003); the model refuses both as well.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=32, choices=AuditKind.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS)
    user_id = models.BigIntegerField(_("user id"), null=True, blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "created_at"], name="auditevent_kind_time"),
            models.Index(fields=["username", "created_at"], name="auditevent_user_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly(_("Audit log entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly(_("Audit log entries cannot be deleted; purge_audit_log removes expired ones."))


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit log entry through the model."""
