"""The Excel import engine: enterprise surveys and member rosters.

Each kind (``IMPORT_KINDS``) is an :class:`ImportSpec` whose columns are a
django-import-export ``Resource`` with the Chinese headers of DESIGN.md.
:func:`run_import` reads the first sheet (:mod:`parkparty.workbook`),
matches the headers, cleans every cell with the column's widget, lets the
spec resolve references and validate every row against records loaded in
bulk (a handful of queries, none per row), and — only when every row is
valid and ``commit`` is asked for — writes everything in one transaction
with history, then records an :class:`~parkparty.models.ImportBatch`.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, router, transaction
from django.db.models.expressions import DatabaseDefault
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field

from parkparty import audit, extensions
from parkparty.models import AuditKind, ImportBatch
from parkparty.permissions import IMPORT, require_in_park
from parkparty.validators import validate_free_text
from parkparty.workbook import WorkbookError, read_rows

# --------------------------------------------------------------------------- results


@dataclass
class RowError:
    """One problem in one cell (or row) of the sheet."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 {self.column}: {self.message}"


@dataclass
class ImportResult:
    """What an import found (preview) or did (commit)."""

    kind: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    file_error: str = ""
    committed: bool = False
    batch: Any = None

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


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


# --------------------------------------------------------------------------- model validation, per row


def _fast_types() -> dict:
    """``to_python`` of the field classes whose values the widgets produce → the one type it returns unchanged."""
    from django.db import models

    return {
        models.CharField.to_python: str,
        models.TextField.to_python: str,
        models.IntegerField.to_python: int,
        models.DateField.to_python: datetime.date,
        models.BooleanField.to_python: bool,
    }


_TEXT_CHOICE_CLASSES: dict[type, bool] = {}


def _is_text_choice_class(cls) -> bool:
    """A ``TextChoices`` enumeration (what the choice widgets return): ``str`` members Django keeps as they are."""
    known = _TEXT_CHOICE_CLASSES.get(cls)
    if known is None:
        from django.db.models import Choices

        known = _TEXT_CHOICE_CLASSES[cls] = issubclass(cls, str) and issubclass(cls, Choices)
    return known


def _acceptor(exact_type, choices, max_length, min_value, max_value, validators) -> Callable[[Any], bool]:
    """Whether ``field.clean`` passes a value of ``exact_type`` through unchanged and without error."""

    def accept(value) -> bool:
        if exact_type is str and not value:
            return False  # blank: Django decides (the blank check, or none on a non-editable field)
        if choices is not None and value not in choices:
            return False
        if max_length is not None and len(value) > max_length:
            return False
        if min_value is not None and value < min_value:
            return False
        if max_value is not None and value > max_value:
            return False
        for validator in validators:
            try:
                validator(value)
            except ValidationError:
                return False
        return True

    return accept


