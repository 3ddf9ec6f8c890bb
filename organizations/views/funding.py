"""Funding paid to Party organizations: list and form (the recipient is one of the organization's members)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy

from organizations.models import Funding
from parkparty.core.filters import parse_id
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.views.generic import Column, Entity


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


ENTITIES = [FundingEntity]
