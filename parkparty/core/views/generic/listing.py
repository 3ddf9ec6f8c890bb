"""An entity's list page and its Excel export: scope, filters, search, sort and pages, worked out in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse

from parkparty.core import extensions
from parkparty.core.forms import mark_invalid, style_widgets
from parkparty.core.masking import display_value
from parkparty.core.permissions import EXPORT, VIEW, may
from parkparty.core.throttle import check_search_rate
from parkparty.core.validators import clean_search_text
from parkparty.core.views.generic.base import EntityView
from parkparty.core.views.generic.parts import Column, attr_path, column_label
from parkparty.core.views.personal import drop_personal_filters, sortable_keys

if TYPE_CHECKING:
    from parkparty.core.views.generic.entity import Entity

PAGE_SIZE = 50


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