class FieldChecker:
    """``Model.clean_fields`` for one model, cheaper for the values the import widgets produce.

    A value is accepted without ``field.clean`` only when ``field.clean``
    would accept it and return it unchanged: its type is exactly the one the
    field's ``to_python`` passes through (``str`` — or a ``TextChoices``
    member — for text, ``int``, ``date``, ``bool``), it is not blank, it is
    one of the choices, and it passes the field's validators (length and
    range limits compared inline, any other validator called). Every other
    value goes through ``field.clean`` itself, so each error — and its
    message — is exactly Django's.
    """

    def __init__(self, model):
        self.model = model
        self._checks: dict[frozenset, tuple] = {}

    def checks(self, exclude) -> tuple:
        """The checks of every field but ``exclude``'s, worked out once per set of names."""
        key = frozenset(exclude or ())
        if key not in self._checks:
            self._checks[key] = tuple(
                self._compile(f) for f in self.model._meta.fields if f.name not in key and not f.generated
            )
        return self._checks[key]

    @staticmethod
    def _compile(f) -> tuple:
        from django.core import validators as core
        from django.db.models import Field as ModelField

        exact_type = _fast_types().get(type(f).to_python)
        if any(
            getattr(type(f), name) is not getattr(ModelField, name) for name in ("clean", "validate", "run_validators")
        ):
            exact_type = None
        choices = None
        if f.choices is not None and f.editable and exact_type is not None:
            keys = [key for key, _label in f.flatchoices]
            if all(isinstance(key, exact_type) for key in keys):
                choices = frozenset(keys)
            else:
                exact_type = None
        max_length = min_value = max_value = None
        others = []
        for validator in f.validators:
            limit = getattr(validator, "limit_value", None)
            if type(validator) is core.MaxLengthValidator and isinstance(limit, int) and max_length is None:
                max_length = limit
            elif type(validator) is core.MinValueValidator and isinstance(limit, int) and min_value is None:
                min_value = limit
            elif type(validator) is core.MaxValueValidator and isinstance(limit, int) and max_value is None:
                max_value = limit
            else:
                others.append(validator)
        if exact_type is not int and (min_value is not None or max_value is not None):
            exact_type = None  # a number limit on text or dates: leave it to Django
        if exact_type is not str and max_length is not None:
            exact_type = None
        accept = _acceptor(exact_type, choices, max_length, min_value, max_value, tuple(others))
        return (f.attname, f.name, f, f.blank, tuple(f.empty_values), exact_type, accept)

    def clean_fields(self, instance, exclude=None) -> None:
        """Exactly ``Model.clean_fields(instance, exclude)`` (without the model's own override)."""
        self.run(instance, self.checks(exclude))

    @staticmethod
    def run(instance, checks: tuple) -> None:
        """``clean_fields`` with the checks of :meth:`checks`."""
        errors = {}
        values = instance.__dict__
        for attname, name, f, blank, empty_values, exact_type, accept in checks:
            raw = values[attname] if attname in values else getattr(instance, attname)
            if blank and raw in empty_values:
                continue
            if exact_type is not None:
                kind = raw.__class__
                if kind is exact_type:
                    if accept(raw):
                        continue
                elif exact_type is str and _is_text_choice_class(kind) and accept(str.__str__(raw)):
                    continue  # CharField.to_python keeps a TextChoices member as it is
            if isinstance(raw, DatabaseDefault):
                continue
            try:
                setattr(instance, attname, f.clean(raw, instance))
            except ValidationError as exc:
                errors[name] = exc.error_list
        if errors:
            raise ValidationError(errors)


_BLANK_RECORDS: dict[type, tuple[dict, tuple, frozenset]] = {}


def new_record(model, **values):
    """``model(**values)`` for field values given by attname (``park_id``, not ``park``), made cheaply.

    ``Model.__init__`` costs tens of microseconds a call; an import makes
    one record per row. This copies the attributes of one ``model()`` made
    on first use, calls callable defaults again for every record (as
    ``__init__`` does), then sets ``values``. A model with ``pre_init`` or
    ``post_init`` receivers is made by ``model(**values)``.
    """
    from django.db.models.base import ModelState
    from django.db.models.signals import post_init, pre_init

    blank = _BLANK_RECORDS.get(model)
    if blank is None:
        if pre_init.has_listeners(model) or post_init.has_listeners(model):
            return model(**values)
        template = model()
        defaults = {key: value for key, value in template.__dict__.items() if key != "_state"}
        fresh = tuple((f.attname, f) for f in model._meta.concrete_fields if f.has_default() and callable(f.default))
        blank = _BLANK_RECORDS[model] = (defaults, fresh, frozenset(f.attname for f in model._meta.concrete_fields))
    defaults, fresh, attnames = blank
    if not attnames.issuperset(values):
        raise TypeError(f"{model.__name__} has no fields {sorted(values.keys() - attnames)}")
    record = model.__new__(model)
    state = record.__dict__
    state.update(defaults)
    for attname, f in fresh:
        state[attname] = f.get_default()
    state.update(values)
    record._state = ModelState()
    return record


