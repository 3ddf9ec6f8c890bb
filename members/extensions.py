"""What the members app adds to the pages of the apps below it (see :mod:`parkparty.core.extensions`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Member
from organizations.views.shared import optional_url
from parkparty.core.extensions import add_panels, register_import_kind
from parkparty.core.views.generic import Column, panel

register_import_kind("members", "members.imports.MEMBER_SPEC")


def enterprise_members_panel(enterprise, user) -> list:
    """The Party members working at an enterprise."""
    members = Member.objects.for_user(user).filter(enterprise=enterprise).select_related("organization")
    return [
        panel(
            _("Party members working here"),
            members,
            [Column("name"), Column("organization.name", label=_("Party organization")), Column("category")],
            user,
            model=Member,
        )
    ]


def organization_members_panel(organization, user) -> list:
    """The current members of a Party organization."""
    members = (
        Member.objects.for_user(user).current().filter(organization=organization).select_related("enterprise")
    ).order_by("name")
    return [
        panel(
            _("Current members"),
            members,
            [
                Column("name"),
                Column("category"),
                Column("enterprise.name", label=gettext_lazy("workplace")),
                Column("joined_on"),
                Column("status"),
            ],
            user,
            model=Member,
            add_url=optional_url("members:member_add", organization=organization.pk),
            link=optional_url("members:member_list") is not None,
        )
    ]


add_panels("organizations.enterprise", enterprise_members_panel)
add_panels("organizations.partyorganization", organization_members_panel)
