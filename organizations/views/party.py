"""Party organizations, service centres and instructors: lists, forms, founding and dissolving.

An organization's detail page shows what it covers (enterprises, members,
child organizations), its term election, its 三会一课 record for the current
year and its activities of the last twelve months, each read with one query.
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import ExtractMonth, TruncMonth
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import (
    Activity,
    ActivityKind,
    Enterprise,
    Funding,
    Instructor,
    InstructorEvaluation,
    OrganizationStatus,
    PartyOrganization,
    ServiceCenter,
)
from organizations.rules import (
    ELECTION_NOTICE_DAYS,
    MONTHLY_MEETINGS,
    QUARTERLY_MEETINGS,
    Period,
    active_in,
    election_state,
    months,
    period_ended,
    quarters,
    slot_required,
)
from organizations.services import organization_dissolve, organization_found
from parkparty.core import extensions
from parkparty.core.filters import parse_id
from parkparty.core.forms import ActionForm, WorkbenchModelForm, past_date_field
from parkparty.core.permissions import tree_ids
from parkparty.core.views.generic import Action, Column, Entity, Panel, panel
from parkparty.core.views.generic.parts import offered_add_url

# --- helpers shared with parks.py ---------------------------------------------


def count_of(queryset) -> Subquery:
    """COUNT(*) of ``queryset`` (filtered on an OuterRef) as one correlated subquery per list query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def member_model():
    """The members app's member model, reached through the relation it declares to organizations.

    ``members`` sits above ``organizations`` and is not imported here; its ``Member.organization``
    (related name ``members``) and ``Activity.attendees`` tie the two at the model level.
    """
    return PartyOrganization._meta.get_field("members").related_model


