"""Activities (组织生活 and park activities): list, form with attendees and photos, photo pages."""

from __future__ import annotations

import mimetypes

import django_filters
from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organizations.activity_services import (
    activity_add_photos,
    activity_record,
    activity_remove_photo,
    check_photos,
    make_thumbnail,
)
from organizations.models import (
    Activity,
    ActivityAttachment,
    ActivityKind,
    AttachmentKind,
    Park,
    PartyOrganization,
)
from parkparty.core.filters import WorkbenchFilterSet, parse_id
from parkparty.core.forms import WorkbenchModelForm
from parkparty.core.masking import EMPTY
from parkparty.core.permissions import CHANGE, is_organization_user, may
from parkparty.core.views.generic import Column, Entity, Panel, panel
from parkparty.core.views.generic.base import EntityView
from parkparty.core.views.generic.objects import ObjectHistoryView

#: The members app's member model, reached through ``Activity.attendees`` (``members`` sits above this app).
Member = Activity._meta.get_field("attendees").related_model

ATTENDEE_CHOICES_ID = "attendee-choices"
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp")
FIRST_YEAR = 2010


def year_choices():
    """Years offered by the year filters, newest first."""
    return [(year, str(year)) for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


# --- form ---------------------------------------------------------------------


class MultipleImageInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several uploaded files at once; each is checked by the photo service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class CheckboxList(forms.CheckboxSelectMultiple):
    """A compact list of checkboxes in columns, inside a box with a fixed id (htmx may swap it)."""

    def __init__(self, *args, box_id: str, empty_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.box_id = box_id
        self.empty_text = empty_text

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        options = [option for _group, group_options, _index in groups for option in group_options]
        if not options:
            return format_html(
                '<div id="{}" class="checkbox-list form-text" aria-live="polite">{}</div>', self.box_id, self.empty_text
            )
        inner = format_html_join(
            "",
            '<div class="form-check"><input class="form-check-input" type="checkbox" name="{}" value="{}" '
            'id="{}"{}><label class="form-check-label" for="{}">{}</label></div>',
            (
                (
                    name,
                    option["value"],
                    option["attrs"]["id"],
                    mark_safe(" checked") if option["selected"] else "",
                    option["attrs"]["id"],
                    option["label"],
                )
                for option in options
            ),
        )
        return format_html(
            '<div id="{}" class="checkbox-list" aria-live="polite">{}</div>',
            self.box_id,
            inner,
        )


class ActivityForm(WorkbenchModelForm):
    fieldsets = [
        (gettext_lazy("Activity"), ["organization", "park", "kind", "title", "held_on"]),
        (
            gettext_lazy("Place and organizer"),
            ["place", "location", "organizer", "audience", "partner_department", "is_special_lecture"],
        ),
        (gettext_lazy("Attendance"), ["expected_attendance", "actual_attendance", "attendees"]),
        (gettext_lazy("Summary and photos"), ["summary", "photos"]),
    ]

    attendees = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Attendees"),
        queryset=Member.objects.none(),
        required=False,
        widget=CheckboxList(box_id=ATTENDEE_CHOICES_ID),
        help_text=gettext_lazy("Current members of the organization. Tick those who attended."),
    )
    photos = MultipleImageField(
        label=gettext_lazy("Add photos"),
        required=False,
        help_text=gettext_lazy("JPEG, PNG or WebP images, at most 10 MB each; several may be chosen at once."),
    )

    class Meta(WorkbenchModelForm.Meta):
        model = Activity
        fields = [
            "organization",
            "park",
            "kind",
            "title",
            "held_on",
            "place",
            "location",
            "organizer",
            "audience",
            "partner_department",
            "is_special_lecture",
            "expected_attendance",
            "actual_attendance",
            "summary",
        ]
        help_texts = {
            "park": gettext_lazy("Taken from the organization; choose it only for a park-wide activity."),
            "partner_department": gettext_lazy("Only for a joint inspection."),
            "is_special_lecture": gettext_lazy("Only for a Party lecture."),
            "actual_attendance": gettext_lazy(
                "Person-times. Leave empty to count the attendees ticked below; "
                "a training with several sessions may count more."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].required = False
        organizations = self.fields["organization"].queryset.select_related("park")
        self.fields["organization"].queryset = organizations
        if is_organization_user(self.user):
            # Secretaries record their own organization's life only; its park follows.
            self.fields["organization"].required = True
            del self.fields["park"]
            if not self.is_bound and self.instance.pk is None and not self.initial.get("organization"):
                only = list(organizations[:2])
                if len(only) == 1:
                    self.initial["organization"] = only[0].pk
        self.fields["organization"].widget.attrs.update(
            {
                "hx-get": self.attendees_url(),
                "hx-target": f"#{ATTENDEE_CHOICES_ID}",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        self.fields["attendees"].widget.empty_text = (
            _("This organization has no current members in your scope.")
            if self.chosen_organization_id()
            else _("Choose the organization first; its members appear here.")
        )
        self.fields["attendees"].queryset = self.attendee_queryset()
        if self.instance.pk is not None and not self.is_bound:
            self.initial["attendees"] = [member.pk for member in self.instance.attendees.all()]

    def attendees_url(self) -> str:
        url = reverse("organizations:activity_attendees")
        return f"{url}?activity={self.instance.pk}" if self.instance.pk else url

    def chosen_organization_id(self) -> int | None:
        if self.is_bound:
            raw = self.data.get(self.add_prefix("organization"))
        else:
            raw = self.initial.get("organization", self.instance.organization_id)
        return parse_id(getattr(raw, "pk", raw))

    def attendee_queryset(self):
        """Current members of the chosen organization (and whoever already attended, if they have left since)."""
        organization_id = self.chosen_organization_id()
        if organization_id is None:
            return Member.objects.none()
        members = Member.objects.for_user(self.user).filter(organization_id=organization_id)
        if self.instance.pk is not None:
            attended = Activity.attendees.through.objects.filter(activity_id=self.instance.pk).values("member_id")
            members = members.filter(Q(ended_on__isnull=True) | Q(pk__in=attended))
        else:
            members = members.current()
        return members.order_by("name", "pk")

    def clean(self):
        data = super().clean()
        organization = data.get("organization")
        if organization is not None:
            data["park"] = organization.park
            self.instance.park = organization.park
        elif "park" in self.fields and not data.get("park") and "park" not in self.errors:
            self.add_error("park", _("Choose the park of a park-wide activity, or an organization."))
        attendees = data.get("attendees") or []
        actual = data.get("actual_attendance")
        if actual is not None and actual < len(attendees):
            self.add_error(
                "actual_attendance", _("The attendance cannot be lower than the number of attendees picked.")
            )
        photos = data.get("photos") or []
        if photos:
            try:
                data["photos"] = check_photos(photos)
            except ValidationError as exc:
                self.add_error("photos", exc)
        return data


class PhotoUploadForm(forms.Form):
    photos = MultipleImageField(label=gettext_lazy("Add photos"))

    def clean_photos(self):
        return check_photos(self.cleaned_data["photos"])


# --- list filters --------------------------------------------------------------


class ActivityFilterSet(WorkbenchFilterSet):
    kind = django_filters.ChoiceFilter(label=gettext_lazy("kind"), choices=ActivityKind.choices)
    park = django_filters.ModelChoiceFilter(label=gettext_lazy("park"), queryset=Park.objects.all())
    organization = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Party organization"), queryset=PartyOrganization.objects.all()
    )
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("year"), field_name="held_on", lookup_expr="year", choices=year_choices
    )

    class Meta:
        model = Activity
        fields = ["kind", "park", "organization", "year"]


# --- entity --------------------------------------------------------------------


class ActivityEntity(Entity):
    model = Activity
    columns = [
        Column("held_on", sort="held_on"),
        Column("title", sort="title", link=True),
        Column("kind", sort="kind"),
        Column("organization.name", label=gettext_lazy("Party organization"), sort="organization__name"),
        Column("park.name", label=gettext_lazy("park"), sort="park__name"),
        Column("expected_attendance", label=gettext_lazy("expected"), sort="expected_attendance", numeric=True),
        Column("actual_attendance", label=gettext_lazy("attended"), sort="actual_attendance", numeric=True),
        Column("photo_count", label=gettext_lazy("photos"), sort="photo_count", numeric=True),
    ]
    search_fields = ("title", "summary")
    search_help = gettext_lazy("Title or summary")
    ordering = ("-held_on", "-pk")
    list_select_related = ("park", "organization", "place")
    form_class = ActivityForm
    detail_fields = [
        (gettext_lazy("Activity"), ["organization", "park", "kind", "title", "held_on"]),
        (
            gettext_lazy("Place and organizer"),
            ["place", "location", "organizer", "audience", "partner_department", "is_special_lecture"],
        ),
        (gettext_lazy("Attendance"), ["expected_attendance", "actual_attendance"]),
        (gettext_lazy("Summary"), ["summary"]),
    ]
    deletable = True

    @classmethod
    def urls(cls):
        return [
            path("activity/attendees/", AttendeeChoicesView.as_view(entity=cls), name="activity_attendees"),
            *[
                path(str(p.pattern), ActivityHistoryView.as_view(entity=cls), name=p.name)
                if p.name == "activity_history"
                else p
                for p in super().urls()
            ],
            path("activity/<int:pk>/photos/", PhotoUploadView.as_view(entity=cls), name="activity_photos"),
            path(
                "activity/<int:pk>/photos/<int:photo>/",
                PhotoFileView.as_view(entity=cls),
                name="activity_photo",
            ),
            path(
                "activity/<int:pk>/photos/<int:photo>/thumbnail/",
                PhotoFileView.as_view(entity=cls, thumbnail=True),
                name="activity_photo_thumbnail",
            ),
            path(
                "activity/<int:pk>/photos/<int:photo>/remove/",
                PhotoRemoveView.as_view(entity=cls),
                name="activity_photo_remove",
            ),
        ]

    @classmethod
    def queryset(cls, user):
        photos = (
            ActivityAttachment.objects.filter(activity=OuterRef("pk"), kind=AttachmentKind.PHOTO)
            .order_by()
            .values("activity")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .queryset(user)
            .annotate(photo_count=Coalesce(Subquery(photos, output_field=IntegerField()), Value(0)))
        )

    @classmethod
    def filterset_class(cls):
        return ActivityFilterSet

    @classmethod
    def related(cls, obj, user):
        attendees = obj.attendees.for_user(user).select_related("organization").order_by("name", "pk")
        attachments = list(obj.attachments.for_user(user).order_by("pk"))
        photos = [a for a in attachments if a.kind == AttachmentKind.PHOTO]
        documents = [a for a in attachments if a.kind != AttachmentKind.PHOTO]
        for item in attachments:
            item.view_url = reverse("organizations:activity_photo", args=[obj.pk, item.pk])
            item.thumbnail_url = reverse("organizations:activity_photo_thumbnail", args=[obj.pk, item.pk])
            item.remove_url = reverse("organizations:activity_photo_remove", args=[obj.pk, item.pk])
        return [
            Panel(
                title=_("Photos"),
                template="organizations/activity_photos.html",
                extra={
                    "photos": photos,
                    "documents": documents,
                    "upload_url": reverse("organizations:activity_photos", args=[obj.pk]),
                    "form": PhotoUploadForm(),
                    "may_change": may(user, CHANGE, obj),  # adding and removing photos changes the activity
                },
            ),
            panel(
                _("Attendees"),
                attendees,
                [Column("name"), Column("organization.name", label=_("Party organization")), Column("category")],
                user,
                model=Member,
                empty=_("No attendees recorded. Edit the activity to tick who attended."),
            ),
        ]

    @classmethod
    def save(cls, form, user):
        return activity_record(
            form.instance,
            attendees=form.cleaned_data.get("attendees") or [],
            photos=form.cleaned_data.get("photos") or [],
            user=user,
            expected_version=form.expected_version,
        )


# --- extra views ---------------------------------------------------------------


class ActivityHistoryView(ObjectHistoryView):
    """The generic history, with changes of attendees shown as names (one query for all entries)."""

    def render(self, view, context, status=200, page_label=""):
        label = capfirst(Activity._meta.get_field("attendees").verbose_name)
        entries = [e for e in context.get("entries", []) if any(c["label"] == label for c in e["changes"])]
        if entries:
            records = context["entries"]
            through = apps.get_model("organizations", "HistoricalActivity_attendees")
            rows = through.objects.filter(history_id__in=[e["record"].history_id for e in records])
            chosen: dict[int, list[int]] = {}
            for history_id, member_id in rows.values_list("history_id", "member_id"):
                chosen.setdefault(history_id, []).append(member_id)
            ids = {member_id for members in chosen.values() for member_id in members}
            names = dict(Member.objects.for_user(self.request.user).filter(pk__in=ids).values_list("pk", "name"))
            older_of = {records[i]["record"].history_id: records[i + 1]["record"] for i in range(len(records) - 1)}

            def members(record) -> str:
                listed = sorted(names.get(pk, f"#{pk}") for pk in chosen.get(record.history_id, []))
                return "、".join(listed) or EMPTY

            for entry in entries:
                older = older_of.get(entry["record"].history_id)
                for change in entry["changes"]:
                    if change["label"] == label:
                        change["old"] = members(older) if older is not None else EMPTY
                        change["new"] = members(entry["record"])
        return super().render(view, context, status, page_label)


class AttendeeChoicesView(EntityView):
    """The attendee checkboxes of one organization (htmx swaps them in when the organization changes)."""

    def get(self, request):
        activity = None
        activity_id = parse_id(request.GET.get("activity"))
        if activity_id is not None:
            activity = get_object_or_404(Activity.objects.for_user(request.user), pk=activity_id)
        organization = parse_id(request.GET.get("organization"))
        form = ActivityForm(instance=activity, user=request.user, initial={"organization": organization})
        if activity is not None and organization is not None and activity.organization_id == organization:
            form.initial["attendees"] = [member.pk for member in activity.attendees.all()]
        else:
            form.initial["attendees"] = []
        return HttpResponse(str(form["attendees"]))


class PhotoUploadView(EntityView):
    permission = CHANGE

    def get(self, request, pk):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, pk):
        activity = self.get_object()
        form = PhotoUploadForm(request.POST, request.FILES)
        if form.is_valid():
            saved = activity_add_photos(activity, photos=form.cleaned_data["photos"], user=request.user)
            messages.success(
                request,
                ngettext("%(count)s photo added.", "%(count)s photos added.", len(saved)) % {"count": len(saved)},
            )
        else:
            for error in form.errors.get("photos", []):
                messages.error(request, error)
        return HttpResponseRedirect(activity.get_absolute_url())


class PhotoFileView(EntityView):
    """A photo (or its thumbnail) of an activity in scope; files are never served outside the scope check."""

    thumbnail = False

    def get(self, request, pk, photo):
        activity = self.get_object()
        attachment = get_object_or_404(ActivityAttachment.objects.for_user(request.user), pk=photo, activity=activity)
        if self.thumbnail:
            name = make_thumbnail(attachment)
            if name is None:
                raise Http404(_("This file has no thumbnail."))
            response = FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg")
        else:
            if not attachment.file or not default_storage.exists(attachment.file.name):
                raise Http404(_("The file is missing."))
            content_type = mimetypes.guess_type(attachment.file.name)[0] or "application/octet-stream"
            # Only real photo types are shown in the browser; anything else is downloaded as bytes.
            is_photo = attachment.kind == AttachmentKind.PHOTO and content_type in INLINE_TYPES
            if not is_photo:
                content_type = "application/octet-stream"
            response = FileResponse(
                attachment.file.open("rb"),
                content_type=content_type,
                as_attachment=not is_photo,
                filename=attachment.file.name.rsplit("/", 1)[-1],
            )
        response["Cache-Control"] = "private, max-age=3600"
        return response


class PhotoRemoveView(EntityView):
    permission = CHANGE

    def get(self, request, pk, photo):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, pk, photo):
        activity = self.get_object()
        attachment = get_object_or_404(ActivityAttachment.objects.for_user(request.user), pk=photo, activity=activity)
        activity_remove_photo(attachment, user=request.user)
        messages.success(request, _("The photo was removed; the removal is kept in the history."))
        return HttpResponseRedirect(activity.get_absolute_url())


ENTITIES = [ActivityEntity]
