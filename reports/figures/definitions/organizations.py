"""Party organizations: by kind, being formed, founded, demonstration points, centres, elections due
(FIGURES.md, "Organizations").
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organizations import rules
from organizations.models import FormationMode, OrganizationKind

from .. import base
from ..core import COUNT, ENTERPRISES, ORGANIZATIONS, figure
from .common import ENTERPRISE, G_ORGANIZATIONS, ORGANIZATION, counted


@figure("orgs_total", _("Grassroots Party organizations"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_total(fs):
    orgs = base.organizations(fs)
    return len(orgs), orgs.keys()


def _orgs_of_kind(*kinds):
    def compute(fs):
        chosen = [pk for pk, org in base.organizations(fs).items() if org.kind in kinds]
        return len(chosen), chosen

    return compute


figure("orgs_committees", _("Party committees"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.COMMITTEE)
)
figure("orgs_general_branches", _("General Party branches"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.GENERAL_BRANCH)
)
figure("orgs_branches", _("Party branches (joint branches included)"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.BRANCH, OrganizationKind.JOINT_BRANCH)
)
figure("orgs_joint_branches", _("Joint Party branches"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)(
    _orgs_of_kind(OrganizationKind.JOINT_BRANCH)
)


@figure("orgs_forming", _("Organizations being formed"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_forming(fs):
    forming = base.forming_organizations(fs)
    return len(forming), forming.keys()


@figure(
    "orgs_forming_enterprises",
    _("Enterprises whose organization is being formed"),
    ENTERPRISES,
    G_ORGANIZATIONS,
    ENTERPRISE,
)
def orgs_forming_enterprises(fs):
    forming = base.forming_organizations(fs)
    rows = [e for e in base.enterprises(fs) if e.organization_id in forming]
    return counted(rows)


@figure("orgs_forming_joint", _("Joint organizations being formed"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_forming_joint(fs):
    chosen = [pk for pk, org in base.forming_organizations(fs).items() if org.formation_mode == FormationMode.JOINT]
    return len(chosen), chosen


@figure("orgs_founded", _("Organizations founded this year"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def orgs_founded(fs):
    chosen = [pk for pk, org in base.organizations(fs).items() if fs.in_year(org.founded_on)]
    return len(chosen), chosen


@figure("demonstration_points", _("Party-building demonstration points"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def demonstration_points(fs):
    chosen = [pk for pk, org in base.organizations(fs).items() if org.is_demonstration_point]
    return len(chosen), chosen


@figure("service_centers", _("Party and public service centres"), COUNT, G_ORGANIZATIONS, "organizations.ServiceCenter")
def service_centers(fs):
    chosen = [pk for pk, _park in base.service_centers(fs)]
    return len(chosen), chosen


def elections_due_orgs(fs) -> list:
    return [org for org in base.organizations(fs).values() if rules.election_due_by(org, fs.as_of)]


@figure("elections_due", _("Organizations due for a term election"), ORGANIZATIONS, G_ORGANIZATIONS, ORGANIZATION)
def elections_due(fs):
    rows = elections_due_orgs(fs)
    return counted(rows)
