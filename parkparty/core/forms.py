"""Form bases of the workbench: scoped choices, native date inputs, the edit version."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkparty.core.permissions import ScopedQuerySet

VERSION_MISSING = _(
    "This page did not say which version of the record it was editing, so nothing was saved. "
    "Open the record again and enter your changes."
)


def version_field() -> forms.IntegerField:
    """The hidden edit version: every change of a stored record must say which version it started from."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={"min_value": VERSION_MISSING, "invalid": VERSION_MISSING},
    )


def require_version(form: forms.Form, stored: bool) -> None:
    """A form about a stored record refuses a missing version (a new record has none)."""
    if "version" in form.errors:
        del form.errors["version"]  # a hidden field: say it at the top of the form instead
        form.add_error(None, forms.ValidationError(VERSION_MISSING, code="version_missing"))
    elif stored and form.cleaned_data.get("version") is None:
        form.add_error(None, forms.ValidationError(VERSION_MISSING, code="version_missing"))


def workbench_formfield(field: models.Field, **kwargs):
    """Native date inputs and Bootstrap-friendly widgets for every model field."""
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    if isinstance(field, models.DateTimeField):
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    if isinstance(field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
    return field.formfield(**kwargs)


def narrow_choices_to_scope(form: forms.Form, user) -> None:
    """Every model choice offers only records in the user's scope (the for_user choke point)."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, ScopedQuerySet):
            field.queryset = queryset.for_user(user)


def style_widgets(form: forms.Form) -> None:
    """Bootstrap classes on every widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def mark_invalid(form: forms.Form) -> None:
    """Bootstrap's ``is-invalid`` (and ``aria-invalid``) on the widget of every field with an error."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"


class WorkbenchModelForm(forms.ModelForm):
    """ModelForm whose choices are limited to the user's scope and which carries the edit version.

    ``fieldsets`` groups fields as the survey does: ``[(title, [field, …]), …]``.
    """

    version = version_field()
    fieldsets: list[tuple[str, list[str]]] = []

    class Meta:
        formfield_callback = workbench_formfield

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk is not None and not self.is_bound:
            self.fields["version"].initial = self.instance.version
        narrow_choices_to_scope(self, user)
        style_widgets(self)

    def clean(self):
        cleaned = super().clean()
        require_version(self, self.instance.pk is not None)
        return cleaned

    def full_clean(self):
        super().full_clean()
        mark_invalid(self)

    @property
    def expected_version(self) -> int | None:
        if self.instance.pk is None:
            return None
        return self.cleaned_data.get("version")

    def grouped_fields(self):
        """(title, [bound fields]) in fieldset order; ungrouped fields last."""
        seen = {"version"}
        groups = []
        for title, names in self.fieldsets:
            fields = [self[name] for name in names if name in self.fields]
            seen.update(names)
            if fields:
                groups.append((title, fields))
        rest = [self[name] for name in self.fields if name not in seen]
        if rest:
            groups.append((_("Other") if groups else "", rest))
        return groups


class ConfirmForm(forms.Form):
    """An empty form for confirmation pages (the CSRF token is the only input)."""


class DeleteForm(forms.Form):
    """The confirmation of a deletion: it names the version of the record the user saw."""

    version = version_field()

    def clean(self):
        cleaned = super().clean()
        require_version(self, True)
        return cleaned


def not_in_future(day: datetime.date | None) -> None:
    """Actions record what has happened: their dates are today or earlier."""
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def past_date_field(label, **kwargs) -> forms.DateField:
    """A native date input that refuses future dates."""
    return forms.DateField(label=label, widget=date_input(), validators=[not_in_future], **kwargs)


class ActionForm(forms.Form):
    """Base of every action form: the edit version travels with it, and it knows the record and the user."""

    version = version_field()

    def __init__(self, data=None, *, instance=None, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.instance = instance
        self.user = user

    def clean(self):
        cleaned = super().clean()
        require_version(self, getattr(self.instance, "pk", None) is not None)
        return cleaned
