"""Personal data on screen: masking of ID numbers, phones and other personal values, and display of field values.

Which values are masked is decided by the inventory (:mod:`parkparty.core.personal_data`):
:func:`display_value` masks every inventory field for every role unless the
caller asks for the full value (``reveal=True``, after checking that the user may
reveal it: the ``REVEAL`` action of :mod:`parkparty.core.permissions`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty.core import personal_data

EMPTY = "—"


def mask_id(value: str) -> str:
    """110101199001011234 → 110101********1234."""
    if not value or len(value) < 10:
        return value
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if not value or len(value) < 7:
        return value
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_email(value: str) -> str:
    """zhang.san@example.com → z***@example.com."""
    local, at, domain = value.partition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_date(value: str) -> str:
    """A date of birth: nothing of it is shown."""
    return "****-**-**"


MASKS = {"id": mask_id, "phone": mask_phone, "email": mask_email, "date": mask_date}


def _field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def format_value(value) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if isinstance(value, models.Manager):
        return "、".join(str(item) for item in value.all()) or EMPTY
    return str(value)


def display_value(obj, path: str, user, *, mask: str = "", history: bool = False, reveal: bool = False) -> str:
    """The displayed text of ``obj``'s attribute path: choice labels, Yes/No, dates, masked personal data.

    Personal fields of the inventory are masked (``mask`` may add a mask to another value);
    ``reveal=True`` shows them in full — only for a user the permission module allows to reveal it.
    """
    *parents, name = path.split(".")
    target = obj
    for part in parents:
        target = getattr(target, part, None)
        if target is None:
            return EMPTY
    found = _field(type(target), name)
    if found is not None and getattr(found, "choices", None):
        value = getattr(target, f"get_{name}_display")()
    elif found is not None and found.many_to_many and history:
        return EMPTY
    else:
        try:
            value = getattr(target, name)
        except ObjectDoesNotExist:
            value = None
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    text = format_value(value)
    if not mask:
        personal = personal_data.entry(type(target), name)
        mask = personal.mask if personal is not None else ""
    if reveal:
        mask = ""
    if mask and text != EMPTY:
        text = MASKS[mask](text)
    return text
