"""Party organizations: list, form, founding and dissolving, and the organization's page.

An organization's page shows what it covers (enterprises, members, child
organizations), its term election, its 三会一课 record for the current year
(:mod:`organizations.views.organization_panels`), its activities of the last
twelve months and its funding, each read with one query.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Enterprise, Funding, OrganizationStatus, PartyOrganization
from organizations.services import organization_dissolve, organization_found
from organizations.views.organization_panels import activities_panel, meetings_panel, term_panel
from organizations.views.shared import count_of, member_model, optional_url
from parkparty.core import extensions
from parkparty.core.forms import ActionForm, WorkbenchModelForm, past_date_field
from parkparty.core.permissions import tree_ids
from parkparty.core.views.generic import Action, Column, Entity, panel

YES_NO = [("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))]


class PartyOrganizationForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Basic information"), ["name", "kind", "park", "parent", "formation_mode"]),
        (gettext_lazy("Status and dates"), ["status", "forming_since", "founded_on", "last_election_on"]),
        (
            gettext_lazy("Leadership"),
            ["secretary", "primary_managing_body", "auxiliary_managing_body", "contact_phone"],
        ),
        (gettext_lazy("Demonstration point"), ["is_demonstration_point", "demonstration_level"]),
        (gettext_lazy("Notes"), ["notes"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = PartyOrganization
        fields = [
            "name",
            "kind",
            "park",
            "parent",
            "formation_mode",
            "status",
            "forming_since",
            "founded_on",
            "last_election_on",
            "secretary",
            "primary_managing_body",
            "auxiliary_managing_body",
            "contact_phone",
            "is_demonstration_point",
            "demonstration_level",
            "notes",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        organization = self.instance
        # Dissolving is its own action, with a date and a reason.
        status = self.fields["status"]
        if organization.status == OrganizationStatus.DISSOLVED:
            status.disabled = True
        else:
            status.choices = [c for c in status.choices if c[0] != OrganizationStatus.DISSOLVED]
        # The secretary is one of this organization's own members.
        secretary = self.fields["secretary"]
        if organization.pk is None:
            secretary.queryset = secretary.queryset.none()
            secretary.help_text = _("Register the organization's members first, then choose its secretary here.")
        else:
            current = Q(ended_on__isnull=True) | Q(pk=organization.secretary_id)
            secretary.queryset = member_model().objects.for_user(user).filter(current, organization=organization)
            # An organization cannot sit under itself or one of its own children.
            parent = self.fields["parent"]
            parent.queryset = parent.queryset.exclude(pk__in=tree_ids(PartyOrganization, organization.pk))
            if organization.parent_id and not parent.queryset.filter(pk=organization.parent_id).exists():
                # Its parent lies outside the user's scope: they keep it as it is.
                del self.fields["parent"]


class FoundForm(ActionForm):
    founded_on = past_date_field(PartyOrganization._meta.get_field("founded_on").verbose_name)


class DissolveForm(ActionForm):
    dissolved_on = past_date_field(PartyOrganization._meta.get_field("dissolved_on").verbose_name)
    dissolution_reason = forms.CharField(
        label=PartyOrganization._meta.get_field("dissolution_reason").verbose_name, max_length=200
    )


def found(organization, *, user, expected_version, founded_on):
    return organization_found(organization, on=founded_on, user=user, expected_version=expected_version)


def dissolve(organization, *, user, expected_version, dissolved_on, dissolution_reason):
    return organization_dissolve(
        organization, on=dissolved_on, reason=dissolution_reason, user=user, expected_version=expected_version
    )


class PartyOrganizationEntity(Entity):
    model = PartyOrganization
    columns = [
        Column("name", sort="name", link=True),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("kind", sort="kind"),
        Column("status", sort="status", badge=True),
        Column("formation_mode", sort="formation_mode"),
        Column("secretary.name", label=gettext_lazy("secretary"), sort="secretary__name"),
        Column("member_count", label=gettext_lazy("Party members"), sort="member_count", numeric=True),
        Column("enterprise_count", label=gettext_lazy("Enterprises"), sort="enterprise_count", numeric=True),
        Column("founded_on", sort="founded_on"),
        Column("next_election_due", label=gettext_lazy("Next term election due")),
        Column("is_demonstration_point", sort="is_demonstration_point"),
    ]
    search_fields = ("name",)
    search_help = gettext_lazy("Name of the organization")
    filter_fields = ["park", "kind", "status", "formation_mode", "is_demonstration_point"]
    ordering = ("park__sort_order", "name")
    list_select_related = ("park", "parent", "secretary")
    form_class = PartyOrganizationForm
    detail_fields = [
        (gettext_lazy("Basic information"), ["name", "kind", "park", "parent", "formation_mode"]),
        (
            gettext_lazy("Status and dates"),
            ["status", "forming_since", "founded_on", "last_election_on", "dissolved_on", "dissolution_reason"],
        ),
        (
            gettext_lazy("Leadership"),
            ["secretary", "primary_managing_body", "auxiliary_managing_body", "contact_phone"],
        ),
        (gettext_lazy("Demonstration point"), ["is_demonstration_point", "demonstration_level"]),
        (gettext_lazy("Notes"), ["notes"]),
    ]
    actions = [
        Action(
            name="found",
            label=gettext_lazy("Found"),
            form_class=FoundForm,
            service=found,
            available=lambda obj: obj.status == OrganizationStatus.FORMING,
            button_class="btn-outline-primary",
            help_text=gettext_lazy("The organization being formed is founded on this date."),
        ),
        Action(
            name="dissolve",
            label=gettext_lazy("Dissolve"),
            form_class=DissolveForm,
            service=dissolve,
            available=lambda obj: obj.status != OrganizationStatus.DISSOLVED,
            help_text=gettext_lazy(
                "Transfer the members or end their membership first. The organization stays on record as "
                "dissolved, and the enterprises it covered are recorded as uncovered from this date."
            ),
        ),
    ]

    @classmethod
    def filterset_class(cls):
        # "Any / yes / no" rather than django-filter's "unknown / yes / no".
        yes_no = django_filters.ChoiceFilter(field_name="is_demonstration_point", choices=YES_NO)
        return type("PartyOrganizationFilterSet", (super().filterset_class(),), {"is_demonstration_point": yes_no})

    @classmethod
    def queryset(cls, user):
        return (
            super()
            .queryset(user)
            .annotate(
                member_count=count_of(
                    member_model().objects.filter(organization=OuterRef("pk"), ended_on__isnull=True)
                ),
                enterprise_count=count_of(Enterprise.objects.filter(organization=OuterRef("pk"))),
            )
        )

    @classmethod
    def related(cls, obj, user):
        today = timezone.localdate()
        enterprises = Enterprise.objects.for_user(user).filter(organization=obj).order_by("name")
        children = PartyOrganization.objects.for_user(user).filter(parent=obj).select_related("park")
        funding = Funding.objects.for_user(user).filter(organization=obj).select_related("recipient")
        return [
            term_panel(obj, today),
            meetings_panel(obj, user, today),
            panel(
                # An organization being formed covers no enterprise yet (the figures count them as forming).
                _("Enterprises it will cover")
                if obj.status == OrganizationStatus.FORMING
                else _("Enterprises covered"),
                enterprises,
                [
                    Column("name"),
                    Column("uscc"),
                    Column("status"),
                    Column("coverage_mode"),
                    Column("employees", numeric=True),
                    Column("surveyed_members", numeric=True),
                ],
                user,
                model=Enterprise,
                add_url=optional_url("organizations:enterprise_add", organization=obj.pk, park=obj.park_id),
                empty=_("No enterprise is covered by this organization yet."),
            ),
            *extensions.panels_for(obj, user),  # its current members (members.extensions)
            panel(
                _("Child organizations"),
                children,
                [Column("name"), Column("kind"), Column("status"), Column("park.name", label=gettext_lazy("park"))],
                user,
                model=PartyOrganization,
                add_url=optional_url("organizations:partyorganization_add", parent=obj.pk, park=obj.park_id),
            ),
            activities_panel(obj, user, today),
            panel(
                _("Funding"),
                funding,
                [
                    Column("paid_on"),
                    Column("kind"),
                    Column("amount", numeric=True),
                    Column("months", numeric=True),
                    Column("recipient.name", label=gettext_lazy("recipient")),
                ],
                user,
                model=Funding,
                add_url=optional_url("organizations:funding_add", organization=obj.pk),
            ),
        ]


ENTITIES = [PartyOrganizationEntity]