_RELATIONS: dict[tuple[type, str], tuple | None] = {}


def _relation(model, name: str) -> tuple | None:
    """What :func:`relate` needs for ``model.name``; None when it must leave the work to the descriptor."""
    key = (model, name)
    if key not in _RELATIONS:
        from django.db.models.fields.related_descriptors import (
            ForeignKeyDeferredAttribute,
            ForwardManyToOneDescriptor,
        )

        def descriptor(attribute):
            return next((klass.__dict__[attribute] for klass in model.__mro__ if attribute in klass.__dict__), None)

        found = None
        field = model._meta.get_field(name)
        if (
            type(descriptor(name)) is ForwardManyToOneDescriptor
            and type(descriptor(field.attname)) is ForeignKeyDeferredAttribute
            and field.many_to_one
            and field.remote_field.multiple
            and len(field.related_fields) == 1
        ):
            _local, target = field.related_fields[0]
            found = (
                field.attname,
                target.attname,
                field.cache_name,
                field.remote_field.model._meta.concrete_model,
                field.remote_field.cache_name,
            )
        _RELATIONS[key] = found
    return _RELATIONS[key]


def relate(instance, name: str, value) -> None:
    """``setattr(instance, name, value)`` for a foreign key, without the descriptor's cost per call.

    It does what ``ForwardManyToOneDescriptor.__set__`` does with Django's
    default routing (no ``DATABASE_ROUTERS``): both records on one database,
    the id copied, the related record cached (the id's own descriptor would
    only drop a cached record that is replaced here anyway). Anything else —
    a router, a wrong type, records on two databases, another kind of
    relation — is left to the descriptors themselves.
    """
    relation = _RELATIONS.get((instance.__class__, name)) or _relation(instance.__class__, name)
    if relation is None or router.routers:
        setattr(instance, name, value)
        return
    attname, target_attname, cache_name, target_model, reverse_cache_name = relation
    state = instance._state
    if value is None:
        related = state.fields_cache.get(cache_name)
        if related is not None:
            related._state.fields_cache[reverse_cache_name] = None
        instance.__dict__[attname] = None
    else:
        if not isinstance(value, target_model):
            setattr(instance, name, value)  # the descriptor's own error
            return
        if state.db is None:
            state.db = value._state.db or DEFAULT_DB_ALIAS
        if value._state.db is None:
            value._state.db = state.db
        if value._state.db != state.db:
            setattr(instance, name, value)  # the descriptor's own error
            return
        instance.__dict__[attname] = getattr(value, target_attname)
    state.fields_cache[cache_name] = value


def matching(queryset, name: str, values: list):
    """``queryset.filter(<name>__in=values)``, in as few queries as the database allows.

    PostgreSQL: one query with the values as one array parameter (a list of
    thousands of placeholders costs more to build and to plan than the
    lookup itself). Elsewhere: chunks of 5000 placeholders.
    """
    from django.db import connections
    from django.db.models.expressions import RawSQL

    connection = connections[queryset.db]
    if not values:
        return
    if connection.vendor == "postgresql":
        db_type = queryset.model._meta.get_field(name).db_type(connection)
        # The type comes from the model and the values are one parameter.
        array = RawSQL(f"SELECT unnest(%s::{db_type}[])", [list(values)])  # noqa: S611
        yield from queryset.filter(**{f"{name}__in": array})
        return
    values = list(values)
    for start in range(0, len(values), 5000):
        yield from queryset.filter(**{f"{name}__in": values[start : start + 5000]})


# --------------------------------------------------------------------------- specs


@dataclass
class ParsedRow:
    """One sheet row after cleaning: ``values`` holds the cleaned cells of the columns present."""

    number: int
    values: dict[str, Any]
    failed: bool = False


