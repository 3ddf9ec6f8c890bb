"""The development pipeline (applicants with dated stages) and the yearly development quotas."""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models, transaction
from django.db.models import Case, CharField, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members import rules
from members.models import (
    STAGE_DATES,
    Applicant,
    DevelopmentQuota,
    EventKind,
    Member,
    MembershipEvent,
    Stage,
)
from members.services import applicant_admit, applicant_withdraw
from organizations.models import Park, PartyOrganization
from parkparty.core.filters import WorkbenchFilterSet, YearFilter
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.views.generic import Action, Column, Entity, Panel, panel

from .members import (
    ActionForm,
    date_field,
    people_search_hint,
    people_search_notice,
    search_people,
    with_field_errors,
)

# --- the pipeline -----------------------------------------------------------------

#: Stages in pipeline order; the position is the stage's rank (for sorting and filtering in the database).
STAGE_ORDER = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY, Stage.FULL, Stage.WITHDRAWN)
RANK = {stage: rank for rank, stage in enumerate(STAGE_ORDER)}
#: The date that puts a person at each stage, latest first (as ``Applicant.stage`` reads them).
STAGE_FIELDS = (
    (Stage.WITHDRAWN, "withdrawn_on"),
    (Stage.FULL, "full_on"),
    (Stage.PROBATIONARY, "admitted_on"),
    (Stage.CANDIDATE, "candidate_on"),
    (Stage.ACTIVIST, "activist_on"),
)


def stage_rank() -> Case:
    """The current stage's rank, computed from the dates like ``Applicant.stage``."""
    whens = [When(**{f"{field}__isnull": False}, then=Value(RANK[stage])) for stage, field in STAGE_FIELDS]
    return Case(*whens, default=Value(RANK[Stage.APPLICANT]), output_field=IntegerField())


def stage_label() -> Case:
    """The current stage's name in the active language (evaluated per request)."""
    whens = [When(**{f"{field}__isnull": False}, then=Value(str(stage.label))) for stage, field in STAGE_FIELDS]
    return Case(*whens, default=Value(str(Stage.APPLICANT.label)), output_field=CharField())


