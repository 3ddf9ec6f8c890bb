"""Enterprises: list, survey form grouped as the four "clears", coverage, deregistration."""

from django.utils.translation import gettext_lazy as _

from organizations.models import Enterprise, EnterpriseStatus
from organizations.services import enterprise_deregister
from parkparty.core import extensions
from parkparty.core.forms import ActionForm, WorkbenchModelForm, past_date_field
from parkparty.core.views.generic import Action, Column, Entity, panel


class EnterpriseForm(WorkbenchModelForm):
    fieldsets = [
        (_("Basic information"), ["uscc", "name", "park", "address", "surveyed_on"]),
        (_("Operation"), ["status", "industry", "ownership", "founded_on", "annual_output"]),
        (_("Workforce"), ["employees"]),
        (_("Party members"), ["surveyed_members"]),
        (_("Investor"), ["investor_name", "investor_is_member", "investor_is_secretary", "investor_phone"]),
        (_("Party coverage"), ["organization", "coverage_mode", "no_organization_reason", "instructor"]),
        (_("Notes"), ["notes"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "park",
            "address",
            "surveyed_on",
            "status",
            "industry",
            "ownership",
            "founded_on",
            "annual_output",
            "employees",
            "surveyed_members",
            "investor_name",
            "investor_is_member",
            "investor_is_secretary",
            "investor_phone",
            "organization",
            "coverage_mode",
            "no_organization_reason",
            "instructor",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.status == EnterpriseStatus.DEREGISTERED:
            # Deregistering is its own action; a deregistered enterprise keeps that status when edited.
            self.fields["status"].disabled = True
        else:
            self.fields["status"].choices = [
                c for c in self.fields["status"].choices if c[0] != EnterpriseStatus.DEREGISTERED
            ]


class DeregisterForm(ActionForm):
    on = past_date_field(_("deregistered on"))


class EnterpriseEntity(Entity):
    model = Enterprise
    columns = [
        Column("name", sort="name", link=True),
        Column("uscc", sort="uscc"),
        Column("park.name", label=_("park"), sort="park__name"),
        Column("status", sort="status", badge=True),
        Column("employees", sort="employees", numeric=True),
        Column("surveyed_members", sort="surveyed_members", numeric=True),
        Column("organization.name", label=_("Party organization"), sort="organization__name"),
        Column("coverage_mode", sort="coverage_mode"),
        Column("instructor.name", label=_("Party-building instructor")),
        Column("surveyed_on", sort="surveyed_on"),
    ]
    search_fields = ("name", "uscc", "investor_name")
    search_help = _("Name, credit code or investor")
    filter_fields = ["park", "status", "coverage_mode", "ownership", "organization", "instructor"]
    ordering = ("park__sort_order", "name")
    list_select_related = ("park", "organization", "instructor")
    form_class = EnterpriseForm
    actions = [
        Action(
            name="deregister",
            label=_("Deregister"),
            form_class=DeregisterForm,
            service=lambda obj, *, user, expected_version, on: enterprise_deregister(
                obj, on=on, user=user, expected_version=expected_version
            ),
            available=lambda obj: obj.status != EnterpriseStatus.DEREGISTERED,
            help_text=_("The enterprise stays on record as deregistered from this date."),
        )
    ]

    @classmethod
    def related(cls, obj, user):
        requests = obj.service_requests.for_user(user).order_by("-received_on")
        surveys = obj.surveys.order_by("-surveyed_on")
        return [
            *extensions.panels_for(obj, user),  # the members working here (members.extensions)
            panel(
                _("Service requests"),
                requests,
                [Column("title"), Column("category"), Column("received_on"), Column("status")],
                user,
                model=obj.service_requests.model,
            ),
            panel(
                _("Surveys"),
                surveys,
                [
                    Column("surveyed_on"),
                    Column("status"),
                    Column("employees", numeric=True),
                    Column("members", numeric=True),
                ],
                user,
                model=obj.surveys.model,
                link=False,
            ),
        ]


ENTITIES = [EnterpriseEntity]
