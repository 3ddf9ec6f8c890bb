"""Generic workbench views: list (and its Excel export), detail, create/edit, history, delete and actions.

Each entity is described once by an :class:`~.entity.Entity` subclass (columns,
search, filters, form, related panels, actions); :meth:`Entity.urls` builds
its URL patterns. Every read goes through ``for_user`` (out of scope is
404), every write through a service (``save_record`` by default), and
read-only roles get 403 on any write view.

- :mod:`.parts` — what an entity is described with (Column, Panel, Action), field labels, panels;
- :mod:`.base` — :class:`~.base.EntityView`, the base of every entity view;
- :mod:`.listing` — the list page, its Excel export, search, filters, sort and pages;
- :mod:`.objects` — one record's pages: detail, history, create/edit, delete, actions, reveal;
- :mod:`.entity` — :class:`~.entity.Entity`, which ties an entity to those pages.

The names every entity module uses are importable from here.
"""

from parkparty.core.views.generic.entity import Entity
from parkparty.core.views.generic.parts import Action, Column, Panel, panel

__all__ = ["Action", "Column", "Entity", "Panel", "panel"]
