"""Helpers the organization views share: counting in a subquery, the member model, links to areas not built yet."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from organizations.models import PartyOrganization


def count_of(queryset) -> Subquery:
    """COUNT(*) of ``queryset`` (filtered on an OuterRef) as one correlated subquery per list query."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def member_model():
    """The members app's member model, reached through the relation it declares to organizations.

    ``members`` sits above ``organizations`` and is not imported here; its ``Member.organization``
    (related name ``members``) and ``Activity.attendees`` tie the two at the model level.
    """
    return PartyOrganization._meta.get_field("members").related_model


def optional_url(name: str, **query) -> str | None:
    """The URL of a view (with a query string), or None while that area is not built yet."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(query)}" if query else url
