"""What an entity's pages are described with: list columns, detail panels, actions, and field labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import resolve
from django.utils.text import capfirst

from parkparty.core.masking import display_value
from parkparty.core.permissions import ADD, CHANGE, may


@dataclass
class Column:
    """One column of a list table.

    ``name`` is an attribute path (``park.name``); ``sort`` the ORM field to
    order by (None: not sortable). Personal fields of the inventory
    (:mod:`parkparty.core.personal_data`) are masked in every list for every role
    without saying so here; ``mask`` ("id", "phone"…) masks a value the
    inventory does not know (e.g. an annotation).
    """

    name: str
    label: str | None = None
    sort: str | None = None
    numeric: bool = False
    link: bool = False
    mask: str = ""
    badge: bool = False


@dataclass
class Panel:
    """A block of related records on a detail page."""

    title: str
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    add_url: str | None = None
    empty: str = ""
    template: str = "parkparty/partials/panel_table.html"
    extra: dict = field(default_factory=dict)


@dataclass
class Action:
    """A named business action on one record (end a membership, deregister, dissolve…)."""

    name: str
    label: str
    form_class: type
    service: Any  # callable(instance, *, user, expected_version, **cleaned_data)
    available: Any = None  # callable(instance) -> bool
    button_class: str = "btn-outline-danger"
    help_text: str = ""
    permission: str = CHANGE  # what the action does to the record, for parkparty.core.permissions


def attr_path(obj, path: str):
    value = obj
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
        if callable(value) and not isinstance(value, models.Manager):
            value = value()
    return value


def model_field(model, path: str):
    """The model field at the end of an attribute path, or None."""
    current = model
    found = None
    for part in path.split("."):
        try:
            found = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return None
        current = getattr(found, "related_model", None)
    return found


def field_label(model, path: str) -> str:
    """The label of the field at the end of an attribute path: its verbose name, else the path itself."""
    found = model_field(model, path)
    return capfirst(found.verbose_name) if found is not None else path


def column_label(model, column: Column) -> str:
    """A list column's header: its own label, else the label of the field it shows."""
    return column.label if column.label is not None else field_label(model, column.name)


def offered_add_url(user, url: str | None) -> str | None:
    """``url`` (an entity's add page, maybe with a query string) when ``user`` may add such records, else None."""
    if not url:
        return None
    view = resolve(urlsplit(url).path).func
    entity = getattr(view, "view_initkwargs", {}).get("entity")
    return url if entity is not None and may(user, ADD, entity.model) else None


def panel(title, objects, columns: list[Column], user, *, model=None, add_url=None, empty="", link=True) -> Panel:
    """A panel listing ``objects`` (already fetched with what the columns need) in ``columns``.

    ``add_url`` is offered only to users who may add the records it adds.
    """
    objects = list(objects)
    model = model or (type(objects[0]) if objects else None)
    add_url = offered_add_url(user, add_url)
    headers = []
    for column in columns:
        label = column_label(model, column) if model is not None else column.label
        headers.append({"label": label or "", "numeric": column.numeric})
    rows = []
    for obj in objects:
        cells = [{"value": display_value(obj, c.name, user, mask=c.mask), "numeric": c.numeric} for c in columns]
        rows.append({"cells": cells, "url": obj.get_absolute_url() if link else None})
    return Panel(title=title, headers=headers, rows=rows, add_url=add_url, empty=empty)