@dataclass
class Plan:
    """What a spec would write; ``created`` / ``updated`` hold whatever its ``write`` needs."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    extra: dict = field(default_factory=dict)


class ImportSpec:
    """One kind of import. Subclasses set the class attributes and implement ``plan`` and ``write``."""

    kind: str = ""
    sheet_title: str = ""
    resource_class: type = None
    model: type = None
    key_attribute: str = ""

    def columns(self) -> list[ImportColumn]:
        if "_columns" not in self.__dict__:
            fields = self.resource_class().fields.values()
            self._columns = [f for f in fields if isinstance(f, ImportColumn)]
        return self._columns

    def column_for(self, attribute: str) -> str:
        for column in self.columns():
            if column.attribute == attribute:
                return column.column_name
        try:
            return str(self.model._meta.get_field(attribute).verbose_name)
        except Exception:
            return self.key_column

    @property
    def key_column(self) -> str:
        return self.column_for(self.key_attribute)

    def model_errors(self, row: ParsedRow, exc: ValidationError, errors: list[RowError]) -> None:
        """Turn a model ValidationError into row errors named by column."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                errors.append(RowError(row.number, self.key_column, message))
            return
        for name, messages in exc.message_dict.items():
            column = self.key_column if name == "__all__" else self.column_for(name)
            for message in messages:
                errors.append(RowError(row.number, column, message))

    def plan(self, rows: list[ParsedRow], *, park, park_ids: frozenset[int], errors: list[RowError]) -> Plan:
        raise NotImplementedError

    def write(self, plan: Plan, *, user) -> None:
        raise NotImplementedError


