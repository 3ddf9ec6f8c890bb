"""Enterprise service requests (企业诉求)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import scoped_queryset
from parkparty.core.validators import validate_free_text, validate_plain_text

from .enterprises import Enterprise
from .parks import Park


class RequestCategory(models.TextChoices):
    LAND = "land", _("Land")
    WATER = "water", _("Water supply")
    POWER = "power", _("Power supply")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    HAZARD = "hazard", _("Hazard rectification")
    NOISE_DISPUTE = "noise_dispute", _("Noise dispute")
    LABOUR_DISPUTE = "labour_dispute", _("Labour dispute")
    TALENT_FLAT = "talent_flat", _("Talent flat")
    SCHOOLING = "schooling", _("Children's schooling")
    POLICY = "policy", _("Policy")
    OTHER = "other", _("Other")


#: Categories counted as infrastructure problems (用地、用水、用电等基础设施配套).
INFRASTRUCTURE_CATEGORIES = (
    RequestCategory.LAND,
    RequestCategory.WATER,
    RequestCategory.POWER,
    RequestCategory.INFRASTRUCTURE,
)


class RequestChannel(models.TextChoices):
    ONLINE = "online", _("Online platform")
    VISIT = "visit", _("Visit to the enterprise")
    PHONE = "phone", _("Phone")
    SYMPOSIUM = "symposium", _("Owners' symposium")
    WALK_IN = "walk_in", _("Walk-in")
    OTHER = "other", _("Other")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


#: Statuses in which a request is finished.
FINISHED_STATUSES = (RequestStatus.CLOSED, RequestStatus.REJECTED)


class Satisfaction(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class ServiceRequest(TrackedModel):
    """A request an enterprise brought to the park, followed to its outcome.

    ``quantity`` counts what was provided (e.g. talent flats) and
    ``people_served`` the people it served (staff housed, children placed).
    """

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="service_requests")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    category = models.CharField(_("category"), max_length=20, choices=RequestCategory.choices)
    channel = models.CharField(
        _("channel"), max_length=20, choices=RequestChannel.choices, default=RequestChannel.VISIT
    )
    title = models.CharField(_("subject"), max_length=200, validators=[validate_plain_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_free_text])
    received_on = models.DateField(_("received on"))
    handler = models.CharField(_("handler"), max_length=50, blank=True, validators=[validate_plain_text])
    handler_unit = models.CharField(_("handling unit"), max_length=100, blank=True, validators=[validate_plain_text])
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True, validators=[validate_free_text])
    quantity = models.PositiveIntegerField(
        _("quantity provided"), null=True, blank=True, help_text=_("E.g. number of talent flats provided.")
    )
    people_served = models.PositiveIntegerField(
        _("people served"), null=True, blank=True, help_text=_("E.g. staff housed or children placed in school.")
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )

    objects = scoped_queryset("park", "enterprise__organization").as_manager()
    history = History()

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["park", "received_on"]),
            models.Index(fields=["status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=FINISHED_STATUSES) | Q(closed_on__isnull=False),
                name="request_finished_has_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="request_closed_after_received",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("received_on")),
                name="request_due_after_received",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def normalise(self) -> None:
        """An enterprise's request lies in the enterprise's park."""
        if self.enterprise_id and not self.park_id:
            self.park_id = self.enterprise.park_id

    def clean(self) -> None:
        if self.enterprise_id and not self.park_id:
            self.park_id = self.enterprise.park_id
        super().clean()
        errors = {}
        if self.status in FINISHED_STATUSES and not self.closed_on:
            errors["closed_on"] = _("A closed or rejected request needs the date it was finished.")
        if self.status not in FINISHED_STATUSES and self.closed_on:
            errors["closed_on"] = _("Only a closed or rejected request has a closing date.")
        if self.closed_on and self.received_on and self.closed_on < self.received_on:
            errors["closed_on"] = _("The closing date cannot be before the date received.")
        if self.due_on and self.received_on and self.due_on < self.received_on:
            errors["due_on"] = _("The due date cannot be before the date received.")
        if self.enterprise_id and self.park_id and self.enterprise.park_id != self.park_id:
            errors["enterprise"] = _("The enterprise is not in this park.")
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, on) -> bool:
        """Open past its due date on the given day."""
        return self.status not in FINISHED_STATUSES and self.due_on is not None and self.due_on < on
