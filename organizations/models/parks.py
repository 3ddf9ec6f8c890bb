"""Parks (一区五园) and their yearly staffing."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkparty.core.history import History
from parkparty.core.models import TrackedModel
from parkparty.core.permissions import VIEW, ScopedQuerySet, scoped_queryset, tree_ids
from parkparty.core.validators import validate_plain_text, year_validators

YEAR_VALIDATORS = year_validators(1949)


class ParkQuerySet(ScopedQuerySet):
    park_lookup = ""

    def organization_scope_q(self, organization_ids):
        # A secretary sees the park their organization belongs to.
        return Q(party_organizations__in=organization_ids)

    def for_user(self, user, action: str = VIEW):
        return super().for_user(user, action).distinct()

    def zones(self):
        return self.filter(parent__isnull=True)


class Park(TrackedModel):
    """An industrial park. Parks form a tree: a zone and its sub-parks.

    Park staff assigned to a park work on it and on all its sub-parks.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[
            validate_plain_text,
            RegexValidator(r"^[A-Za-z0-9_-]+$", _("Use letters, digits, '-' and '_' only.")),
        ],
        help_text=_("Short code used on the command line and in imports, e.g. DEMO."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True, validators=[validate_plain_text])
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent park"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_plain_text])
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    # How the zone came to be (一区五园): recorded on the zone and its sub-parks, read by the reports.
    integration_principle = models.CharField(
        _("integration principle"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_(
            "For a zone: who decided the integration of its parks and on what principle, as the reports "
            "should say it, e.g. 县委、县政府“四个统一”（统一规划、统一建设、统一管理、统一招商）."
        ),
    )
    development_pattern = models.CharField(
        _("development pattern"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("For a zone: the pattern its parks form, e.g. 分工合作、错位布局、集群发展."),
    )
    is_core = models.BooleanField(
        _("core park"), default=False, help_text=_("For a sub-park: the core park its zone was built around.")
    )
    integrated_on = models.DateField(
        _("integrated on"), null=True, blank=True, help_text=_("For a sub-park: when it was integrated into its zone.")
    )

    objects = ParkQuerySet.as_manager()
    history = History()

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="park_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        ancestor = self.parent
        seen = set()
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A park cannot be placed under itself or its own sub-park.")})
            if ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        errors = {}
        if self.parent_id is None and self.is_core:
            errors["is_core"] = _("Only a sub-park can be the core park of its zone.")
        if self.parent_id is None and self.integrated_on:
            errors["integrated_on"] = _("Only a sub-park is integrated into a zone.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_zone(self) -> bool:
        return self.parent_id is None

    def descendant_ids(self) -> frozenset[int]:
        """This park's id and the ids of all its sub-parks, at any depth."""
        return tree_ids(Park, self.pk)


class ParkStaffing(TrackedModel):
    """Authorised posts (核定编制) and actual staff (实有人数) of a park in one year."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="staffing")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    posts_authorised = models.PositiveSmallIntegerField(_("authorised posts"))
    posts_actual = models.PositiveSmallIntegerField(_("actual staff"))
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_plain_text])
    # Who does the Party-building work (the reports' staffing example).
    leader_position = models.CharField(
        _("position of the leader in charge"),
        max_length=100,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("The post of the committee member in charge of Party building, e.g. 管委会副主任."),
    )
    leader_since = models.DateField(_("leader in charge since"), null=True, blank=True)
    leader_note = models.CharField(
        _("about the leader in charge"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("A clause the reports may quote, e.g. 由县直单位调入，对非公党建业务还不熟悉."),
    )
    party_officers = models.PositiveSmallIntegerField(
        _("Party affairs officers"), null=True, blank=True, help_text=_("Staff doing the Party-building work itself.")
    )
    officers_since = models.DateField(_("officers in post since"), null=True, blank=True)
    officers_note = models.CharField(
        _("about the officers"),
        max_length=200,
        blank=True,
        validators=[validate_plain_text],
        help_text=_("A clause the reports may quote, e.g. 为新录用的公务员，对党务工作还比较陌生."),
    )

    objects = scoped_queryset("park", None).as_manager()
    history = History()

    class Meta:
        verbose_name = _("park staffing")
        verbose_name_plural = _("park staffing")
        ordering = ["park", "-year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="staffing_one_per_park_year")]

    def __str__(self) -> str:
        return f"{self.park} {self.year}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.leader_since and not self.leader_position:
            errors["leader_position"] = _("Give the position of the leader in charge.")
        if self.officers_since and not self.party_officers:
            errors["party_officers"] = _("Give how many officers do the Party affairs work.")
        if errors:
            raise ValidationError(errors)

    @property
    def posts_vacant(self) -> int:
        return max(self.posts_authorised - self.posts_actual, 0)