class _LazyKinds(Mapping):
    """kind → spec, imported on first use (the specs live in their apps and import this module)."""

    def __init__(self, paths: dict[str, str]):
        self.paths = paths
        self.loaded: dict[str, ImportSpec] = {}

    def __getitem__(self, kind: str) -> ImportSpec:
        if kind not in self.paths:
            raise KeyError(kind)
        if kind not in self.loaded:
            self.loaded[kind] = import_string(self.paths[kind])
        return self.loaded[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


#: The kinds the apps register (``organizations``: enterprises, ``members``: members) in their ``extensions``.
IMPORT_KINDS: Mapping[str, ImportSpec] = _LazyKinds(extensions.import_kinds)


# --------------------------------------------------------------------------- engine


def sha256_of(path) -> str:
    """The SHA-256 of a file (a path or a binary file-like object), in hex."""
    digest = hashlib.sha256()
    if hasattr(path, "read"):
        if hasattr(path, "seek"):
            path.seek(0)
        while chunk := path.read(1 << 20):
            digest.update(chunk)
        if hasattr(path, "seek"):
            path.seek(0)
        return digest.hexdigest()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _match_headers(spec: ImportSpec, header: list[str], result: ImportResult) -> dict[int, ImportColumn] | None:
    """Column index → column; a file error for missing required columns, warnings for extra ones."""
    by_name = {normalize_header(c.column_name): c for c in spec.columns()}
    found: dict[int, ImportColumn] = {}
    seen: set[str] = set()
    extra: list[str] = []
    for index, title in enumerate(header):
        key = normalize_header(title)
        if not key:
            continue
        column = by_name.get(key)
        if column is None:
            extra.append(str(title).strip())
        elif column.column_name in seen:
            result.warnings.append(
                _("The column “%(column)s” appears twice; only the first one was read.")
                % {"column": column.column_name}
            )
        else:
            seen.add(column.column_name)
            found[index] = column
    missing = [c.column_name for c in spec.columns() if c.required and c.column_name not in seen]
    if missing:
        result.file_error = _(
            "The first row must hold the template's headers; these required columns are missing: %(columns)s. "
            "Download the template and copy your data into it."
        ) % {"columns": "、".join(missing)}
        return None
    if extra:
        result.warnings.append(
            _("These columns are not part of the template and were ignored: %(columns)s.")
            % {"columns": "、".join(extra)}
        )
    return found


#: Cleaned cells remembered per column (a sheet repeats its dates, choices and names); beyond this, no more.
CLEANED_CELLS_REMEMBERED = 4096
_NOT_CLEANED = object()


def _parse_rows(spec, rows, columns: dict[int, ImportColumn], errors: list[RowError]) -> list[ParsedRow]:
    """Clean every cell with its column's widget; rows with a bad cell or a repeated key are marked failed.

    A widget's ``clean`` depends on the cell value alone, so a value of the
    same type seen before in the column takes the remembered result (only
    successes are remembered; every error is produced afresh, in the
    current language).
    """
    parsed = []
    key_seen: dict[str, int] = {}
    plan = [
        (index, column, column.widget.clean, column.attribute, column.value_required, {})
        for index, column in columns.items()
    ]
    for number, cells in rows:
        row = ParsedRow(number, {})
        values = row.values
        width = len(cells)
        for index, column, clean, attribute, required, remembered in plan:
            value = cells[index] if index < width else ""
            memo_key = (value.__class__, value)
            try:
                cleaned = remembered.get(memo_key, _NOT_CLEANED)
            except TypeError:  # not hashable (calamine gives none such): never remembered
                cleaned, memo_key = _NOT_CLEANED, None
            if cleaned is _NOT_CLEANED:
                try:
                    cleaned = clean(value)
                except (ValueError, TypeError, ValidationError) as exc:
                    message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                    errors.append(RowError(number, column.column_name, message))
                    row.failed = True
                    continue
                if memo_key is not None and len(remembered) < CLEANED_CELLS_REMEMBERED:
                    remembered[memo_key] = cleaned
            if required and (cleaned is None or cleaned == ""):
                errors.append(RowError(number, column.column_name, _("This column must be filled in.")))
                row.failed = True
                continue
            values[attribute] = cleaned
        key = values.get(spec.key_attribute)
        if key:
            if key in key_seen:
                errors.append(
                    RowError(
                        number,
                        spec.key_column,
                        _("“%(value)s” already appears on row %(row)d of this file.")
                        % {"value": key, "row": key_seen[key]},
                    )
                )
                row.failed = True
            else:
                key_seen[key] = number
        parsed.append(row)
    return parsed


@contextmanager
def _without_cyclic_gc():
    """Pause Python's cyclic garbage collector for one import.

    An import keeps a dozen objects a row alive until it ends (cells, cleaned
    values, records); the collector would walk them all again on every
    pass, a tenth of the import's time, to find almost nothing. Reference
    counting still frees everything as usual; the collector runs again
    afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_without_cyclic_gc()
def run_import(
    kind: str,
    path,
    *,
    park,
    user,
    commit: bool,
    file_name: str = "",
    sha256: str = "",
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Validate (``commit=False``) or validate and write (``commit=True``) one workbook.

    Nothing is written unless every row is valid; the write is one
    transaction. ``user=None`` is the trusted command line, still bound to
    ``park`` and its sub-parks. Raises ``PermissionDenied`` when ``user``
    may not import into ``park``.
    """
    spec = IMPORT_KINDS[kind]
    # Staff import only into their own park (and sub-parks); reviewers and secretaries not at all.
    require_in_park(user, IMPORT, spec.model, park, _("Imports are for park staff and administrators."))
    result = ImportResult(kind=kind)
    say = progress or (lambda message: None)
    try:
        header, rows = read_rows(path, progress=lambda n: say(_("%(rows)d rows read") % {"rows": n}))
    except WorkbookError as exc:
        result.file_error = str(exc)
        return result
    columns = _match_headers(spec, header, result)
    if columns is None:
        return result
    result.total = len(rows)
    errors: list[RowError] = []
    parsed = _parse_rows(spec, rows, columns, errors)
    say(_("%(rows)d rows checked") % {"rows": len(parsed)})
    park_ids = park.descendant_ids()
    plan = spec.plan(parsed, park=park, park_ids=park_ids, errors=errors)
    errors.sort(key=lambda e: e.row)
    result.errors = errors
    result.rejected = len({e.row for e in errors})
    result.created = len(plan.created)
    result.updated = len(plan.updated)
    result.unchanged = plan.unchanged
    if not commit or errors:
        return result
    with transaction.atomic():
        spec.write(plan, user=user)
        result.batch = ImportBatch.objects.create(
            kind=kind,
            park=park,
            user=user,
            file_name=(file_name or getattr(path, "name", None) or str(path))[-255:],
            sha256=sha256 or sha256_of(path),
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            rejected=result.rejected,
        )
        audit.record(
            AuditKind.IMPORT,
            user=user,
            obj=result.batch,
            detail={
                "kind": kind,
                "park": park.code,
                "rows": result.total,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "source": "browser" if user is not None else "command line",
            },
        )
    result.committed = True
    say(_("%(rows)d rows written") % {"rows": result.created + result.updated})
    return result


# --------------------------------------------------------------------------- template


def write_template(kind: str, target) -> None:
    """Write the blank import workbook of ``kind`` to ``target`` (a path or a binary file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = IMPORT_KINDS[kind]
    columns = spec.columns()
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet_title
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4E4")
    plain_fill = PatternFill("solid", fgColor="F2F2F2")
    last_row = 10_001
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.column_name)
        cell.font = bold
        cell.fill = required_fill if column.value_required else plain_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
        elif isinstance(column.widget, ExcelDateWidget):
            dimension.number_format = "yyyy-mm-dd"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.value_required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22

    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明", "示例"])
    for cell in guide[1]:
        cell.font = bold
    for column in columns:
        must = "必填" if column.value_required else "选填"
        note = column.help_text
        if column.choices:
            note = f"{note}（可选：{'、'.join(column.choices)}）"
        example = column.example
        if isinstance(example, datetime.date):
            example = example.isoformat()
        guide.append([column.column_name, must, note, str(example)])
    guide.append([])
    guide.append(["说明", "", "第一个工作表为数据表，第一行为表头，请勿修改表头；空行会被跳过；请勿使用公式。", ""])
    for letter, width in zip("ABCD", (24, 10, 80, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    book.active = 0
    book.save(target)


# --------------------------------------------------------------------------- command line


def import_command(kind: str):
    """The ``import_enterprises`` / ``import_members`` management command class for ``kind``."""
    import sys

    from django.core.management.base import BaseCommand, CommandError

    class Command(BaseCommand):
        help = f"Import the {kind} workbook into a park and its sub-parks (nothing is written if any row fails)."

        def add_arguments(self, parser):
            parser.add_argument("file", help="the .xlsx workbook (the template's first sheet)")
            parser.add_argument("--park", metavar="CODE", required=True, help="code of the park to import into")
            parser.add_argument("--dry-run", action="store_true", help="check every row but write nothing")

        def handle(self, *args, file: str, park: str, dry_run: bool, **options):
            target = extensions.park_model().objects.filter(code=park).first()
            if target is None:
                raise CommandError(_("No park has the code %(code)s.") % {"code": park})

            def progress(message: str) -> None:
                sys.stderr.write(message + "\n")
                sys.stderr.flush()

            import os

            result = run_import(
                kind,
                file,
                park=target,
                user=None,
                commit=not dry_run,
                file_name=os.path.basename(file),
                progress=progress if result_is_large(file) else None,
            )
            if result.file_error:
                raise CommandError(result.file_error)
            for warning in result.warnings:
                self.stderr.write(warning)
            self.stdout.write(
                _("%(total)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, %(rejected)d failed.")
                % {
                    "total": result.total,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "rejected": result.rejected,
                }
            )
            for error in result.errors:
                self.stdout.write(str(error))
            if result.errors:
                raise CommandError(_("%(count)d rows have errors; nothing was imported.") % {"count": result.rejected})
            if dry_run:
                self.stdout.write(_("Dry run: nothing was written."))
            else:
                self.stdout.write(_("Import finished."))

    return Command


def result_is_large(path) -> bool:
    """Worth showing progress: files over 1 MB."""
    import os

    try:
        return os.path.getsize(path) > 1024 * 1024
    except OSError:
        return False


# --------------------------------------------------------------------------- fast writes


def _adapter(field, connection):
    """How one field's Python value becomes a query parameter (only where the driver needs help)."""
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _remembering(ops.adapt_datetimefield_value)
    if kind == "DateField":
        return _remembering(ops.adapt_datefield_value)
    if kind == "DecimalField":
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    return None


def _remembering(adapt):
    """``adapt``, done once per object: ``now`` and each survey day are the same objects on every row."""
    seen: dict[int, tuple] = {}

    def adapted(value):
        hit = seen.get(id(value))
        if hit is None or hit[0] is not value:
            hit = seen[id(value)] = (value, adapt(value))
        return hit[1]

    return adapted


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    if _COPY_SPECIAL.search(text):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _insert_rows(model, fields, rows: list[tuple], *, returning: bool = False) -> list:
    """Insert already-valid rows in bulk; the new primary keys when ``returning``.

    PostgreSQL: ids drawn from the table's sequence in one query, rows sent
    with COPY. Other databases: multi-row INSERTs (RETURNING the ids).
    """
    from django.db import connection

    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    if connection.vendor == "postgresql":
        import io

        ids = []
        pk = model._meta.pk
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, pk.column, len(rows)],
                )
                ids = [row[0] for row in cursor.fetchall()]
                fields = [pk, *fields]
                rows = [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)]
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(value) for value in row))
                buffer.write("\n")
            buffer.seek(0)
            columns = ", ".join(quote(f.column) for f in fields)
            cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
        return ids
    columns = ", ".join(quote(f.column) for f in fields)
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_batch = max(1, min(1000, limit // len(fields)))
    else:
        per_batch = 500
    row_params = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(model._meta.pk.column)}" if returning else ""
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_batch):
            batch = rows[start : start + per_batch]
            # Table and column names come from the model, values are parameters.
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_params] * len(batch))}{suffix}"  # noqa: S608
            cursor.execute(sql, [value for row in batch for value in row])
            if returning:
                ids.extend(row[0] for row in cursor.fetchall())
    return ids


