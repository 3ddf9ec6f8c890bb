"""Enterprise service requests (企业诉求): list with overdue marking, intake form, handling workflow."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import BooleanField, Case, Q, Value, When
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import (
    FINISHED_STATUSES,
    Park,
    RequestCategory,
    RequestChannel,
    RequestStatus,
    Satisfaction,
    ServiceRequest,
)
from organizations.request_services import service_request_close, service_request_reject, service_request_start
from parkparty.core.filters import WorkbenchFilterSet
from parkparty.core.forms import ActionForm, WorkbenchModelForm, workbench_formfield
from parkparty.core.permissions import is_organization_user
from parkparty.core.views.generic import Action, Column, Entity
from parkparty.core.views.generic.objects import ObjectActionView

from .activities import year_choices

OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)


def overdue_expression():
    """True for a request still open after its due date (today in the site's time zone)."""
    return Case(
        When(Q(due_on__lt=timezone.localdate()) & ~Q(status__in=FINISHED_STATUSES), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# --- an action view whose form knows the record and the user --------------------


class InstanceActionView(ObjectActionView):
    """A workflow step the request's status does not allow is explained on the page and refused by the service,
    rather than answered 404 (someone else may have just closed the request)."""

    def check_available(self, obj, action) -> None:
        return None


def model_formfield(name: str, **kwargs):
    return workbench_formfield(ServiceRequest._meta.get_field(name), **kwargs)


# --- workflow forms ------------------------------------------------------------


class StartHandlingForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"] = model_formfield("handler", required=True)
        self.fields["handler_unit"] = model_formfield("handler_unit")
        self.fields["due_on"] = model_formfield("due_on")
        if not self.is_bound:
            for name in ("handler", "handler_unit", "due_on"):
                self.initial[name] = getattr(self.instance, name)


class CloseForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"] = model_formfield("closed_on", required=True)
        self.fields["outcome"] = model_formfield("outcome", required=True)
        self.fields["quantity"] = model_formfield("quantity")
        self.fields["people_served"] = model_formfield("people_served")
        self.fields["satisfaction"] = forms.TypedChoiceField(
            label=ServiceRequest._meta.get_field("satisfaction").verbose_name,
            choices=[("", "---------"), *Satisfaction.choices],
            coerce=int,
            empty_value=None,
            required=False,
        )
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())


class RejectForm(ActionForm):
    reason = forms.CharField(label=gettext_lazy("reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"] = model_formfield("closed_on", required=True)
        self.fields["closed_on"].label = gettext_lazy("rejected on")
        self.order_fields(["version", "closed_on", "reason"])
        if not self.is_bound:
            self.initial.setdefault("closed_on", timezone.localdate())


# --- intake form ---------------------------------------------------------------


class ServiceRequestForm(WorkbenchModelForm):
    """The request as received; its status changes only through the workflow actions."""

    fieldsets = [
        (
            gettext_lazy("Request"),
            ["enterprise", "park", "category", "channel", "title", "description", "received_on"],
        ),
        (gettext_lazy("Handling"), ["handler", "handler_unit", "due_on"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = ServiceRequest
        fields = [
            "enterprise",
            "park",
            "category",
            "channel",
            "title",
            "description",
            "received_on",
            "handler",
            "handler_unit",
            "due_on",
        ]
        help_texts = {
            "park": gettext_lazy("Taken from the enterprise; choose it only for a request without an enterprise."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].required = False
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.select_related("park")
        if is_organization_user(self.user):
            # Secretaries see requests through their organization's enterprises; the park follows.
            self.fields["enterprise"].required = True
            del self.fields["park"]
        if not self.is_bound and self.instance.pk is None:
            self.initial["received_on"] = self.initial.get("received_on") or timezone.localdate()

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise")
        if enterprise is not None:
            data["park"] = enterprise.park
            self.instance.park = enterprise.park
        elif "park" in self.fields and not data.get("park") and "park" not in self.errors:
            self.add_error("park", _("Choose the enterprise, or the park for a request without one."))
        received = data.get("received_on")
        closed = self.instance.closed_on
        if received and closed and received > closed:
            self.add_error(
                "received_on",
                _("The request was closed on %(date)s; it cannot be received later.")
                % {"date": closed.strftime("%Y-%m-%d")},
            )
        return data


# --- list filters ----------------------------------------------------------------


class ServiceRequestFilterSet(WorkbenchFilterSet):
    status = django_filters.ChoiceFilter(label=gettext_lazy("status"), choices=RequestStatus.choices)
    category = django_filters.ChoiceFilter(label=gettext_lazy("category"), choices=RequestCategory.choices)
    park = django_filters.ModelChoiceFilter(label=gettext_lazy("park"), queryset=Park.objects.all())
    channel = django_filters.ChoiceFilter(label=gettext_lazy("channel"), choices=RequestChannel.choices)
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("year received"),
        field_name="received_on",
        lookup_expr="year",
        choices=year_choices,
    )
    overdue = django_filters.ChoiceFilter(
        label=gettext_lazy("overdue"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        method="filter_overdue",
    )

    class Meta:
        model = ServiceRequest
        fields = ["status", "category", "park", "channel", "year", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(overdue=True)
        if value == "no":
            return queryset.filter(overdue=False)
        return queryset


# --- entity --------------------------------------------------------------------


class ServiceRequestEntity(Entity):
    model = ServiceRequest
    columns = [
        Column("received_on", sort="received_on"),
        Column("title", sort="title", link=True),
        Column("enterprise.name", label=gettext_lazy("enterprise"), sort="enterprise__name"),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("category", sort="category"),
        Column("channel", sort="channel"),
        Column("status", sort="status", badge=True),
        Column("due_on", sort="due_on"),
        Column("overdue", label=gettext_lazy("overdue"), sort="overdue", badge=True),
        Column("handler", sort="handler"),
        Column("closed_on", sort="closed_on"),
    ]
    search_fields = ("title", "enterprise__name")
    search_help = gettext_lazy("Subject or enterprise name")
    ordering = ("-received_on", "-pk")
    list_select_related = ("park", "enterprise")
    form_class = ServiceRequestForm
    detail_fields = [
        (
            gettext_lazy("Request"),
            ["enterprise", "park", "category", "channel", "title", "description", "received_on"],
        ),
        (gettext_lazy("Handling"), ["status", "handler", "handler_unit", "due_on"]),
        (
            gettext_lazy("Outcome"),
            ["closed_on", "outcome", "quantity", "people_served", "satisfaction"],
        ),
    ]
    deletable = True
    actions = [
        Action(
            name="start",
            label=gettext_lazy("Start handling"),
            form_class=StartHandlingForm,
            service=service_request_start,
            available=lambda obj: obj.status == RequestStatus.RECEIVED,
            button_class="btn-outline-primary",
            help_text=gettext_lazy("Name who handles the request; its status becomes “in progress”."),
        ),
        Action(
            name="close",
            label=gettext_lazy("Close the request"),
            form_class=CloseForm,
            service=service_request_close,
            available=lambda obj: obj.status in OPEN_STATUSES,
            button_class="btn-outline-success",
            help_text=gettext_lazy("Record how the request was resolved and what the enterprise received."),
        ),
        Action(
            name="reject",
            label=gettext_lazy("Reject"),
            form_class=RejectForm,
            service=service_request_reject,
            available=lambda obj: obj.status in OPEN_STATUSES,
            help_text=gettext_lazy("The request is not handled further; the reason is kept as its outcome."),
        ),
    ]

    @classmethod
    def urls(cls):
        names = {f"{cls.slug()}_{action.name}" for action in cls.actions}
        patterns = [pattern for pattern in super().urls() if pattern.name not in names]
        for action in cls.actions:
            patterns.append(
                path(
                    f"{cls.slug()}/<int:pk>/{action.name}/",
                    InstanceActionView.as_view(entity=cls, action_name=action.name),
                    name=f"{cls.slug()}_{action.name}",
                )
            )
        return patterns

    @classmethod
    def queryset(cls, user):
        return super().queryset(user).annotate(overdue=overdue_expression())

    @classmethod
    def filterset_class(cls):
        return ServiceRequestFilterSet


ENTITIES = [ServiceRequestEntity]
