"""Probationary members past their year of probation (members group; used by the alerts and the
organization view).

Registered last, after the staffing figures, so the catalogue keeps its order.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from members.models import MemberCategory
from members.rules import probation_overdue as past_probation

from .. import base
from ..core import PEOPLE, figure
from .common import G_MEMBERS, MEMBER, counted


def probationary_overdue(fs) -> list:
    """Probationary members whose year of probation ended before the as-of date."""
    return [
        m
        for m in base.members(fs)
        if m.category == MemberCategory.PROBATIONARY and past_probation(m.joined_on, fs.as_of)
    ]


@figure("probationary_overdue", _("Probationary members past one year"), PEOPLE, G_MEMBERS, MEMBER)
def probationary_overdue_figure(fs):
    rows = probationary_overdue(fs)
    return counted(rows)