def create_with_history(model, objects: list, *, user) -> None:
    """Insert new, already validated records and their "+" history entries in a few multi-row INSERTs.

    The same rows ``bulk_create_with_history`` would write, without
    building a model instance per history row. Each object's
    ``_history_date`` dates its entry (default: now); ``user`` is the
    history user (None for the command line).
    """
    from django.db import connection

    if not objects:
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover — old SQLite
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(objects, model, batch_size=500, default_user=user)
        return
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    for obj in objects:
        for relation in relations:  # related objects saved earlier in this import
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                setattr(obj, relation.attname, related.pk if related is not None else None)
        if hasattr(obj, "created_at"):
            obj.created_at = obj.updated_at = now
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    history_fields = [f for f in history._meta.concrete_fields if f.attname in tracked]
    by_name = {f.name: f for f in history._meta.concrete_fields}
    extra = [by_name[name] for name in ("history_date", "history_change_reason", "history_type", "history_user")]
    user_id = getattr(user, "pk", None)
    if connection.vendor == "postgresql":
        _copy_with_history(model, objects, fields, history, history_fields, extra, user_id, now)
        return
    adapters = [_adapter(f, connection) for f in fields]
    rows = []
    for obj in objects:
        values = []
        for f, adapt in zip(fields, adapters, strict=True):
            value = getattr(obj, f.attname)
            values.append(adapt(value) if adapt is not None and value is not None else value)
        rows.append(tuple(values))
    ids = _insert_rows(model, fields, rows, returning=True)
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    history_adapters = [_adapter(f, connection) for f in history_fields]
    adapt_date = _adapter(by_name["history_date"], connection)
    history_rows = []
    for obj in objects:
        values = []
        for f, adapt in zip(history_fields, history_adapters, strict=True):
            value = getattr(obj, f.attname)
            values.append(adapt(value) if adapt is not None and value is not None else value)
        when = getattr(obj, "_history_date", None) or now
        values += [adapt_date(when), getattr(obj, "_change_reason", None), "+", user_id]
        history_rows.append(tuple(values))
    _insert_rows(history, history_fields + extra, history_rows)


