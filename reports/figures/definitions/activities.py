"""Activities dated in the year: lectures, theme days, trainings, inspections and 三会一课 compliance
(FIGURES.md, "Activities").
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from organizations.models import ActivityKind, Audience, PartnerDepartment

from .. import base
from ..compliance import compliance
from ..core import ORGANIZATIONS, PERSON_TIMES, RATE, TIMES, figure, rate
from .common import ACTIVITY, G_ACTIVITIES, ORGANIZATION, counted, pks


def _activities(kind, **conditions):
    def select(fs):
        return [
            a
            for a in base.activities(fs)
            if a.kind == kind and all(getattr(a, name) == value for name, value in conditions.items())
        ]

    return select


def _count_of(select):
    def compute(fs):
        rows = select(fs)
        return counted(rows)

    return compute


def _attendance_of(select):
    def compute(fs):
        rows = select(fs)
        return sum(a.actual_attendance for a in rows), pks(rows)

    return compute


_lectures = _activities(ActivityKind.PARTY_LECTURE)
_trainings = _activities(ActivityKind.TRAINING)
_secretary_trainings = _activities(ActivityKind.TRAINING, audience=Audience.SECRETARIES)

figure("party_lectures", _("Party lectures (special lectures included)"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_lectures)
)
figure("special_lectures", _("Special Party lectures"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.PARTY_LECTURE, is_special_lecture=True))
)
figure("theme_days", _("Theme Party days"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.THEME_DAY))
)
figure("listening_visits", _("Listening visits"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.LISTENING_VISIT))
)
figure("trainings", _("Training sessions"), TIMES, G_ACTIVITIES, ACTIVITY)(_count_of(_trainings))
figure("training_person_times", _("Training person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_trainings)
)
figure("secretary_trainings", _("Secretary training sessions"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_secretary_trainings)
)
figure("secretary_training_person_times", _("Secretary training person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_secretary_trainings)
)
figure("owner_symposiums", _("Owners' symposiums"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.OWNER_SYMPOSIUM))
)
figure("joint_inspections", _("Joint inspections"), TIMES, G_ACTIVITIES, ACTIVITY)(
    _count_of(_activities(ActivityKind.JOINT_INSPECTION))
)
figure("joint_inspection_person_times", _("Joint inspection person-times"), PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
    _attendance_of(_activities(ActivityKind.JOINT_INSPECTION))
)

#: One count and one person-times figure per partner department.
INSPECTION_LABELS = {
    PartnerDepartment.SAFETY: (_("Joint work-safety inspections"), _("Joint work-safety inspection person-times")),
    PartnerDepartment.ENVIRONMENT: (
        _("Joint environmental inspections"),
        _("Joint environmental inspection person-times"),
    ),
    PartnerDepartment.MARKET: (_("Joint canteen inspections"), _("Joint canteen inspection person-times")),
    PartnerDepartment.HOUSING: (
        _("Joint infrastructure inspections"),
        _("Joint infrastructure inspection person-times"),
    ),
    PartnerDepartment.OTHER: (_("Other joint inspections"), _("Other joint inspection person-times")),
}
for _department, (_count_label, _times_label) in INSPECTION_LABELS.items():
    _select = _activities(ActivityKind.JOINT_INSPECTION, partner_department=_department)
    figure(f"joint_inspections_{_department}", _count_label, TIMES, G_ACTIVITIES, ACTIVITY)(_count_of(_select))
    figure(f"joint_inspection_person_times_{_department}", _times_label, PERSON_TIMES, G_ACTIVITIES, ACTIVITY)(
        _attendance_of(_select)
    )


@figure("three_meetings_compliance", _("Three meetings and one lecture compliance"), RATE, G_ACTIVITIES, ORGANIZATION)
def three_meetings_compliance(fs):
    result = compliance(fs)
    return rate(result.met, result.required), [o.organization.pk for o in result.below]


@figure("theme_day_compliance", _("Theme Party day compliance"), RATE, G_ACTIVITIES, ORGANIZATION)
def theme_day_compliance(fs):
    result = compliance(fs)
    short = [o.organization.pk for o in result.organizations if o.theme_days_met < o.theme_days_required]
    return rate(result.theme_days_met, result.theme_days_required), short


@figure(
    "orgs_below_three_meetings",
    _("Organizations below the required meetings"),
    ORGANIZATIONS,
    G_ACTIVITIES,
    ORGANIZATION,
)
def orgs_below_three_meetings(fs):
    rows = [o.organization.pk for o in compliance(fs).below]
    return len(rows), rows


def idle_organizations(fs) -> list:
    """Organizations of the scope with no activity of their own in the 90 days before the as-of date."""
    since = fs.as_of - datetime.timedelta(days=base.IDLE_DAYS)
    active = {organization for organization, _park in base.recently_active_organizations(fs)}
    return [
        org
        for org in base.organizations(fs).values()
        if org.pk not in active and org.founded_on and org.founded_on <= since
    ]


@figure("orgs_idle_90_days", _("Organizations with no activity in 90 days"), ORGANIZATIONS, G_ACTIVITIES, ORGANIZATION)
def orgs_idle_90_days(fs):
    rows = idle_organizations(fs)
    return counted(rows)
