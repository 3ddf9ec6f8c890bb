"""The development pipeline's periods, defined once (models, the to-do lists, the organization view, the figures).

An activist is trained for a year before becoming a candidate for development; a
probationary member is tested for a year from admission. A next stage is *due* on the
anniversary and *overdue* after it.
"""

from __future__ import annotations

import datetime

#: Years an activist is trained before becoming a candidate.
ACTIVIST_TRAINING_YEARS = 1
#: Years of probation from admission to full membership.
PROBATION_YEARS = 1
#: Days ahead the organization view lists probations ending soon.
PROBATION_NOTICE_DAYS = 30


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def candidacy_from(activist_on: datetime.date) -> datetime.date:
    """The day an activist since ``activist_on`` has had the year of training and may become a candidate."""
    return add_years(activist_on, ACTIVIST_TRAINING_YEARS)


def probation_ends(admitted_on: datetime.date) -> datetime.date:
    """The day a probationary member admitted on ``admitted_on`` is due for full membership."""
    return add_years(admitted_on, PROBATION_YEARS)


def admitted_by_for_probation_due(day: datetime.date) -> datetime.date:
    """The latest admission date whose probation has ended by ``day`` (for ``admitted_on__lte`` filters)."""
    return add_years(day, -PROBATION_YEARS)


def admitted_by_for_probation_ending_soon(day: datetime.date) -> datetime.date:
    """The latest admission date whose probation ends within the notice days after ``day``."""
    return admitted_by_for_probation_due(day + datetime.timedelta(days=PROBATION_NOTICE_DAYS))


def trained_by_for_candidacy(day: datetime.date) -> datetime.date:
    """The latest activist date whose year of training has ended by ``day`` (for ``activist_on__lte`` filters)."""
    return add_years(day, -ACTIVIST_TRAINING_YEARS)


def probation_overdue(joined_on: datetime.date, as_of: datetime.date) -> bool:
    """Whether a probationary member who joined on ``joined_on`` is past the year of probation on ``as_of``."""
    return probation_ends(joined_on) < as_of
