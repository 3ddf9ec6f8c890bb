"""Cells of an import sheet: text helpers, the widgets that clean each cell, and the column declaration."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field

from parkparty.core.validators import validate_free_text

# --------------------------------------------------------------------------- text helpers


def normalize_text(value: str) -> str:
    """NFKC (full-width letters, digits, spaces and brackets to half-width), trimmed."""
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_header(value: str) -> str:
    """A header as compared: NFKC, no whitespace at all (full-width spaces included)."""
    return re.sub(r"\s+", "", normalize_text(str(value or "")))


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- widgets


class TextWidget(widgets.CharWidget):
    """Plain text; numbers typed into a text column lose Excel's ``.0``.

    A cell may carry any character Excel can escape (``_x0000_`` is a NUL):
    control characters other than line breaks and tabs, and bidi overrides,
    are refused here, before the text is looked up or stored; the model
    fields' own validators then refuse what a name or code may not hold.
    """

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        if not isinstance(value, str):
            return str(value)
        validate_free_text(value)
        return normalize_text(value)


class CodeWidget(TextWidget):
    """An identifier (credit code, ID number): text, upper-case, no separators.

    A number cell with 16 or more digits was already rounded by Excel
    (only 15 significant digits survive), so the true code is lost.
    """

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("Enter the code as text."))
        if isinstance(value, int | float):
            if abs(value) >= 1e15:
                raise ValueError(
                    _(
                        "Excel stored this code as a number and rounded it (%(value)s). Format the column as "
                        "text and type the code again."
                    )
                    % {"value": f"{value:.14e}" if isinstance(value, float) else value}
                )
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(_("Enter the code as text."))
            value = str(int(value))
        text = super().clean(value)
        return re.sub(r"[\s\-]", "", text).upper()


class CountWidget(widgets.IntegerWidget):
    """A whole number of people; ``692.0`` from Excel is 692."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        if isinstance(value, str):
            text = normalize_text(value).replace(",", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                raise ValueError(_("Enter a whole number.")) from None
        if isinstance(value, float | Decimal):
            if not Decimal(str(value)).is_finite():  # inf, NaN: from a text cell or a float cell
                raise ValueError(_("Enter a whole number."))
            if not Decimal(str(value)) == Decimal(str(value)).to_integral_value():
                raise ValueError(_("Enter a whole number."))
            value = int(value)
        if not isinstance(value, int):
            raise ValueError(_("Enter a whole number."))
        if value < 0:
            raise ValueError(_("The number cannot be negative."))
        return value


EXCEL_EPOCH = datetime.date(1899, 12, 30)
DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


class ExcelDateWidget(widgets.DateWidget):
    """A date cell, or text written 2023-06-30, 2023/6/30 or 2023年6月30日."""

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, bool):
            raise ValueError(self.message())
        if isinstance(value, int | float):
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(self.message())
            number = int(value)
            if number != value:
                raise ValueError(self.message())
            if 19000101 <= number <= 29991231:
                value = str(number)
            elif 1 <= number < 2958466:  # an Excel serial day number
                return EXCEL_EPOCH + datetime.timedelta(days=number)
            else:
                raise ValueError(self.message())
        text = re.sub(r"\s+", "", normalize_text(str(value)))
        text = re.sub(r"(\d{4}-\d{1,2}-\d{1,2})T?00:00(:00)?$", r"\1", text)
        for pattern in DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    return datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    break
        raise ValueError(self.message())

    @staticmethod
    def message() -> str:
        return _("This is not a date. Write it as 2023-06-30, 2023/6/30 or 2023年6月30日.")


class ChoiceWidget(widgets.Widget):
    """One of a fixed list of Chinese labels (the template's dropdown)."""

    def __init__(self, choices: dict[str, Any], aliases: dict[str, Any] | None = None):
        super().__init__()
        self.choices = dict(choices)
        self.lookup = {normalize_header(label): value for label, value in {**self.choices, **(aliases or {})}.items()}

    @property
    def labels(self) -> list[str]:
        return list(self.choices)

    def clean(self, value, row=None, **kwargs):
        if _is_blank(value):
            return None
        key = normalize_header(str(value))
        if key in self.lookup:
            return self.lookup[key]
        raise ValueError(
            _("“%(value)s” is not in the list; choose one of: %(choices)s.")
            % {"value": str(value).strip(), "choices": "、".join(self.labels)}
        )


class YesNoWidget(ChoiceWidget):
    """是 / 否."""

    def __init__(self):
        super().__init__({"是": True, "否": False}, aliases={"Y": True, "N": False, "1": True, "0": False})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        return super().clean(value, row, **kwargs)


class ImportColumn(Field):
    """A column of an import workbook: header, widget and what the template says about it."""

    def __init__(
        self,
        attribute: str,
        column_name: str,
        widget: widgets.Widget | None = None,
        *,
        required: bool = False,
        value_required: bool = False,
        help_text: str = "",
        example: Any = "",
        text: bool = False,
        width: int = 14,
        export: str | Callable[[Any], Any] | None = None,
    ):
        super().__init__(attribute=attribute, column_name=column_name, widget=widget or TextWidget())
        self.export = export
        self.required = required
        self.value_required = value_required or required
        self.help_text = help_text
        self.example = example
        self.text = text
        self.width = width

    @property
    def choices(self) -> list[str] | None:
        return self.widget.labels if isinstance(self.widget, ChoiceWidget) else None

    def export_value(self, obj):
        """The cell value this column would import back as ``obj``'s current value (for exports).

        ``export`` is an attribute path (``park.name``) or a callable of the record; by default the
        attribute itself, a choice written as its template label and a related record by its name.
        """
        if callable(self.export):
            return self.export(obj)
        value = obj
        for part in (self.export or self.attribute).split("."):
            value = getattr(value, part, None)
            if value is None:
                return None
        if isinstance(self.widget, ChoiceWidget):
            labels = {choice: label for label, choice in reversed(list(self.widget.choices.items()))}
            return labels.get(value, value)
        if hasattr(value, "_meta"):
            return getattr(value, "name", str(value))
        return value