def _encode_copy(values, encoded: dict) -> list[str]:
    """Values in PostgreSQL's COPY text format (one tight loop: this runs for every cell written).

    ``encoded`` remembers the text of dates, choices and datetime objects, which repeat from row to row.
    """
    out = []
    append = out.append
    special = _COPY_SPECIAL.search
    for value in values:
        kind = value.__class__
        if value is None:
            append("\\N")
        elif kind is str:
            append(_copy_text(value) if special(value) else value)
        elif kind is int:
            append(str(value))
        elif kind is bool:
            append("t" if value else "f")
        elif kind is datetime.date or isinstance(value, str):  # equal values, equal text (not so for Decimal)
            key = (kind, value)
            text = encoded.get(key)
            if text is None:
                text = encoded[key] = _copy_text(value)
            append(text)
        elif kind is datetime.datetime:  # the same object (``now``, a survey day's time): the same text
            key = id(value)
            seen = encoded.get(key)
            if seen is None or seen[0] is not value:
                seen = encoded[key] = (value, _copy_text(value))
            append(seen[1])
        else:
            append(_copy_text(value))
    return out


class _StreamedLines:
    """A file for ``COPY … FROM STDIN`` whose lines are made as PostgreSQL reads them.

    The server stores one chunk while the next is encoded, on the other core,
    instead of waiting for the whole table's text.
    """

    CHUNK = 1 << 16

    def __init__(self, lines: Iterator[str]):
        self.lines = lines

    def read(self, size: int = -1) -> str:
        chunk, length = [], 0
        for line in self.lines:
            chunk.append(line)
            length += len(line)
            if 0 < size <= length:
                break
        return "".join(chunk)


