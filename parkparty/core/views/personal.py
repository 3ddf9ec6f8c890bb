"""How the workbench lists keep personal data hidden: no sort or filter on a hidden field, and the search limit's page.

The search restriction itself is :meth:`parkparty.core.views.generic.entity.Entity.search`
(and ``members.views.members.search_people``); the decision who may see
personal data in full is ``parkparty.core.permissions`` (the ``REVEAL`` action).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from parkparty.core import personal_data
from parkparty.core.permissions import REVEAL, may
from parkparty.core.throttle import SearchThrottled


def too_many_searches(request, exc: SearchThrottled, *, back_url: str) -> HttpResponse:
    """429 in the site layout: the user searched too often and should wait for the window to end."""
    message = _(
        "You have searched %(limit)s times within %(window)s seconds, the most allowed. "
        "Wait %(retry)s seconds, then search again."
    ) % {"limit": exc.limit, "window": exc.window, "retry": exc.retry_after}
    context = {
        "title": _("Too many searches"),
        "message": message,
        "back_url": back_url,
        "crumbs": [(_("Too many searches"), None)],
    }
    response = TemplateResponse(request, "parkparty/too_many_searches.html", context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def sortable_keys(entity, user) -> set[str]:
    """The sort keys ``user`` may order ``entity``'s list by: never a personal field they may not see."""
    reveal = None
    keys = set()
    for column in entity.columns:
        if not column.sort:
            continue
        if personal_data.mask_for(entity.model, column.sort):
            reveal = may(user, REVEAL, entity.model) if reveal is None else reveal
            if not reveal:
                continue
        keys.add(column.sort)
    return keys


def drop_personal_filters(filterset, model, user) -> None:
    """Remove the filters on personal fields for a user who may not see them in full (exact matches would leak)."""
    if may(user, REVEAL, model):
        return
    for name, found in list(filterset.filters.items()):
        if personal_data.mask_for(model, found.field_name or name):
            del filterset.filters[name]
