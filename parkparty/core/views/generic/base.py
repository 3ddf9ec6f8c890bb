"""The base of every entity view: the entity, the scoped object, the page's shared context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from parkparty.core.permissions import ADD, may, require
from parkparty.core.throttle import SearchThrottled
from parkparty.core.views.personal import too_many_searches

if TYPE_CHECKING:
    from parkparty.core.views.generic.entity import Entity


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
