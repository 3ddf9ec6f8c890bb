"""The fast bulk backend behind :func:`parkparty.core.services.save_records`.

Cheap record construction, foreign keys without the descriptor cost, ``clean_fields`` for
import values, lookups in bulk, and multi-row INSERT / PostgreSQL COPY of records and
their history rows. Nothing here decides *whether* to write; the services do."""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models.expressions import DatabaseDefault

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


HISTORY_EXTRA = ("history_date", "effective_at", "history_change_reason", "history_type", "history_user")


def _history_columns(model):
    """The history model, its tracked fields and the extra columns every history row carries."""
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    history_fields = [f for f in history._meta.concrete_fields if f.attname in tracked]
    by_name = {f.name: f for f in history._meta.concrete_fields}
    return history, history_fields, [by_name[name] for name in HISTORY_EXTRA]


def _history_tail(obj, now, history_type: str, user_id) -> list:
    """history_date (the real time), effective_at, reason code, type and user of ``obj``'s history row."""
    return [
        now,
        getattr(obj, "_effective_at", None) or now,
        getattr(obj, "_change_reason", None),
        history_type,
        user_id,
    ]


def create_with_history(model, objects: list, *, user_id, now) -> None:
    """Insert new, validated and normalised records and their "+" history rows in a few multi-row INSERTs.

    Called by :func:`parkparty.core.services.save_records` only. The same rows
    ``save()`` and simple-history would write: ``created_at`` / ``updated_at``
    at ``now``, history at ``now`` taking effect at each object's
    ``_effective_at`` with its ``_change_reason``. PostgreSQL: COPY.
    """
    from django.db import connection

    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    relations = [f for f in fields if f.is_relation]
    for obj in objects:
        for relation in relations:  # related objects saved earlier in this import
            if getattr(obj, relation.attname) is None and relation.is_cached(obj):
                related = relation.get_cached_value(obj)
                setattr(obj, relation.attname, related.pk if related is not None else None)
        if hasattr(obj, "created_at"):
            obj.created_at = obj.updated_at = now
    history, history_fields, extra = _history_columns(model)
    if connection.vendor == "postgresql":
        _copy_with_history(model, objects, fields, history, history_fields, extra, user_id, now)
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover — old SQLite
        raise NotImplementedError("bulk writes need INSERT … RETURNING")
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
    _insert_history(history, history_fields, extra, objects, now, "+", user_id)


def update_with_history(model, objects: list, fields, *, user_id, now) -> None:
    """Update ``fields`` of existing, validated records (version and ``updated_at`` included) and add "~" rows."""
    if not objects:
        return
    model._default_manager.bulk_update(objects, sorted(fields), batch_size=500)
    history, history_fields, extra = _history_columns(model)
    _insert_history(history, history_fields, extra, objects, now, "~", user_id)


def _insert_history(history, history_fields, extra, objects, now, history_type, user_id) -> None:
    from django.db import connection

    adapters = [_adapter(f, connection) for f in [*history_fields, *extra]]
    rows = []
    for obj in objects:
        values = [getattr(obj, f.attname) for f in history_fields]
        values += _history_tail(obj, now, history_type, user_id)
        rows.append(
            tuple(
                adapt(value) if adapt is not None and value is not None else value
                for value, adapt in zip(values, adapters, strict=True)
            )
        )
    _insert_rows(history, [*history_fields, *extra], rows)


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
                effective = getattr(obj, "_effective_at", None) or now
                reason = getattr(obj, "_change_reason", None)
                tail = [
                    *_encode_copy([now, effective], remembered),
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
