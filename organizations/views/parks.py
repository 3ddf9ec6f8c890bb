"""Parks (一区五园) and their yearly staffing: lists, forms, a park's figures and sub-parks."""

from __future__ import annotations

from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations import rules
from organizations.models import Enterprise, EnterpriseStatus, OrganizationStatus, Park, ParkStaffing, PartyOrganization
from organizations.views.shared import count_of, member_model, optional_url
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.permissions import VIEW, may, sees_everything, tree_ids
from parkparty.core.views.generic import Column, Entity, Panel, panel


def in_park_tree(prefix: str = "park") -> Q:
    """Records of the outer park or of its sub-parks (the tree is a zone and its sub-parks; three levels covered)."""
    return (
        Q(**{prefix: OuterRef("pk")})
        | Q(**{f"{prefix}__parent": OuterRef("pk")})
        | Q(**{f"{prefix}__parent__parent": OuterRef("pk")})
    )


class ParkForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Basic information"), ["code", "name", "parent", "address", "sort_order"]),
        (
            gettext_lazy("Integration of the parks"),
            ["integration_principle", "development_pattern", "is_core", "integrated_on"],
        ),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Park
        fields = [
            "code",
            "name",
            "parent",
            "address",
            "sort_order",
            "integration_principle",
            "development_pattern",
            "is_core",
            "integrated_on",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        park = self.instance
        parent = self.fields["parent"]
        everything = sees_everything(user)
        if park.pk is not None:
            # A park cannot be placed under itself or one of its own sub-parks.
            parent.queryset = parent.queryset.exclude(pk__in=tree_ids(Park, park.pk))
            if not everything and not parent.queryset.filter(pk=park.parent_id).exists():
                # Park staff do not move the park they were assigned (its parent lies outside their scope).
                del self.fields["parent"]
        elif not everything:
            # Park staff add sub-parks of their own park.
            parent.required = True
            parent.empty_label = None


class ParkEntity(Entity):
    model = Park
    columns = [
        Column("code", sort="code"),
        Column("name", sort="name", link=True),
        Column("parent.name", label=gettext_lazy("parent park"), sort="parent__name"),
        Column("address"),
        Column("child_count", label=gettext_lazy("Sub-parks"), sort="child_count", numeric=True),
        Column("enterprise_count", label=gettext_lazy("Enterprises"), sort="enterprise_count", numeric=True),
        Column(
            "organization_count", label=gettext_lazy("Party organizations"), sort="organization_count", numeric=True
        ),
        Column("sort_order", sort="sort_order", numeric=True),
    ]
    search_fields = ("name", "code", "address")
    search_help = gettext_lazy("Name, code or address")
    filter_fields = ["parent"]
    ordering = ("sort_order", "code")
    list_select_related = ("parent",)
    form_class = ParkForm

    @classmethod
    def queryset(cls, user):
        enterprises = Enterprise.objects.for_user(user).filter(in_park_tree())
        organizations = PartyOrganization.objects.for_user(user).filter(in_park_tree())
        return (
            super()
            .queryset(user)
            .annotate(
                child_count=count_of(Park.objects.filter(parent=OuterRef("pk"))),
                enterprise_count=count_of(enterprises.exclude(status=EnterpriseStatus.DEREGISTERED)),
                organization_count=count_of(organizations.filter(status=OrganizationStatus.ACTIVE)),
            )
        )

    @classmethod
    def related(cls, obj, user):
        subparks = Park.objects.for_user(user).filter(parent=obj).order_by("sort_order", "code")
        staffing = ParkStaffing.objects.for_user(user).filter(park=obj).order_by("-year")
        panels = [figures_panel(obj, user)]
        panels.append(
            panel(
                _("Sub-parks"),
                subparks,
                [Column("name"), Column("code"), Column("address")],
                user,
                model=Park,
                add_url=optional_url("organizations:park_add", parent=obj.pk),
            )
        )
        if may(user, VIEW, ParkStaffing):  # staffing is park business, not a secretary's
            panels.append(
                panel(
                    _("Staffing by year"),
                    staffing,
                    [
                        Column("year"),
                        Column("posts_authorised", numeric=True),
                        Column("posts_actual", numeric=True),
                        Column("posts_vacant", label=gettext_lazy("vacant posts"), numeric=True),
                        Column("note"),
                    ],
                    user,
                    model=ParkStaffing,
                    add_url=optional_url("organizations:parkstaffing_add", park=obj.pk),
                )
            )
        return panels


def figures_panel(park: Park, user) -> Panel:
    """Enterprises, organizations, coverage and members of the park and its sub-parks today.

    Counted by the rules the figures engine counts by (which enterprises
    exist, which organizations are founded or being formed, how an
    enterprise is covered, who is a member on a date), so the numbers are
    the park dashboard's for today. One query each.
    """
    today = timezone.localdate()
    parks = park.descendant_ids()
    existing = rules.enterprises_existing(Enterprise.objects.for_user(user).filter(park__in=parks), today)
    enterprises = list(
        existing.exclude(status=EnterpriseStatus.DEREGISTERED).only(
            "pk", "status", "organization_id", "coverage_mode", "instructor_id"
        )
    )
    organizations = PartyOrganization.objects.for_user(user).filter(park__in=parks)
    founded = set(organizations.founded_as_of(today).values_list("pk", flat=True))
    forming = organizations.forming_as_of(today).count()
    covered = [e for e in enterprises if rules.coverage_part(e, founded) in rules.ORGANIZATION_COVERAGE]
    members = member_model().objects.for_user(user).as_of(today).filter(organization__park__in=parks).count()
    values = [
        (_("Enterprises"), len(enterprises)),
        (EnterpriseStatus.OPERATING.label, sum(1 for e in enterprises if e.status == EnterpriseStatus.OPERATING)),
        (
            EnterpriseStatus.UNDER_CONSTRUCTION.label,
            sum(1 for e in enterprises if e.status == EnterpriseStatus.UNDER_CONSTRUCTION),
        ),
        (_("Party organizations"), len(founded)),
        (OrganizationStatus.FORMING.label, forming),
        (_("Party members"), members),
        (_("Enterprises with a Party organization"), len(covered)),
    ]
    return Panel(
        title=_("This park and its sub-parks"),
        template="organizations/park_figures.html",
        extra={"figures": [{"label": label, "value": value} for label, value in values]},
    )


STAFFING_PEOPLE = [
    "leader_position",
    "leader_since",
    "leader_note",
    "party_officers",
    "officers_since",
    "officers_note",
]


class ParkStaffingForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Staffing"), ["park", "year", "posts_authorised", "posts_actual", "note"]),
        (gettext_lazy("Who does the Party-building work"), STAFFING_PEOPLE),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = ParkStaffing
        fields = ["park", "year", "posts_authorised", "posts_actual", "note", *STAFFING_PEOPLE]


class ParkStaffingEntity(Entity):
    model = ParkStaffing
    columns = [
        Column("park.name", label=gettext_lazy("park"), sort="park__name", link=True),
        Column("year", sort="year", numeric=True),
        Column("posts_authorised", sort="posts_authorised", numeric=True),
        Column("posts_actual", sort="posts_actual", numeric=True),
        Column("posts_vacant", label=gettext_lazy("vacant posts"), numeric=True),
        Column("note"),
    ]
    search_fields = ("park__name", "note")
    search_help = gettext_lazy("Park or note")
    filter_fields = ["park", "year"]
    ordering = ("park__sort_order", "park__code", "-year")
    list_select_related = ("park",)
    form_class = ParkStaffingForm


ENTITIES = [ParkEntity, ParkStaffingEntity]
