"""Fast row writers for the scale generator: COPY on PostgreSQL, batched executemany elsewhere.

A :class:`Table` takes rows as tuples in the order of the columns it was
given; every other column of the model gets a constant (its default, the
generation time for ``created_at``/``updated_at``, empty or NULL). Rows are
buffered and written in batches, so memory stays flat whatever the size.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)


class Sink:
    """Where the tables write to: one database connection, one batch size."""

    def __init__(self, batch_size: int = 50_000) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.batch_size = batch_size
        self.now = timezone.now()
        self.tables: list[Table] = []
        self.counts: dict[str, int] = {}
        self.restore_sql: list[str] = []

    def sqlite_value(self, value):
        if value is None or type(value) in (int, str, bool):
            return value
        if isinstance(value, datetime.datetime):
            return connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        return value

    def constraints_immediate(self) -> None:
        """Check foreign keys row by row from here on (PostgreSQL defers them to the commit otherwise).

        The rows written before (organizations and their members point at
        each other) are checked now; later tables are checked per COPY, so
        the commit does not queue millions of pending checks.
        """
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def relax(self, models_list) -> None:
        """On PostgreSQL, drop the foreign keys, unique constraints and indexes of these (still untouched) tables.

        Loading millions of rows then costs no per-row checks and index
        updates; :meth:`restore` puts everything back in one pass each (the
        same definitions, so the constraints are validated over all rows).
        Call after :meth:`constraints_immediate` (no checks pending); all of
        it runs in the generation's transaction, so a failure rolls it back.
        """
        if not self.postgres:
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in models_list:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname",
                    [table],
                )
                constraints = cursor.fetchall()
                for name, _definition in constraints:
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND tablename = %s AND indexname <> %s ORDER BY indexname",
                    [table, f"{table}_pkey"],
                )
                indexes = cursor.fetchall()
                for name, _definition in indexes:
                    cursor.execute(f"DROP INDEX {quote(name)}")
                self.restore_sql += [definition for _name, definition in indexes]
                self.restore_sql += [
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    for name, definition in constraints
                ]

    def restore(self) -> None:
        """Recreate what :meth:`relax` dropped."""
        with connection.cursor() as cursor:
            for sql in self.restore_sql:
                cursor.execute(sql)
        self.restore_sql = []

    def flush_all(self) -> None:
        for table in self.tables:
            table.flush()


class Table:
    """Buffered inserts into one model's table (and, optionally, its history table)."""

    def __init__(self, sink: Sink, model, columns: tuple[str, ...], ints_only: bool = False, after=()) -> None:
        self.sink, self.model, self.columns = sink, model, tuple(columns)
        self.after = tuple(after)  # tables whose rows these point at: written first (foreign keys are checked)
        self.db_table = model._meta.db_table
        self.ints_only = ints_only
        fields = model._meta.concrete_fields
        known = {f.attname for f in fields}
        missing = [c for c in self.columns if c not in known]
        if missing:
            raise ValueError(f"{self.db_table} has no column {missing}")
        rest = [f for f in fields if f.attname not in self.columns and not isinstance(f, models.AutoField)]
        self.rest_columns = tuple(f.column for f in rest)
        self.rest_values = tuple(self._constant(f) for f in rest)
        names = [model._meta.get_field(c).column if c != "id" else "id" for c in self.columns]
        self.all_columns = tuple(names) + self.rest_columns
        self.tail = "".join("\t" + _copy_text(v) for v in self.rest_values) + "\n"
        self.sqlite_tail = tuple(sink.sqlite_value(v) for v in self.rest_values)
        self.buffer: list = []
        self.count = 0
        sink.tables.append(self)

    def _constant(self, field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.sink.now
        if field.attname in ("created_at", "updated_at"):  # history tables copy the field without auto_now
            return self.sink.now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        if isinstance(field, (models.CharField, models.TextField, models.FileField)):
            return ""
        raise ValueError(f"{self.db_table}.{field.attname} needs a value")

    def add(self, row: tuple) -> None:
        if self.sink.postgres:
            if self.ints_only:
                self.buffer.append("\t".join(map(str, row)) + "\n")
            else:
                self.buffer.append("\t".join([_copy_text(v) for v in row]) + self.tail)
        elif self.ints_only:
            self.buffer.append(row + self.sqlite_tail)
        else:
            self.buffer.append(tuple([self.sink.sqlite_value(v) for v in row]) + self.sqlite_tail)
        if len(self.buffer) >= self.sink.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        for table in self.after:
            table.flush()
        columns = ", ".join(connection.ops.quote_name(c) for c in self.all_columns)
        table = connection.ops.quote_name(self.db_table)
        with connection.cursor() as cursor:
            if self.sink.postgres:
                cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO("".join(self.buffer)))
            else:
                marks = ", ".join(["%s"] * len(self.all_columns))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", self.buffer)  # noqa: S608
        self.count += len(self.buffer)
        self.sink.counts[self.db_table] = self.count
        self.buffer = []


def next_id(model) -> int:
    """The first free primary key of ``model`` (ids are assigned here so rows can point at each other)."""
    return (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1


def reset_sequences(models_list) -> None:
    """Move every id sequence past the ids written directly."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
