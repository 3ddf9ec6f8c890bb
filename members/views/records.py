"""Commendations, pioneer posts and Party dues."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import CharField, DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Cast, Concat, ExtractMonth, ExtractYear, Greatest, LPad
from django.utils.translation import gettext_lazy as _

from members.models import Commendation, CommendationKind, DuesPayment, PioneerPost, PostKind
from organizations.models import PartyOrganization
from parkparty.core.filters import WorkbenchFilterSet, YearFilter
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.views.generic import Column, Entity

from .members import member_choices

# --- commendations -------------------------------------------------------------------


class CommendationForm(WorkbenchModelForm):
    fieldsets = [
        (_("Commendation"), ["kind", "year", "organization", "member"]),
        (_("Award"), ["conferred_by", "awarded_on", "bonus"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Commendation
        fields = ["kind", "year", "organization", "member", "conferred_by", "awarded_on", "bonus"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member_choices(self)
        self.fields["member"].help_text = _("Only for an outstanding member or an excellent secretary.")


class CommendationFilter(WorkbenchFilterSet):
    year = YearFilter(label=_("year"))
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=CommendationKind.choices)
    organization = django_filters.ModelChoiceFilter(
        label=_("Party organization"), queryset=PartyOrganization.objects.all()
    )

    class Meta:
        model = Commendation
        fields = ["year", "kind", "organization"]


class CommendationEntity(Entity):
    model = Commendation
    columns = [
        Column("year", sort="year", numeric=True),
        Column("kind", sort="kind", link=True),
        Column("organization.name", label=_("Party organization"), sort="organization__name"),
        Column("member.name", label=_("Party member"), sort="member__name"),
        Column("conferred_by", sort="conferred_by"),
        Column("awarded_on", sort="awarded_on"),
        Column("bonus", sort="bonus", numeric=True),
    ]
    search_fields = ("member__name", "organization__name", "conferred_by")
    search_help = _("Member, organization or conferring body")
    ordering = ("-year", "kind", "organization__name")
    list_select_related = ("organization", "member")
    form_class = CommendationForm

    @classmethod
    def filterset_class(cls):
        return CommendationFilter


# --- pioneer posts -----------------------------------------------------------------------


class PioneerPostForm(WorkbenchModelForm):
    class Meta(WorkbenchModelForm.Meta):
        model = PioneerPost
        fields = ["member", "kind", "title", "started_on", "ended_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member_choices(self)


class PioneerPostFilter(WorkbenchFilterSet):
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=PostKind.choices)
    organization = django_filters.ModelChoiceFilter(
        label=_("Party organization"), field_name="member__organization", queryset=PartyOrganization.objects.all()
    )
    year = YearFilter(label=_("held in year"), method="filter_year")

    class Meta:
        model = PioneerPost
        fields = ["kind", "organization", "year"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(Q(ended_on__isnull=True) | Q(ended_on__year__gte=value), started_on__year__lte=value)


class PioneerPostEntity(Entity):
    model = PioneerPost
    columns = [
        Column("title", sort="title", link=True),
        Column("kind", sort="kind"),
        Column("member.name", label=_("Party member"), sort="member__name"),
        Column("member.organization.name", label=_("Party organization"), sort="member__organization__name"),
        Column("started_on", sort="started_on"),
        Column("ended_on", sort="ended_on"),
    ]
    search_fields = ("title", "member__name")
    search_help = _("Post or member")
    ordering = ("-started_on",)
    list_select_related = ("member__organization",)
    form_class = PioneerPostForm

    @classmethod
    def filterset_class(cls):
        return PioneerPostFilter


# --- dues ---------------------------------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"


class DuesPaymentForm(WorkbenchModelForm):
    month = forms.DateField(
        label=DuesPayment._meta.get_field("month").verbose_name,
        widget=MonthInput(format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )

    class Meta(WorkbenchModelForm.Meta):
        model = DuesPayment
        fields = ["member", "month", "amount_due", "amount_paid", "paid_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        member_choices(self)

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month


class DuesPaymentFilter(WorkbenchFilterSet):
    year = YearFilter(label=_("year"), field_name="month", lookup_expr="year")
    month = django_filters.ChoiceFilter(
        label=_("month"), field_name="month", lookup_expr="month", choices=[(m, str(m)) for m in range(1, 13)]
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Party organization"), field_name="member__organization", queryset=PartyOrganization.objects.all()
    )
    arrears = django_filters.BooleanFilter(label=_("in arrears"), method="filter_arrears")

    class Meta:
        model = DuesPayment
        fields = ["year", "month", "organization", "arrears"]

    def filter_arrears(self, queryset, name, value):
        owing = Q(amount_paid__lt=F("amount_due"))
        return queryset.filter(owing) if value else queryset.exclude(owing)


class DuesPaymentEntity(Entity):
    model = DuesPayment
    columns = [
        Column("member.name", label=_("Party member"), sort="member__name", link=True),
        Column("member.organization.name", label=_("Party organization"), sort="member__organization__name"),
        Column("month_label", label=_("month"), sort="month"),
        Column("amount_due", sort="amount_due", numeric=True),
        Column("amount_paid", sort="amount_paid", numeric=True),
        Column("arrears", label=_("arrears (yuan)"), sort="arrears_amount", numeric=True),
        Column("paid_on", sort="paid_on"),
    ]
    search_fields = ("member__name",)
    search_help = _("Member name")
    ordering = ("-month", "member__organization__name", "member__name")
    list_select_related = ("member__organization",)
    form_class = DuesPaymentForm

    @classmethod
    def queryset(cls, user):
        money = DecimalField(max_digits=10, decimal_places=2)
        arrears = Greatest(
            ExpressionWrapper(F("amount_due") - F("amount_paid"), output_field=money),
            Value(Decimal("0.00")),
            output_field=money,
        )
        month_label = Concat(
            Cast(ExtractYear("month"), CharField()),
            Value("-"),
            LPad(Cast(ExtractMonth("month"), CharField()), 2, Value("0")),
            output_field=CharField(),
        )
        return super().queryset(user).annotate(arrears_amount=arrears, month_label=month_label)

    @classmethod
    def filterset_class(cls):
        return DuesPaymentFilter


ENTITIES = [DuesPaymentEntity, CommendationEntity, PioneerPostEntity]
