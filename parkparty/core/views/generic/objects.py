"""One record's pages: detail, history, create and edit, delete, business actions and the reveal of a masked value."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from parkparty.core import audit
from parkparty.core.forms import DeleteForm, style_widgets
from parkparty.core.history import effective_if_other_day, reason_label
from parkparty.core.masking import display_value
from parkparty.core.models import AuditKind
from parkparty.core.permissions import ADD, CHANGE, DELETE, REVEAL, VIEW, may
from parkparty.core.services import StaleEditError
from parkparty.core.views.generic.base import EntityView
from parkparty.core.views.generic.parts import Action, field_label


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
                mask = entity.masked_fields.get(name, "")
                items.append((field_label(entity.model, name), display_value(obj, name, request.user, mask=mask), name))
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
                    mask = self.entity.masked_fields.get(change.field, "")
                    changes.append(
                        {
                            "label": field_label(self.entity.model, change.field),
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