class ApplicantForm(WorkbenchModelForm):
    fieldsets = [
        (_("Identity"), ["name", "id_number", "gender", "phone"]),
        (_("Party organization"), ["organization", "enterprise"]),
        (
            _("Development stages"),
            ["applied_on", "activist_on", "candidate_on", "dossier_submitted_on", "admitted_on", "full_on"],
        ),
        (_("Notes"), ["notes"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Applicant
        fields = [
            "name",
            "id_number",
            "gender",
            "phone",
            "organization",
            "enterprise",
            "applied_on",
            "activist_on",
            "candidate_on",
            "dossier_submitted_on",
            "admitted_on",
            "full_on",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].help_text = _("Left blank, it is taken from the ID number.")
        # Admission creates the member record and confirmation happens on it: both are actions, not edits.
        self.fields["admitted_on"].disabled = True
        self.fields["admitted_on"].help_text = _("Set by “Admit as probationary member”.")
        self.fields["full_on"].disabled = True
        self.fields["full_on"].help_text = _("Set when the member's full membership is confirmed.")


class ApplicantFilter(WorkbenchFilterSet):
    DUE_ANY, DUE_ACTIVISTS, DUE_PROBATIONARY = "any", "activists", "probationary"

    stage = django_filters.ChoiceFilter(label=_("stage"), choices=Stage.choices, method="filter_stage")
    organization = django_filters.ModelChoiceFilter(
        label=_("Party organization"), queryset=PartyOrganization.objects.all()
    )
    park = django_filters.ModelChoiceFilter(
        label=_("park"), field_name="organization__park", queryset=Park.objects.all()
    )
    year = YearFilter(label=_("year applied"), field_name="applied_on", lookup_expr="year")
    next_stage_due = django_filters.ChoiceFilter(
        label=_("next stage due"),
        choices=[
            (DUE_ANY, _("Any one-year period completed")),
            (DUE_ACTIVISTS, _("Activists trained for a year or more")),
            (DUE_PROBATIONARY, _("Probation of a year or more")),
        ],
        method="filter_next_stage_due",
    )

    class Meta:
        model = Applicant
        fields = ["stage", "park", "organization", "year", "next_stage_due"]

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage_rank=RANK[value])

    def filter_next_stage_due(self, queryset, name, value):
        today = timezone.localdate()
        activists = Q(activist_on__lte=rules.trained_by_for_candidacy(today), candidate_on__isnull=True)
        probationary = Q(admitted_on__lte=rules.admitted_by_for_probation_due(today), full_on__isnull=True)
        choices = {self.DUE_ACTIVISTS: activists, self.DUE_PROBATIONARY: probationary}
        wanted = choices.get(value, activists | probationary)
        return queryset.filter(wanted, withdrawn_on__isnull=True)


class AdmitForm(ActionForm):
    on = date_field(_("admitted as probationary member on"))
    ethnicity = forms.CharField(label=_("ethnicity"), max_length=20, initial="汉族")


class WithdrawForm(ActionForm):
    on = date_field(_("left the pipeline on"))
    reason = forms.CharField(label=_("reason for leaving"), max_length=200)


@transaction.atomic
def _may_admit(applicant: Applicant) -> bool:
    return bool(applicant.candidate_on) and not applicant.member_id and not applicant.withdrawn_on


def _may_withdraw(applicant: Applicant) -> bool:
    return not applicant.member_id and not applicant.withdrawn_on


class ApplicantEntity(Entity):
    model = Applicant
    columns = [
        Column("name", sort="name", link=True),
        Column("organization.name", label=_("Party organization"), sort="organization__name"),
        Column("enterprise.name", label=_("workplace"), sort="enterprise__name"),
        Column("stage_label", label=_("stage"), sort="stage_rank", badge=True),
        Column("stage_since", label=_("stage reached on"), sort="stage_since"),
        Column("applied_on", sort="applied_on"),
        Column("next_stage_due", label=_("next stage from")),
        Column("id_number"),
        Column("phone"),
    ]
    ordering = ("stage_rank", "applied_on")
    list_select_related = ("organization", "enterprise")
    form_class = ApplicantForm
    detail_fields = [
        *ApplicantForm.fieldsets[:3],
        (_("Leaving the pipeline"), ["withdrawn_on", "withdrawn_reason"]),
        *ApplicantForm.fieldsets[3:],
    ]
    actions = [
        Action(
            name="admit",
            label=_("Admit as probationary member"),
            form_class=AdmitForm,
            service=with_field_errors(applicant_admit, {"admitted_on": "on", "joined_on": "on"}),
            available=_may_admit,
            button_class="btn-outline-primary",
            help_text=_("Creates the member record (probationary) and links it to this application."),
        ),
        Action(
            name="withdraw",
            label=_("Leave the pipeline"),
            form_class=WithdrawForm,
            service=with_field_errors(applicant_withdraw, {"withdrawn_on": "on", "withdrawn_reason": "reason"}),
            available=_may_withdraw,
            help_text=_("The record is kept with the date and reason."),
        ),
    ]

    @classmethod
    def queryset(cls, user):
        since = Coalesce(*(field for _stage, field in STAGE_FIELDS), "applied_on")
        return super().queryset(user).annotate(stage_rank=stage_rank(), stage_label=stage_label(), stage_since=since)

    @classmethod
    def filterset_class(cls):
        return ApplicantFilter

    @classmethod
    def search(cls, queryset, text: str, user):
        return search_people(queryset, text, user=user)

    @classmethod
    def search_hint(cls, user) -> str:
        return people_search_hint(user)

    @classmethod
    def search_notice(cls, user, text: str) -> str:
        return people_search_notice(user, text)

    @classmethod
    def related(cls, obj, user):
        member = Member.objects.for_user(user).filter(pk=obj.member_id).select_related("organization").first()
        panels = [stage_timeline(obj)]
        if obj.member_id:
            panels.append(
                panel(
                    _("Member record"),
                    [member] if member else [],
                    [
                        Column("name"),
                        Column("organization.name", label=_("Party organization")),
                        Column("category"),
                        Column("joined_on"),
                        Column("ended_on"),
                    ],
                    user,
                    model=Member,
                    empty=_("The member record is outside the organizations you work on."),
                )
            )
        return panels


def stage_timeline(applicant: Applicant) -> Panel:
    """The dated stages in order, the current one marked, and when the next may come."""
    current = applicant.stage
    field_stage = {field: stage for stage, field in STAGE_FIELDS}
    steps = []
    for field, label in (*STAGE_DATES, ("withdrawn_on", Stage.WITHDRAWN.label)):
        value = getattr(applicant, field)
        if field == "withdrawn_on" and value is None:
            continue
        stage = field_stage.get(field, Stage.APPLICANT if field == "applied_on" else None)
        steps.append({"label": capfirst(label), "date": value, "current": stage == current and value is not None})
    return Panel(
        title=_("Stages"),
        template="members/stage_timeline.html",
        extra={"steps": steps, "current": Stage(current).label, "next_due": applicant.next_stage_due()},
    )


# --- quotas -------------------------------------------------------------------------


def _year_bound(month_day: str):
    """The date ``<year>-<month_day>`` of the outer quota's year, for an index-friendly range."""
    return Cast(Concat(Cast(OuterRef("year"), CharField()), Value(month_day)), models.DateField())


def admitted_count() -> Coalesce:
    """Members admitted as probationary in the quota's year by organizations of its park or sub-parks."""
    park = OuterRef("park")
    tree = Q(organization__park=park) | Q(organization__park__parent=park) | Q(organization__park__parent__parent=park)
    events = MembershipEvent.objects.filter(
        tree, kind=EventKind.ADMITTED, date__gte=_year_bound("-01-01"), date__lte=_year_bound("-12-31")
    )
    counted = events.order_by().values("kind").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class DevelopmentQuotaForm(WorkbenchModelForm):
    class Meta(WorkbenchModelForm.Meta):
        model = DevelopmentQuota
        fields = ["park", "year", "quota"]


class DevelopmentQuotaFilter(WorkbenchFilterSet):
    park = django_filters.ModelChoiceFilter(label=_("park"), queryset=Park.objects.all())
    year = YearFilter(label=_("year"))

    class Meta:
        model = DevelopmentQuota
        fields = ["park", "year"]


class DevelopmentQuotaEntity(Entity):
    model = DevelopmentQuota
    columns = [
        Column("park.name", label=_("park"), sort="park__name", link=True),
        Column("year", sort="year", numeric=True),
        Column("quota", sort="quota", numeric=True),
        Column("admitted", label=_("admitted so far"), sort="admitted", numeric=True),
    ]
    search_fields = ("park__name", "park__code")
    search_help = _("Park name or code")
    ordering = ("-year", "park__sort_order", "park__code")
    list_select_related = ("park",)
    form_class = DevelopmentQuotaForm

    @classmethod
    def queryset(cls, user):
        return super().queryset(user).annotate(admitted=admitted_count())

    @classmethod
    def filterset_class(cls):
        return DevelopmentQuotaFilter

    @classmethod
    def related(cls, obj, user):
        parks = obj.park.descendant_ids()
        admitted = (
            Member.objects.for_user(user)
            .filter(events__kind=EventKind.ADMITTED, events__date__year=obj.year, events__organization__park__in=parks)
            .select_related("organization")
            .distinct()
            .order_by("joined_on", "name")
        )
        return [
            panel(
                _("Members admitted that year"),
                admitted,
                [
                    Column("name"),
                    Column("organization.name", label=_("Party organization")),
                    Column("joined_on"),
                    Column("category"),
                ],
                user,
                model=Member,
                empty=_("No member admitted yet in this park and its sub-parks that year."),
            )
        ]


ENTITIES = [ApplicantEntity, DevelopmentQuotaEntity]
