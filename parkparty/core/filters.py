"""List filters and request parameters that cannot fail.

Every value a list is filtered by goes through a form field that refuses what
the database cannot take: a year is a whole number from :data:`MIN_YEAR` to
:data:`MAX_YEAR` (a ``__year`` lookup on 99999 or 0 cannot build its date
range), any other integer fits a 64-bit column, a date is a real date
(2023-02-30 is a form error). An invalid filter is shown on the filter form
with its message; the list then shows nothing rather than everything.

:func:`parse_id` reads a record id from a query string or a form's raw data
for views and forms that look one up themselves (the attendee picker).
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from parkparty.core.validators import MAX_YEAR

#: The years a filter accepts: every year a record may hold (up to the models' MAX_YEAR), and no more.
MIN_YEAR = 1900
#: The largest id (and integer) any of our columns holds: a signed 64-bit integer.
MAX_ID = 2**63 - 1

_ID = re.compile(r"[0-9]{1,19}")


def parse_id(value) -> int | None:
    """``value`` as a record id (ASCII digits, 1 to :data:`MAX_ID`), or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ID.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


def year_message():
    return _("Enter a year from %(first)s to %(last)s.") % {"first": MIN_YEAR, "last": MAX_YEAR}


class YearField(forms.IntegerField):
    """A year from :data:`MIN_YEAR` to :data:`MAX_YEAR`, with one Chinese message for anything else."""

    def __init__(self, **kwargs):
        kwargs.pop("min_value", None)
        kwargs.pop("max_value", None)
        super().__init__(**kwargs)
        message = year_message()
        self.error_messages["invalid"] = message
        self.validators += [MinValueValidator(MIN_YEAR, message), MaxValueValidator(MAX_YEAR, message)]
        self.widget.attrs.update({"min": MIN_YEAR, "max": MAX_YEAR})


class BoundedIntegerField(forms.IntegerField):
    """A whole number a 64-bit column can hold (no exponent notation, no decimals)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", -MAX_ID)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class YearFilter(django_filters.NumberFilter):
    """Filter by a year (``lookup_expr="year"`` on a date, or a year column) within the sensible range."""

    field_class = YearField

    def get_max_validator(self):
        return None


class IntegerFilter(django_filters.NumberFilter):
    """Filter by a whole number that fits the column (django-filter's default takes any decimal up to 1e50)."""

    field_class = BoundedIntegerField

    def get_max_validator(self):
        return None


_INTEGER_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


class WorkbenchFilterSet(django_filters.FilterSet):
    """Base of every list's filters: integer columns get bounded integer filters, year columns year filters."""

    FILTER_DEFAULTS = {
        **FILTER_FOR_DBFIELD_DEFAULTS,
        **{field: {"filter_class": IntegerFilter} for field in _INTEGER_FIELDS},
    }

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        is_year_column = field.name == "year" and isinstance(field, _INTEGER_FIELDS)
        if lookup_expr == "year" or (is_year_column and lookup_expr in (None, "exact")):
            return YearFilter(field_name=field_name, lookup_expr=lookup_expr or "exact")
        return super().filter_for_field(field, field_name, lookup_expr)