def _copy_with_history(model, objects, fields, history, history_fields, extra, user_id, now) -> None:
    """PostgreSQL: ids from the sequence in one query, then one COPY for the records and one for their history."""
    from django.db import connection

    pk = model._meta.pk
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        attnames = [f.attname for f in fields]
        position = {name: index for index, name in enumerate([pk.attname, *attnames])}
        picks = [position[f.attname] for f in history_fields]
        user_text = "\\N" if user_id is None else str(user_id)
        alias = connection.alias
        log = []
        remembered: dict = {}
        getter = operator.attrgetter(*attnames)
        values_of = getter if len(attnames) > 1 else lambda obj: (getter(obj),)

        def records():
            for obj, pk_value in zip(objects, ids, strict=True):
                obj.pk = pk_value
                state = obj._state
                state.adding = False
                state.db = alias
                encoded = _encode_copy((pk_value, *values_of(obj)), remembered)
                when = getattr(obj, "_history_date", None) or now
                reason = getattr(obj, "_change_reason", None)
                tail = [
                    *_encode_copy([when], remembered),
                    "\\N" if reason is None else _copy_text(reason),
                    "+",
                    user_text,
                ]
                log.append("\t".join([encoded[i] for i in picks] + tail) + "\n")
                yield "\t".join(encoded) + "\n"

        for table_model, columns, lines in (
            (model, [pk, *fields], records()),
            (history, history_fields + extra, iter(log)),  # filled while the records were sent
        ):
            names = ", ".join(quote(f.column) for f in columns)
            buffer = _StreamedLines(lines)
            sql = f"COPY {quote(table_model._meta.db_table)} ({names}) FROM STDIN"
            cursor.cursor.copy_expert(sql, buffer, size=_StreamedLines.CHUNK)
