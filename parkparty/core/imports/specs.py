"""Import specs: one per kind of workbook, the rows they parse, the plan they write, and the results."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from parkparty.core import extensions
from parkparty.core.imports.cells import ImportColumn

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