def optional_url(name: str, **query) -> str | None:
    """The URL of a view (with a query string), or None while that area is not built yet."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url


# --- Party organizations ---------------------------------------------------------

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


def period_cell(organization, count: int, period: Period, today: datetime.date) -> dict:
    """One month or quarter of the 三会一课 record: held, missed, still open, not yet due or not applicable.

    ``required`` says whether the period counts in "held / due"; the rule is
    :func:`organizations.rules.slot_required`, the one the figures engine counts by.
    """
    if count:
        state = "held"
    elif not active_in(organization, period):
        state = "na"
    elif period.first > today:
        state = "future"
    elif not period_ended(period, today):
        state = "open"
    else:
        state = "missed"
    return {"state": state, "count": count, "required": slot_required(organization, period, today)}


def meetings_panel(organization, user, today: datetime.date) -> Panel:
    """This year's 三会一课 record, from one aggregate query."""
    year = today.year
    counts = {
        (row["month"], row["kind"]): row["n"]
        for row in Activity.objects.for_user(user)
        .filter(
            organization=organization,
            kind__in=MONTHLY_MEETINGS + QUARTERLY_MEETINGS,
            held_on__gte=datetime.date(year, 1, 1),
            held_on__lte=datetime.date(year, 12, 31),
        )
        .annotate(month=ExtractMonth("held_on"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    }

    def held(kind, period: Period) -> int:
        return sum(counts.get((month, kind), 0) for month in range(period.first.month, period.last.month + 1))

    monthly = []
    for kind in MONTHLY_MEETINGS:
        cells = [period_cell(organization, held(kind, month), month, today) for month in months(year)]
        monthly.append({"label": ActivityKind(kind).label, "cells": cells, **tally(cells)})
    quarterly = []
    for kind in QUARTERLY_MEETINGS:
        cells = [period_cell(organization, held(kind, quarter), quarter, today) for quarter in quarters(year)]
        quarterly.append({"label": ActivityKind(kind).label, "cells": cells, **tally(cells)})
    return Panel(
        title=_("Three meetings and one lecture in %(year)s") % {"year": year},
        template="organizations/partyorganization_meetings.html",
        extra={
            "months": [MONTHS[month] for month in range(1, 13)],
            "quarters": [_("Quarter %(number)s") % {"number": quarter} for quarter in range(1, 5)],
            "monthly": monthly,
            "quarterly": quarterly,
        },
    )


def tally(cells: list[dict]) -> dict:
    """How many periods were held out of those already due (the figures engine's required and met)."""
    held = sum(1 for cell in cells if cell["required"] and cell["state"] == "held")
    due = sum(1 for cell in cells if cell["required"])
    return {"held": held, "due": due}


def activities_panel(organization, user, today: datetime.date) -> Panel:
    """Activities of the last twelve months, counted by month and kind in one aggregate query."""
    first = today.replace(day=1)
    months = []
    for _step in range(12):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    rows = (
        Activity.objects.for_user(user)
        .filter(organization=organization, held_on__gte=months[-1], held_on__lte=today)
        .annotate(month=TruncMonth("held_on"))
        .values("month", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[datetime.date, str], int] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[(month, row["kind"])] = row["n"]
    months.reverse()
    kinds = [kind for kind in ActivityKind if any(key[1] == kind for key in counts)]
    table = []
    for kind in kinds:
        cells = [counts.get((month, kind), 0) for month in months]
        table.append({"label": kind.label, "cells": cells, "total": sum(cells)})
    totals = [sum(row["cells"][index] for row in table) for index in range(len(months))]
    return Panel(
        title=_("Activities in the last twelve months"),
        template="organizations/partyorganization_activities.html",
        add_url=offered_add_url(user, optional_url("organizations:activity_add", organization=organization.pk)),
        empty=_("No activities recorded in the last twelve months."),
        extra={
            "months": [month.strftime("%Y-%m") for month in months],
            "table": table,
            "totals": totals,
            "total": sum(totals),
            "list_url": optional_url("organizations:activity_list", organization=organization.pk),
        },
    )


def term_panel(organization, today: datetime.date) -> Panel:
    """The term election: term length, last election, when the next one is due (by the figures' rule)."""
    return Panel(
        title=_("Term election"),
        template="organizations/partyorganization_term.html",
        extra={
            "term_years": organization.term_years,
            "due": organization.next_election_due,
            "state": election_state(organization, today),
            "notice_days": ELECTION_NOTICE_DAYS,
        },
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


# --- Service centres --------------------------------------------------------------


class ServiceCenterForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Basic information"), ["name", "kind", "park", "organization"]),
        (gettext_lazy("Place and opening"), ["address", "area_sqm", "opened_on", "closed_on"]),
        (gettext_lazy("Notes"), ["description"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = ServiceCenter
        fields = [
            "name",
            "kind",
            "park",
            "organization",
            "address",
            "area_sqm",
            "opened_on",
            "closed_on",
            "description",
        ]

    def clean(self):
        cleaned = super().clean()
        park, organization = cleaned.get("park"), cleaned.get("organization")
        if park is not None and organization is not None and organization.park_id != park.pk:
            self.add_error("organization", _("Choose an organization of the centre's park."))
        return cleaned


class ServiceCenterEntity(Entity):
    model = ServiceCenter
    columns = [
        Column("name", sort="name", link=True),
        Column("kind", sort="kind"),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("organization.name", label=gettext_lazy("Party organization"), sort="organization__name"),
        Column("address"),
        Column("area_sqm", sort="area_sqm", numeric=True),
        Column("opened_on", sort="opened_on"),
        Column("closed_on", sort="closed_on"),
    ]
    search_fields = ("name", "address")
    search_help = gettext_lazy("Name or address")
    filter_fields = ["park", "kind"]
    ordering = ("park__sort_order", "name")
    list_select_related = ("park", "organization")
    form_class = ServiceCenterForm

    @classmethod
    def related(cls, obj, user):
        activities = (
            Activity.objects.for_user(user).filter(place=obj).select_related("organization").order_by("-held_on")[:20]
        )
        return [
            panel(
                _("Latest activities held here"),
                activities,
                [
                    Column("held_on"),
                    Column("title"),
                    Column("kind"),
                    Column("organization.name", label=gettext_lazy("Party organization")),
                    Column("actual_attendance", numeric=True),
                ],
                user,
                model=Activity,
                link=optional_url("organizations:activity_list") is not None,
            )
        ]


# --- Instructors ------------------------------------------------------------------


class InstructorForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Basic information"), ["name", "park", "unit", "position", "phone"]),
        (gettext_lazy("Appointment"), ["appointed_on", "ended_on"]),
        (gettext_lazy("Notes"), ["notes"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Instructor
        fields = ["name", "park", "unit", "position", "phone", "appointed_on", "ended_on", "notes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)


class InstructorEntity(Entity):
    model = Instructor
    columns = [
        Column("name", sort="name", link=True),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("unit", sort="unit"),
        Column("position"),
        Column("phone"),
        Column(
            "enterprises_posted", label=gettext_lazy("Enterprises posted to"), sort="enterprises_posted", numeric=True
        ),
        Column("appointed_on", sort="appointed_on"),
        Column("ended_on", sort="ended_on"),
    ]
    search_fields = ("name", "unit")
    search_help = gettext_lazy("Name or work unit")
    filter_fields = ["park"]
    ordering = ("park__sort_order", "name")
    list_select_related = ("park",)
    form_class = InstructorForm

    @classmethod
    def queryset(cls, user):
        posted = Enterprise.objects.for_user(user).filter(instructor=OuterRef("pk"))
        return super().queryset(user).annotate(enterprises_posted=count_of(posted))

    @classmethod
    def related(cls, obj, user):
        enterprises = Enterprise.objects.for_user(user).filter(instructor=obj).select_related("organization")
        evaluations = InstructorEvaluation.objects.for_user(user).filter(instructor=obj).order_by("-year", "-quarter")
        return [
            panel(
                _("Enterprises posted to"),
                enterprises.order_by("name"),
                [
                    Column("name"),
                    Column("status"),
                    Column("coverage_mode"),
                    Column("organization.name", label=gettext_lazy("Party organization")),
                ],
                user,
                model=Enterprise,
            ),
            panel(
                _("Quarterly evaluations"),
                evaluations,
                [Column("year"), Column("quarter"), Column("score", numeric=True), Column("comment")],
                user,
                model=InstructorEvaluation,
                link=False,
            ),
        ]


# --- Funding ----------------------------------------------------------------------


class FundingForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Payment"), ["organization", "kind", "paid_on", "amount", "months"]),
        (gettext_lazy("Recipient"), ["recipient", "note"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Funding
        fields = ["organization", "kind", "paid_on", "amount", "months", "recipient", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # The recipient is one of the paid organization's members.
        organization_id = self.chosen_organization_id()
        if organization_id is not None:
            recipient = self.fields["recipient"]
            current = Q(ended_on__isnull=True) | Q(pk=self.instance.recipient_id)
            recipient.queryset = recipient.queryset.filter(current, organization_id=organization_id)

    def chosen_organization_id(self) -> int | None:
        if self.is_bound:
            value = self.data.get(self.add_prefix("organization"), "")
        elif self.instance.organization_id:
            value = self.instance.organization_id
        else:
            value = self.initial.get("organization", "")
        return parse_id(getattr(value, "pk", value))


class FundingEntity(Entity):
    model = Funding
    columns = [
        Column("paid_on", sort="paid_on", link=True),
        Column("organization.name", label=gettext_lazy("Party organization"), sort="organization__name"),
        Column("kind", sort="kind"),
        Column("amount", sort="amount", numeric=True),
        Column("months", sort="months", numeric=True),
        Column("recipient.name", label=gettext_lazy("recipient")),
        Column("note"),
    ]
    search_fields = ("organization__name", "recipient__name", "note")
    search_help = gettext_lazy("Organization, recipient or note")
    filter_fields = ["kind", "organization"]
    ordering = ("-paid_on", "-pk")
    list_select_related = ("organization", "recipient")
    form_class = FundingForm


ENTITIES = [PartyOrganizationEntity, ServiceCenterEntity, InstructorEntity, FundingEntity]
