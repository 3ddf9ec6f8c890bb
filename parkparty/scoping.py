"""The one scoping choke point.

Every scoped model's queryset is a :class:`ScopedQuerySet`; views, exports,
imports, reports and form choices read records only through
``Model.objects.for_user(user)``. What a user may see is worked out once per
user object by :func:`scope_for` and cached on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    """What one user may see and whether they may write.

    ``everything`` users see all records. Otherwise ``park_ids`` (park staff)
    or ``organization_ids`` (secretaries) bound what is visible; both empty
    means nothing is visible.
    """

    everything: bool = False
    park_ids: frozenset[int] = frozenset()
    organization_ids: frozenset[int] = frozenset()
    read_only: bool = True

    @property
    def sees_nothing(self) -> bool:
        return not self.everything and not self.park_ids and not self.organization_ids


NOTHING = Scope()


def tree_ids(model, root_id: int) -> frozenset[int]:
    """The id of a tree node and of all its descendants (one query per level)."""
    found = {root_id}
    frontier = {root_id}
    while frontier:
        frontier = set(model._default_manager.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return frozenset(found)


def scope_for(user) -> Scope:
    """Return (and cache on the user object) what ``user`` may see."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_parkparty_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._parkparty_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    from organizations.models import Park, PartyOrganization
    from parkparty.models import Role

    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return Scope(everything=True, read_only=False)
    if user.role == Role.COUNTY_REVIEWER:
        return Scope(everything=True, read_only=True)
    if user.role == Role.PARK_STAFF and user.park_id:
        return Scope(park_ids=tree_ids(Park, user.park_id), read_only=False)
    if user.role == Role.SECRETARY and user.organization_id:
        return Scope(organization_ids=tree_ids(PartyOrganization, user.organization_id), read_only=False)
    return NOTHING


def forget_scope(user) -> None:
    """Drop the cached scope, e.g. after the user's role or park changed."""
    if hasattr(user, "_parkparty_scope"):
        del user._parkparty_scope


class ScopedQuerySet(models.QuerySet):
    """QuerySet with the ``for_user`` choke point.

    Subclasses name the lookup from their model to ``Park``
    (``park_lookup``; empty string when the model is ``Park`` itself) and to
    ``PartyOrganization`` (``organization_lookup``; ``None`` when
    secretaries see none of these records). Models whose scope is not a plain
    path override :meth:`park_scope_q` or :meth:`organization_scope_q`.
    """

    park_lookup: ClassVar[str] = "park"
    organization_lookup: ClassVar[str | None] = "organization"

    def for_user(self, user) -> ScopedQuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self
        if scope.park_ids:
            return self.filter(self.park_scope_q(scope.park_ids))
        if scope.organization_ids:
            q = self.organization_scope_q(scope.organization_ids)
            if q is not None:
                return self.filter(q)
        return self.none()

    def park_scope_q(self, park_ids: frozenset[int]) -> Q:
        field = f"{self.park_lookup}__in" if self.park_lookup else "pk__in"
        return Q(**{field: park_ids})

    def organization_scope_q(self, organization_ids: frozenset[int]) -> Q | None:
        if self.organization_lookup is None:
            return None
        field = f"{self.organization_lookup}__in" if self.organization_lookup else "pk__in"
        return Q(**{field: organization_ids})


def scoped_queryset(park_lookup: str, organization_lookup: str | None) -> type[ScopedQuerySet]:
    """Build a ScopedQuerySet subclass for plain lookup paths."""
    return type(
        "ScopedQuerySet",
        (ScopedQuerySet,),
        {"park_lookup": park_lookup, "organization_lookup": organization_lookup},
    )
