"""Service centres (党群服务中心): list, form, and the activities held there."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Activity, ServiceCenter
from organizations.views.shared import optional_url
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.views.generic import Column, Entity, panel


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


ENTITIES = [ServiceCenterEntity]
