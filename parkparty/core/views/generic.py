"""Generic workbench views: list (and its Excel export), detail, create/edit, history, delete and actions.

Each entity is described once by an :class:`Entity` subclass (columns,
search, filters, form, related panels, actions); :meth:`Entity.urls` builds
its URL patterns. Every read goes through ``for_user`` (out of scope is
404), every write through a service (``save_record`` by default), and
read-only roles get 403 on any write view.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View

from parkparty.core import audit, extensions, personal_data
from parkparty.core.filters import WorkbenchFilterSet
from parkparty.core.forms import DeleteForm, mark_invalid, style_widgets
from parkparty.core.history import effective_if_other_day, reason_label
from parkparty.core.masking import display_value
from parkparty.core.models import AuditKind
from parkparty.core.permissions import ADD, CHANGE, DELETE, EXPORT, REVEAL, VIEW, may, require
from parkparty.core.services import StaleEditError, delete_record, save_record
from parkparty.core.throttle import SearchThrottled, check_search_rate
from parkparty.core.validators import clean_search_text
from parkparty.core.views.personal import drop_personal_filters, sortable_keys, too_many_searches

PAGE_SIZE = 50


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
        label = column.label
        if label is None and model is not None:
            found = model_field(model, column.name)
            label = capfirst(found.verbose_name) if found is not None else column.name
        headers.append({"label": label or "", "numeric": column.numeric})
    rows = []
    for obj in objects:
        cells = [{"value": display_value(obj, c.name, user, mask=c.mask), "numeric": c.numeric} for c in columns]
        rows.append({"cells": cells, "url": obj.get_absolute_url() if link else None})
    return Panel(title=title, headers=headers, rows=rows, add_url=add_url, empty=empty)


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


class Entity:
    """Declarative description of one entity's workbench pages."""

    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]] = []
    search_fields: ClassVar[tuple[str, ...]] = ()
    search_help: ClassVar[str] = ""
    filter_fields: ClassVar[list[str]] = []
    ordering: ClassVar[tuple[str, ...]] = ("-pk",)
    list_select_related: ClassVar[tuple[str, ...]] = ()
    form_class: ClassVar[type | None] = None
    detail_fields: ClassVar[list[tuple[str, list[str]]] | None] = None
    deletable: ClassVar[bool] = False
    actions: ClassVar[list[Action]] = []
    # Field name -> mask; filled from the personal-data inventory (an entity may add more).
    masked_fields: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        model = cls.__dict__.get("model")
        if model is not None:
            cls.masked_fields = {**personal_data.masked_fields(model), **cls.__dict__.get("masked_fields", {})}

    # --- names and URLs -------------------------------------------------
    @classmethod
    def slug(cls) -> str:
        return cls.model._meta.model_name

    @classmethod
    def url_name(cls, view: str) -> str:
        return f"{cls.model._meta.app_label}:{cls.slug()}_{view}"

    @classmethod
    def verbose_name(cls) -> str:
        return str(cls.model._meta.verbose_name)

    @classmethod
    def verbose_name_plural(cls) -> str:
        return str(cls.model._meta.verbose_name_plural)

    @classmethod
    def urls(cls) -> list:
        """The entity's pages, and those other apps add to it (:func:`parkparty.core.extensions.add_list_feature`)."""
        slug = cls.slug()
        patterns = [
            path(f"{slug}/", ObjectListView.as_view(entity=cls), name=f"{slug}_list"),
            path(f"{slug}/export/", ObjectExportView.as_view(entity=cls), name=f"{slug}_export"),
            path(f"{slug}/<int:pk>/", ObjectDetailView.as_view(entity=cls), name=f"{slug}_detail"),
            path(f"{slug}/<int:pk>/history/", ObjectHistoryView.as_view(entity=cls), name=f"{slug}_history"),
        ]
        if cls.form_class is not None:
            patterns += [
                path(f"{slug}/add/", ObjectEditView.as_view(entity=cls), name=f"{slug}_add"),
                path(f"{slug}/<int:pk>/edit/", ObjectEditView.as_view(entity=cls), name=f"{slug}_edit"),
            ]
        if cls.masked_fields:
            patterns.append(path(f"{slug}/<int:pk>/reveal/", RevealView.as_view(entity=cls), name=f"{slug}_reveal"))
        if cls.deletable:
            patterns.append(
                path(f"{slug}/<int:pk>/delete/", ObjectDeleteView.as_view(entity=cls), name=f"{slug}_delete")
            )
        for action in cls.actions:
            patterns.append(
                path(
                    f"{slug}/<int:pk>/{action.name}/",
                    ObjectActionView.as_view(entity=cls, action_name=action.name),
                    name=f"{slug}_{action.name}",
                )
            )
        return [*patterns, *extensions.feature_urls(cls)]

    # --- reading --------------------------------------------------------
    @classmethod
    def queryset(cls, user):
        return cls.model.objects.for_user(user).select_related(*cls.list_select_related)

    @classmethod
    def filterset_class(cls):
        meta = type("Meta", (), {"model": cls.model, "fields": cls.filter_fields})
        return type(f"{cls.model.__name__}FilterSet", (WorkbenchFilterSet,), {"Meta": meta})

    @classmethod
    def search(cls, queryset, text: str, user):
        """Rows whose search fields contain ``text``.

        A personal field (ID number, phone…) among the search fields is matched only in full
        and only for users who may see it in full; for anyone else it is not searched at all,
        so its hidden digits cannot be found by trying.
        """
        text = text.strip()
        if not text or not cls.search_fields:
            return queryset
        query = models.Q()
        for name in cls.search_fields:
            if personal_data.mask_for(cls.model, name):
                if may(user, REVEAL, cls.model):
                    query |= models.Q(**{f"{name}__iexact": text})
                continue
            query |= models.Q(**{f"{name}__icontains": text})
        return queryset.filter(query)

    @classmethod
    def search_hint(cls, user) -> str:
        """What the search box matches for ``user`` (the placeholder)."""
        return cls.search_help

    @classmethod
    def search_notice(cls, user, text: str) -> str:
        """A note above the results when part of ``text`` was not searched for ``user`` (override per entity)."""
        return ""

    @classmethod
    def extra_list_context(cls, request) -> dict:
        """More context for the list page (override per entity; other apps add theirs through extensions)."""
        return {}

    @classmethod
    def related(cls, obj, user) -> list[Panel]:
        """Panels of related records on the detail page: by default those other apps add.

        Other apps add panels with ``extensions.add_panels``; an entity that overrides this method
        places ``extensions.panels_for(obj, user)`` among its own panels.
        """
        return extensions.panels_for(obj, user)

    @classmethod
    def list_context(cls, request) -> dict:
        """The entity's extra list context, and that other apps add with ``extensions.add_list_feature``."""
        return {**cls.extra_list_context(request), **extensions.feature_list_context(cls, request)}

    @classmethod
    def initial(cls, request) -> dict:
        """Initial values of a new record's form, e.g. from ?organization=ID."""
        return {key: value for key, value in request.GET.items() if key in (cls.form_class._meta.fields or ())}

    # --- writing ----------------------------------------------------------
    @classmethod
    def save(cls, form, user):
        """Save a valid form through the services. Override when a create needs more than one row."""
        return save_record(form.instance, user=user, expected_version=form.expected_version)

    @classmethod
    def delete(cls, obj, user, *, expected_version: int | None) -> None:
        delete_record(obj, user=user, expected_version=expected_version)


