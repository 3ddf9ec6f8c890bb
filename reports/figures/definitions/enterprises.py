"""Enterprises (两新组织): totals by status, surveys and the two coverages (FIGURES.md, "Enterprises")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from organizations import rules
from organizations.models import EnterpriseStatus

from .. import base
from ..core import ENTERPRISES, RATE, figure, rate
from .common import ENTERPRISE, G_ENTERPRISES, counted, pks


def _enterprise_coverage(fs) -> dict[str, list]:
    """Existing enterprises split by how they are covered on the as-of date."""
    founded = base.organizations(fs)
    split = {part: [] for part in rules.COVERAGE_PARTS}
    for enterprise in base.enterprises(fs):
        split[rules.coverage_part(enterprise, founded)].append(enterprise)
    return split


coverage = base.memoized(_enterprise_coverage)


def with_org(fs) -> list:
    split = coverage(fs)
    return [enterprise for part in rules.ORGANIZATION_COVERAGE for enterprise in split[part]]


@figure("enterprises_total", _("Enterprises in total"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_total(fs):
    rows = base.enterprises(fs)
    return counted(rows)


def _by_status(status):
    def compute(fs):
        rows = [e for e in base.enterprises(fs) if e.status == status]
        return counted(rows)

    return compute


figure("enterprises_operating", _("Enterprises in operation"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.OPERATING)
)
figure("enterprises_under_construction", _("Enterprises under construction"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.UNDER_CONSTRUCTION)
)
figure("enterprises_suspended", _("Enterprises with production suspended"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _by_status(EnterpriseStatus.SUSPENDED)
)


@figure("enterprises_surveyed", _("Enterprises surveyed"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_surveyed(fs):
    surveyed = base.surveyed_enterprise_ids(fs)
    return len(surveyed), surveyed


@figure("enterprises_with_org", _("Enterprises with a Party organization"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)
def enterprises_with_org(fs):
    rows = with_org(fs)
    return counted(rows)


def _coverage_part(part):
    def compute(fs):
        rows = coverage(fs)[part]
        return counted(rows)

    return compute


for _part, _label in (
    ("own", _("Enterprises with their own organization")),
    ("joint", _("Enterprises in a joint organization")),
    ("affiliated", _("Enterprises affiliated to an organization")),
):
    figure(f"enterprises_with_org_{_part}", _label, ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(_coverage_part(_part))

figure(
    "enterprises_instructor_only",
    _("Enterprises with an instructor posted"),
    ENTERPRISES,
    G_ENTERPRISES,
    ENTERPRISE,
)(_coverage_part("instructor_only"))
figure("enterprises_uncovered", _("Enterprises not covered"), ENTERPRISES, G_ENTERPRISES, ENTERPRISE)(
    _coverage_part("uncovered")
)


@figure("org_coverage_rate", _("Organization coverage rate"), RATE, G_ENTERPRISES, ENTERPRISE)
def org_coverage_rate(fs):
    rows = with_org(fs)
    return rate(len(rows), len(base.enterprises(fs))), pks(rows)


@figure("work_coverage_rate", _("Work coverage rate"), RATE, G_ENTERPRISES, ENTERPRISE)
def work_coverage_rate(fs):
    rows = with_org(fs) + coverage(fs)["instructor_only"]
    return rate(len(rows), len(base.enterprises(fs))), pks(rows)
