"""Hooks through which a higher app adds to a lower one's pages without the lower one importing it.

The core (and ``organizations`` below ``members`` below ``reports``) never imports an app above it.
When a page of a lower app shows something an upper app owns — an organization's members panel, the
enterprise list's "export as import workbook" button, the list pages' Excel export — the upper app
registers it here, in its ``extensions`` module, which :meth:`parkparty.apps.ParkPartyConfig.ready`
imports for every installed app (like ``admin.autodiscover``). The lower page asks this registry.

- :func:`add_panels` — panels of related records on a model's detail page;
- :func:`add_list_feature` — URL patterns and list-page context for an entity's pages;
- :data:`list_export` — the Excel export behind every list's "export" button;
- :func:`register_import_kind` — the import workbooks (``enterprises``, ``members``);
- :func:`park_model` — the park model the core's scoping, imports and users refer to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps

#: The park model (as in the core's foreign keys ``"organizations.Park"``): the unit of scope.
PARK_MODEL = "organizations.Park"


def park_model():
    """The park model, looked up in the app registry (the core does not import the app that defines it)."""
    return apps.get_model(PARK_MODEL)


def model_key(model) -> str:
    """``app_label.modelname`` of a model class, instance or label (case-insensitive)."""
    if isinstance(model, str):
        return model.lower()
    return model._meta.label_lower


# --------------------------------------------------------------------------- detail panels

_panels: dict[str, list[Callable]] = {}


def add_panels(model, provider: Callable) -> None:
    """``provider(obj, user) -> list[Panel]`` adds panels to the detail page of ``model`` (a label or class)."""
    providers = _panels.setdefault(model_key(model), [])
    if provider not in providers:
        providers.append(provider)


def panels_for(obj, user) -> list:
    """The panels the other apps add to ``obj``'s detail page, in registration order."""
    found = []
    for provider in _panels.get(model_key(obj), ()):
        found.extend(provider(obj, user))
    return found


# --------------------------------------------------------------------------- list features


@dataclass(frozen=True)
class ListFeature:
    """Something an app adds to another entity's pages: URL patterns and list-page context."""

    urls: Callable | None = None  # urls(entity) -> list of URL patterns (in the entity's app namespace)
    list_context: Callable | None = None  # list_context(entity, request) -> dict


_list_features: dict[str, list[ListFeature]] = {}


def add_list_feature(model, feature: ListFeature) -> None:
    features = _list_features.setdefault(model_key(model), [])
    if feature not in features:
        features.append(feature)


def feature_urls(entity) -> list:
    patterns = []
    for feature in _list_features.get(model_key(entity.model), ()):
        if feature.urls is not None:
            patterns.extend(feature.urls(entity))
    return patterns


def feature_list_context(entity, request) -> dict:
    context = {}
    for feature in _list_features.get(model_key(entity.model), ()):
        if feature.list_context is not None:
            context.update(feature.list_context(entity, request))
    return context


# --------------------------------------------------------------------------- one-provider slots


@dataclass
class Slot:
    """One function an upper app provides (the last registration wins); calling it before is an error."""

    name: str
    provider: Callable | None = field(default=None, repr=False)

    def provide(self, function: Callable) -> Callable:
        self.provider = function
        return function

    def __bool__(self) -> bool:
        return self.provider is not None

    def __call__(self, *args, **kwargs):
        if self.provider is None:
            raise LookupError(f"No app provides {self.name!r}.")
        return self.provider(*args, **kwargs)


#: ``list_export(queryset=, columns=, labels=, user=, model=, filters=, name=) -> HttpResponse``.
list_export = Slot("list_export")


# --------------------------------------------------------------------------- import kinds

#: kind -> dotted path of its ``ImportSpec`` (imported on first use; see ``parkparty.core.imports.IMPORT_KINDS``).
import_kinds: dict[str, str] = {}


def register_import_kind(kind: str, spec_path: str) -> None:
    """Offer the ``kind`` import workbook, declared by the spec at ``spec_path`` (``app.module.NAME``)."""
    import_kinds[kind] = spec_path