class EntityView(LoginRequiredMixin, View):
    """Base of every entity view: the entity, the scoped object, shared context.

    ``permission`` is what the view does (``parkparty.core.permissions`` action):
    the record is read through the user's scope (404 outside it), then the
    action is required of it (403 when the role may not).
    """

    entity: type[Entity] | None = None
    permission: str | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission is not None and "pk" not in kwargs:
            require(request.user, self.permission, self.entity.model)
        try:
            return super().dispatch(request, *args, **kwargs)
        except SearchThrottled as exc:
            return too_many_searches(request, exc, back_url=reverse(self.entity.url_name("list")))

    def get_object(self):
        obj = get_object_or_404(self.entity.queryset(self.request.user), pk=self.kwargs["pk"])
        if self.permission is not None:
            require(self.request.user, self.permission, obj)
        return obj

    def templates(self, view: str) -> list[str]:
        meta = self.entity.model._meta
        return [f"{meta.app_label}/{meta.model_name}_{view}.html", f"parkparty/object_{view}.html"]

    def render(self, view: str, context: dict, status: int = 200, page_label: str = ""):
        entity = self.entity
        list_url = reverse(entity.url_name("list"))
        context.setdefault("entity", entity)
        context["list_url"] = list_url
        if entity.form_class is not None and may(self.request.user, ADD, entity.model):
            context["add_url"] = reverse(entity.url_name("add"))
        obj = context.get("object")
        crumbs = [(entity.verbose_name_plural(), list_url if (obj is not None or page_label) else None)]
        if obj is not None:
            crumbs.append((str(obj), obj.get_absolute_url() if page_label else None))
        if page_label:
            crumbs.append((page_label, None))
        context["crumbs"] = crumbs
        return TemplateResponse(self.request, self.templates(view), context, status=status)


