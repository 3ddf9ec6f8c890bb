"""An entity described once (columns, search, filters, form, panels, actions), and the URL patterns of its pages."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import path

from parkparty.core import extensions, personal_data
from parkparty.core.filters import WorkbenchFilterSet
from parkparty.core.permissions import REVEAL, may
from parkparty.core.services import delete_record, save_record
from parkparty.core.views.generic.listing import ObjectExportView, ObjectListView
from parkparty.core.views.generic.objects import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    RevealView,
)
from parkparty.core.views.generic.parts import Action, Column, Panel


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
