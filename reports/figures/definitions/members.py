"""Members and development: the roll, admissions against the quota, the pipeline, posts and commendations
(FIGURES.md, "Members and development").
"""

from __future__ import annotations

import datetime
import math
from collections import Counter

from django.utils.translation import gettext_lazy as _

from members.models import Applicant, CommendationKind, MemberCategory, MemberStatus
from members.models.development import Stage

from .. import base
from ..core import ITEMS, ORGANIZATIONS, PEOPLE, POSTS, YEARS, figure
from .common import APPLICANT, G_MEMBERS, MEMBER, counted, pks


@figure("members_total", _("Party members in total"), PEOPLE, G_MEMBERS, MEMBER)
def members_total(fs):
    rows = base.members(fs)
    return counted(rows)


@figure("members_full", _("Full members"), PEOPLE, G_MEMBERS, MEMBER)
def members_full(fs):
    rows = [m for m in base.members(fs) if m.category == MemberCategory.FULL]
    return counted(rows)


@figure("members_probationary", _("Probationary members"), PEOPLE, G_MEMBERS, MEMBER)
def members_probationary(fs):
    rows = [m for m in base.members(fs) if m.category == MemberCategory.PROBATIONARY]
    return counted(rows)


@figure("members_mobile", _("Mobile members"), PEOPLE, G_MEMBERS, MEMBER)
def members_mobile(fs):
    rows = [m for m in base.members(fs) if m.status == MemberStatus.MOBILE]
    return counted(rows)


def admitted_in(fs, year: int) -> list[Applicant]:
    last = min(datetime.date(year, 12, 31), fs.as_of)
    return [a for a in base.applicants(fs) if a.admitted_on and datetime.date(year, 1, 1) <= a.admitted_on <= last]


@figure("members_admitted", _("Members admitted this year"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted(fs):
    rows = admitted_in(fs, fs.year)
    return counted(rows)


@figure("members_admitted_y1", _("Members admitted the year before"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted_y1(fs):
    rows = admitted_in(fs, fs.year - 1)
    return counted(rows)


@figure("members_admitted_y2", _("Members admitted two years before"), PEOPLE, G_MEMBERS, APPLICANT)
def members_admitted_y2(fs):
    rows = admitted_in(fs, fs.year - 2)
    return counted(rows)


@base.memoized
def quotas(fs) -> dict[int, int]:
    """The scope's development quota by year (the parks' quotas added up)."""
    totals: Counter = Counter()
    for row in base.development_quotas(fs):
        totals[row.year] += row.quota
    return dict(totals)


@figure("development_quota", _("Development quota"), PEOPLE, G_MEMBERS, "members.DevelopmentQuota")
def development_quota(fs):
    chosen = [row.pk for row in base.development_quotas(fs) if row.year == fs.year]
    return quotas(fs).get(fs.year), chosen


def missed_years(fs) -> list[int]:
    """The consecutive years ending at the figure year in which fewer were admitted than the quota."""
    plan = quotas(fs)
    admitted = Counter(a.admitted_on.year for a in base.applicants(fs) if a.admitted_on and a.admitted_on <= fs.as_of)
    years = []
    year = fs.year
    while year in plan and admitted[year] < plan[year]:
        years.append(year)
        year -= 1
    return years


def quota_pace(fs) -> float:
    """The share of the year elapsed by the as-of date (days), against which admissions are paced."""
    days = (datetime.date(fs.year, 12, 31) - fs.year_start).days + 1
    return ((fs.as_of - fs.year_start).days + 1) / days


@figure("quota_behind_pace", _("Admissions behind the quota's pace"), PEOPLE, G_MEMBERS, APPLICANT)
def quota_behind_pace(fs):
    """How many admissions the scope lacks against quota × elapsed share of the year (0 when on pace).

    None when the scope has no quota for the year. The records are the year's admissions so far.
    """
    quota = quotas(fs).get(fs.year)
    rows = admitted_in(fs, fs.year)
    if not quota:
        return None, pks(rows)
    expected = math.floor(quota * quota_pace(fs))
    return max(expected - len(rows), 0), pks(rows)


@figure("quota_missed_years", _("Consecutive years the quota was missed"), YEARS, G_MEMBERS)
def quota_missed_years(fs):
    return len(missed_years(fs))


def _at_stage(stage):
    def compute(fs):
        rows = [a for a in base.applicants(fs) if a.stage_on(fs.as_of) == stage]
        return counted(rows)

    return compute


figure("applicants", _("Applicants for membership"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.APPLICANT))
figure("activists", _("Activists"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.ACTIVIST))
figure("candidates", _("Candidates for membership"), PEOPLE, G_MEMBERS, APPLICANT)(_at_stage(Stage.CANDIDATE))


@figure("dossiers_submitted", _("Candidate dossiers submitted"), ITEMS, G_MEMBERS, APPLICANT)
def dossiers_submitted(fs):
    rows = [a for a in base.applicants(fs) if fs.in_year(a.dossier_submitted_on)]
    return counted(rows)


@figure("pioneer_posts", _("Pioneer and model posts"), POSTS, G_MEMBERS, "members.PioneerPost")
def pioneer_posts(fs):
    chosen = [pk for pk, _park in base.pioneer_posts(fs)]
    return len(chosen), chosen


def _commendations(kind):
    def compute(fs):
        chosen = [pk for pk, of_kind, _park in base.commendations(fs) if of_kind == kind]
        return len(chosen), chosen

    return compute


COMMENDATION = "members.Commendation"
figure("commended_members", _("Outstanding members commended"), PEOPLE, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.OUTSTANDING_MEMBER)
)
figure("commended_orgs", _("Advanced organizations commended"), ORGANIZATIONS, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.ADVANCED_ORGANIZATION)
)
figure("commended_secretaries", _("Excellent secretaries commended"), PEOPLE, G_MEMBERS, COMMENDATION)(
    _commendations(CommendationKind.EXCELLENT_SECRETARY)
)