@dataclass
class Listing:
    """A list's records as the request asks for them: scoped, filtered, searched and sorted.

    ``invalid`` says a filter value was refused (a year out of range, a date
    that does not exist…): the filter form carries the message and the
    queryset is empty.
    """

    queryset: Any
    filterset: Any
    query: str
    sort: str
    invalid: bool = False


def sort_order(entity: type[Entity], sort: str, sortable: set[str] | None = None) -> tuple[str, ...]:
    """The ordering ``?sort=`` asks for if it names a sortable column (with at most one "-"), else the default.

    ``sortable`` narrows the columns (a user may not sort by a personal field they may not see).
    """
    key = sort[1:] if sort.startswith("-") else sort
    allowed = sortable if sortable is not None else {c.sort for c in entity.columns if c.sort}
    if key and key in allowed:
        return (sort, "pk")
    return (*entity.ordering, "pk")


class ListingMixin:
    """The one place a list's rows are worked out from ``request.GET`` (shared by the page and its exports).

    Every parameter is checked before it reaches the database: filters by
    their form fields (:mod:`parkparty.core.filters`), the search text cleaned
    and shortened (:func:`~parkparty.core.validators.clean_search_text`), the sort
    only when it names a sortable column. Nothing a user types answers 500.
    """

    def listing(self, request) -> Listing:
        entity = self.entity
        query = request.GET.get("q", "")
        if query.strip():
            check_search_rate(request.user)
        queryset = entity.queryset(request.user)
        filterset = entity.filterset_class()(request.GET or None, queryset=queryset, request=request)
        drop_personal_filters(filterset, entity.model, request.user)
        invalid = filterset.is_bound and not filterset.is_valid()
        if invalid:
            queryset = queryset.none()
        elif filterset.is_bound:
            queryset = filterset.qs
        for form_field in filterset.form.fields.values():
            chosen = getattr(form_field, "queryset", None)
            if chosen is not None and hasattr(chosen, "for_user"):
                form_field.queryset = chosen.for_user(request.user)
        query = clean_search_text(query)
        queryset = entity.search(queryset, query, request.user)
        sort = request.GET.get("sort", "")
        queryset = queryset.order_by(*sort_order(entity, sort, sortable_keys(entity, request.user)))
        return Listing(queryset=queryset, filterset=filterset, query=query, sort=sort, invalid=invalid)

    def refuse_listing(self, request):
        """The list page with the refused filters marked (status 400), in place of an export of them."""
        return ObjectListView.as_view(entity=self.entity)(request)


def column_label(model, column: Column) -> str:
    """A list column's header: its own label, else the verbose name of the field it shows."""
    label = column.label
    if label is None:
        found = model_field(model, column.name)
        label = capfirst(found.verbose_name) if found is not None else column.name
    return label


class ObjectListView(ListingMixin, EntityView):
    permission = VIEW  # a role that may never see these records is refused, not shown an empty list

    def get(self, request):
        entity = self.entity
        listing = self.listing(request)
        filterset, query, sort = listing.filterset, listing.query, listing.sort
        style_widgets(filterset.form)
        if listing.invalid:
            mark_invalid(filterset.form)
        page = Paginator(listing.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        sort_params = params.copy()
        sort_params.pop("sort", None)
        sortable = sortable_keys(entity, request.user)
        columns = [self.column_header(c, sort, sortable) for c in entity.columns]
        rows = [self.row(obj) for obj in page.object_list]
        export_url = reverse(entity.url_name("export"))
        return self.render(
            "list",
            {
                "title": entity.verbose_name_plural(),
                "filter_form": filterset.form,
                "query": query,
                "search_help": entity.search_hint(request.user),
                "search_notice": entity.search_notice(request.user, query) if query.strip() else "",
                "columns": columns,
                "rows": rows,
                "page_obj": page,
                "total": page.paginator.count,
                "page_params": params.urlencode(),
                "sort_params": sort_params.urlencode(),
                "filtered": bool(query) or any(v for k, v in request.GET.items() if k not in ("page", "sort")),
                "export_url": (f"{export_url}?{params.urlencode()}" if params else export_url)
                if may(request.user, EXPORT, entity.model)
                else "",
                **entity.list_context(request),
            },
            status=400 if listing.invalid else 200,
        )

    def column_header(self, column: Column, current_sort: str, sortable: set[str] | None = None) -> dict:
        label = column_label(self.entity.model, column)
        if sortable is not None and column.sort not in sortable:
            column = replace(column, sort=None)
        direction = ""
        if column.sort and current_sort in (column.sort, f"-{column.sort}"):
            direction = "desc" if current_sort.startswith("-") else "asc"
        next_sort = f"-{column.sort}" if direction == "asc" else column.sort
        return {"column": column, "label": label, "direction": direction, "next_sort": next_sort}

    def row(self, obj) -> dict:
        cells = []
        for column in self.entity.columns:
            value = display_value(obj, column.name, self.request.user, mask=column.mask)
            key = attr_path(obj, column.name) if column.badge else ""
            cells.append({"column": column, "value": value, "key": key})
        return {"object": obj, "cells": cells, "url": reverse(self.entity.url_name("detail"), args=[obj.pk])}


class ObjectExportView(ListingMixin, EntityView):
    """The list's current rows (same scope, filters, search and sort) as an xlsx download; the export is recorded."""

    permission = EXPORT

    def get(self, request):
        entity = self.entity
        listing = self.listing(request)
        if listing.invalid:
            return self.refuse_listing(request)
        params = request.GET.copy()
        params.pop("page", None)
        if not extensions.list_export:
            raise Http404
        return extensions.list_export(
            queryset=listing.queryset,
            columns=entity.columns,
            labels=[column_label(entity.model, column) for column in entity.columns],
            user=request.user,
            model=entity.model,
            filters=params.urlencode(),
            name=entity.verbose_name_plural(),
        )


class ObjectDetailView(EntityView):
    permission = VIEW

    def get(self, request, pk):
        obj = self.get_object()
        entity = self.entity
        groups = []
        field_groups = entity.detail_fields
        if field_groups is None and entity.form_class is not None:
            field_groups = entity.form_class.fieldsets or [("", list(entity.form_class._meta.fields))]
        for title, names in field_groups or []:
            items = []
            for name in names:
                found = model_field(entity.model, name)
                label = capfirst(found.verbose_name) if found is not None else name
                mask = entity.masked_fields.get(name, "")
                items.append((label, display_value(obj, name, request.user, mask=mask), name))
            groups.append((title, items))
        user = request.user
        actions = [
            {"label": a.label, "button_class": a.button_class, "url": reverse(entity.url_name(a.name), args=[obj.pk])}
            for a in entity.actions
            if (a.available is None or a.available(obj)) and may(user, a.permission, obj)
        ]
        context = {
            "object": obj,
            "title": str(obj),
            "groups": groups,
            "panels": entity.related(obj, request.user),
            "actions": actions,
            "history_url": reverse(entity.url_name("history"), args=[obj.pk]),
            "revealable": list(entity.masked_fields) if may(user, REVEAL, entity.model) else [],
            "reveal_url": reverse(entity.url_name("reveal"), args=[obj.pk]) if entity.masked_fields else "",
        }
        if entity.form_class is not None and may(user, CHANGE, obj):
            context["edit_url"] = reverse(entity.url_name("edit"), args=[obj.pk])
        if entity.deletable and may(user, DELETE, obj):
            context["delete_url"] = reverse(entity.url_name("delete"), args=[obj.pk])
        return self.render("detail", context)


class ObjectHistoryView(EntityView):
    permission = VIEW

    def get(self, request, pk):
        obj = self.get_object()
        records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
        entries = []
        for index, record in enumerate(records):
            older = records[index + 1] if index + 1 < len(records) else None
            changes = []
            if older is not None:
                delta = record.diff_against(older)
                for change in delta.changes:
                    found = model_field(self.entity.model, change.field)
                    label = capfirst(found.verbose_name) if found is not None else change.field
                    mask = self.entity.masked_fields.get(change.field, "")
                    changes.append(
                        {
                            "label": label,
                            "old": display_value(older, change.field, request.user, mask=mask, history=True),
                            "new": display_value(record, change.field, request.user, mask=mask, history=True),
                        }
                    )
            entries.append(
                {
                    "record": record,
                    "changes": changes,
                    "reason": reason_label(record.history_change_reason),
                    "effective": effective_if_other_day(record),
                }
            )
        return self.render("history", {"object": obj, "title": str(obj), "entries": entries}, page_label=_("History"))


class ObjectEditView(EntityView):
    """Create (no pk: the role must be allowed to add) or edit (the record must be changeable by the user)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.permission = CHANGE if "pk" in kwargs else ADD

    def form(self, request, obj, data=None, files=None):
        initial = self.entity.initial(request) if obj is None else None
        return self.entity.form_class(data, files, instance=obj, user=request.user, initial=initial)

    def get(self, request, pk=None):
        obj = self.get_object() if pk else None
        form = self.form(request, obj)
        shown = [name for name in self.entity.masked_fields if name in form.fields and getattr(obj, name, "")]
        if shown:  # the form holds these personal values in full, as a reveal does
            audit.record(AuditKind.REVEAL, request=request, obj=obj, detail={"fields": shown, "via": "edit form"})
        return self.render_form(form, obj)

    def post(self, request, pk=None):
        obj = self.get_object() if pk else None
        form = self.form(request, obj, request.POST, request.FILES)
        if form.is_valid():
            try:
                saved = self.entity.save(form, request.user)
            except StaleEditError as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse(self.entity.url_name("detail"), args=[saved.pk]))
        return self.render_form(form, obj, status=400)

    def render_form(self, form, obj, status=200):
        title = (
            _("Edit %(name)s") % {"name": obj} if obj else _("New %(thing)s") % {"thing": self.entity.verbose_name()}
        )
        return self.render(
            "form", {"form": form, "object": obj, "title": title}, status=status, page_label=_("Edit") if obj else title
        )


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form's fields (or at the top)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ObjectDeleteView(EntityView):
    permission = DELETE

    def get(self, request, pk):
        obj = self.get_object()
        return self.render_confirm(obj, DeleteForm(initial={"version": obj.version}))

    def post(self, request, pk):
        obj = self.get_object()
        label = str(obj)
        form = DeleteForm(request.POST)
        if form.is_valid():
            try:
                self.entity.delete(obj, request.user, expected_version=form.cleaned_data["version"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                message = _("%(name)s was deleted; the deletion is kept in its history.") % {"name": label}
                messages.success(request, message)
                return HttpResponseRedirect(reverse(self.entity.url_name("list")))
        return self.render_confirm(obj, form, status=400)

    def render_confirm(self, obj, form, status=200):
        context = {"object": obj, "title": _("Delete %(name)s") % {"name": obj}, "form": form}
        return self.render("delete", context, status=status, page_label=_("Delete"))


class ObjectActionView(EntityView):
    action_name = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.permission = self.action().permission

    def action(self) -> Action:
        for action in self.entity.actions:
            if action.name == self.action_name:
                return action
        raise Http404

    def build_form(self, obj, action, data=None):
        form = action.form_class(data, instance=obj, user=self.request.user, initial={"version": obj.version})
        style_widgets(form)
        return form

    def check_available(self, obj, action) -> None:
        """An action the record's state does not allow answers 404 (views may show a message instead)."""
        if action.available is not None and not action.available(obj):
            raise Http404

    def get(self, request, pk):
        obj = self.get_object()
        action = self.action()
        self.check_available(obj, action)
        return self.render_action(obj, action, self.build_form(obj, action))

    def post(self, request, pk):
        obj = self.get_object()
        action = self.action()
        self.check_available(obj, action)
        form = self.build_form(obj, action, request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            try:
                action.service(obj, user=request.user, expected_version=version, **data)
            except StaleEditError as exc:
                form.add_error(None, exc)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("%(action)s: done.") % {"action": action.label})
                return HttpResponseRedirect(reverse(self.entity.url_name("detail"), args=[obj.pk]))
        return self.render_action(obj, action, form, status=400)

    def render_action(self, obj, action, form, status=200):
        groups = [("", [bf for bf in form if not bf.is_hidden])]
        context = {"object": obj, "action": action, "form": form, "action_groups": groups, "title": action.label}
        if action.available is not None and not action.available(obj):
            context["unavailable"] = _("This action does not apply to the record in its current state.")
        return self.render("action", context, status=status, page_label=action.label)


class RevealView(EntityView):
    """One masked value in full, for roles that work with people's records; every reveal is in the audit log.

    A reveal is a POST with the CSRF token, never a link: a crawler, a prefetch or a link on another
    site cannot reveal (and log) a number nobody asked to see.
    """

    permission = REVEAL
    http_method_names = ["post"]

    def post(self, request, pk):
        obj = self.get_object()
        name = request.POST.get("field") or request.GET.get("field", "")
        if name not in self.entity.masked_fields:
            raise PermissionDenied(_("Only ID numbers and phones are masked; there is nothing to reveal here."))
        audit.record(AuditKind.REVEAL, request=request, obj=obj, detail={"field": name})
        return HttpResponse(display_value(obj, name, request.user, reveal=True))
