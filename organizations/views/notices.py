"""Notices (通知) and their receipts (签收): issue, forward, sign for, and follow who has received them."""

from __future__ import annotations

import posixpath

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Notice, NoticeReceipt, OrganizationStatus, Park, PartyOrganization
from organizations.notice_services import (
    notice_edit,
    notice_forward_as,
    notice_forwardable_organizations,
    notice_issue_as,
    notice_reach,
    notice_sign,
)
from parkparty.core.filters import WorkbenchFilterSet
from parkparty.core.forms import ActionForm, WorkbenchModelForm
from parkparty.core.permissions import CHANGE, FORWARD, denied, sees_everything
from parkparty.core.views.generic import Action, Column, Entity
from parkparty.core.views.generic.base import EntityView
from parkparty.core.views.generic.objects import ObjectDetailView

from .activities import CheckboxList, year_choices
from .requests import InstanceActionView

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "wps", "xls", "xlsx", "et", "txt", "jpg", "jpeg", "png", "zip")


class OrganizationChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.park.name}）"


# --- forms -----------------------------------------------------------------------


class NoticeForm(WorkbenchModelForm):
    """A notice; when issuing, the county picks parks and park staff pick organizations."""

    fieldsets = [
        (gettext_lazy("Notice"), ["title", "reference_number", "issued_on", "deadline", "body", "attachment"]),
        (gettext_lazy("Send to"), ["parks", "organizations"]),
    ]

    class Meta(WorkbenchModelForm.Meta):
        model = Notice
        fields = ["title", "reference_number", "issued_on", "deadline", "body", "attachment"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"deadline": gettext_lazy("Addressees who sign for it later are marked late.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("PDF, OFD, Word, WPS, Excel, text, image or ZIP file, at most 20 MB.")
        if self.instance.pk is not None:
            return  # addressees change only by forwarding
        if sees_everything(self.user):  # the county issues to parks
            self.fields["parks"] = forms.ModelMultipleChoiceField(
                label=_("Parks"),
                queryset=Park.objects.for_user(self.user).order_by("sort_order", "code"),
                widget=CheckboxList(box_id="notice-parks"),
                help_text=_("Each park signs for the notice and forwards it to its organizations."),
            )
        else:
            self.fields["organizations"] = OrganizationChoices(
                label=_("Party organizations"),
                queryset=organizations_in_scope(self.user),
                widget=CheckboxList(box_id="notice-organizations"),
                help_text=_("Each organization's secretary signs for the notice."),
            )
        if not self.is_bound:
            self.initial["issued_on"] = self.initial.get("issued_on") or timezone.localdate()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload or not hasattr(upload, "size") or upload is self.instance.attachment:
            return upload
        extension = posixpath.splitext(upload.name)[1].lower().lstrip(".")
        if extension not in ATTACHMENT_EXTENSIONS:
            raise forms.ValidationError(
                _("Attach a PDF, OFD, Word, WPS, Excel, text, image or ZIP file."), code="extension"
            )
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(_("The attachment is larger than 20 MB."), code="too_large")
        return upload


def organizations_in_scope(user):
    return (
        PartyOrganization.objects.for_user(user)
        .exclude(status=OrganizationStatus.DISSOLVED)
        .select_related("park")
        .order_by("park__sort_order", "park__code", "name")
    )


class ForwardForm(ActionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"] = OrganizationChoices(
            label=_("Party organizations"),
            queryset=notice_forwardable_organizations(self.instance, self.user),
            widget=CheckboxList(box_id="forward-organizations"),
            help_text=_("Organizations that already have the notice are not listed."),
        )


FORWARD_ACTION = Action(
    name="forward",
    label=gettext_lazy("Forward"),
    form_class=ForwardForm,
    service=lambda notice, *, user, expected_version, organizations: notice_forward_as(
        notice, organizations=list(organizations), user=user
    ),
    button_class="btn-outline-primary",
    help_text=gettext_lazy("Send the notice on to organizations; each one's secretary signs for it."),
    permission=FORWARD,
)


# --- list filters ----------------------------------------------------------------


class NoticeFilterSet(WorkbenchFilterSet):
    year = django_filters.ChoiceFilter(
        label=gettext_lazy("year issued"), field_name="issued_on", lookup_expr="year", choices=year_choices
    )
    source = django_filters.ChoiceFilter(
        label=gettext_lazy("issued by"),
        choices=[("county", gettext_lazy("County")), ("park", gettext_lazy("Park"))],
        method="filter_source",
    )
    issuer_park = django_filters.ModelChoiceFilter(label=gettext_lazy("issuing park"), queryset=Park.objects.all())

    class Meta:
        model = Notice
        fields = ["year", "source", "issuer_park"]

    def filter_source(self, queryset, name, value):
        if value == "county":
            return queryset.filter(issuer_park__isnull=True)
        if value == "park":
            return queryset.filter(issuer_park__isnull=False)
        return queryset


# --- views -----------------------------------------------------------------------


class NoticeDetailView(ObjectDetailView):
    """The notice, every receipt in scope (late ones marked) and what this user may do with it."""

    def render(self, view, context, status=200, page_label=""):
        notice = context["object"]
        user = self.request.user
        today = timezone.localdate()
        receipts = list(
            NoticeReceipt.objects.for_user(user)
            .filter(notice=notice)
            .select_related("park", "organization", "received_by")
            .order_by("park__sort_order", "park__code", "organization__name", "pk")
        )
        signable = set(NoticeReceipt.objects.for_user(user, CHANGE).filter(notice=notice).values_list("pk", flat=True))
        rows = []
        for receipt in receipts:
            receipt.notice = notice
            late = receipt.is_late(today)
            if receipt.received_at is not None:
                state, label = ("late", _("Signed for late")) if late else ("received", _("Signed for"))
            else:
                state, label = (
                    ("overdue", _("Not signed for, past the deadline"))
                    if late
                    else ("pending", _("Not signed for yet"))
                )
            mine = receipt.pk in signable
            rows.append(
                {
                    "receipt": receipt,
                    "addressee": receipt.organization or receipt.park,
                    "state": state,
                    "state_label": label,
                    "late": late,
                    "sign_url": reverse("organizations:notice_receive", args=[notice.pk, receipt.pk])
                    if mine and receipt.received_at is None
                    else "",
                }
            )
        context.update(
            {
                "receipt_rows": rows,
                "to_sign": [row for row in rows if row["sign_url"]],
                "received_total": sum(1 for r in receipts if r.received_at is not None),
                "late_total": sum(1 for row in rows if row["late"]),
                "forward_url": reverse("organizations:notice_forward", args=[notice.pk])
                if notice_reach(notice, user)
                else "",
                "attachment_url": reverse("organizations:notice_attachment", args=[notice.pk])
                if notice.attachment
                else "",
                "attachment_name": posixpath.basename(notice.attachment.name) if notice.attachment else "",
            }
        )
        return super().render(view, context, status, page_label)


class NoticeForwardView(InstanceActionView):
    def action(self):
        return FORWARD_ACTION

    def get_object(self):
        notice = super().get_object()
        if not notice_reach(notice, self.request.user):
            raise denied(FORWARD, notice)
        return notice


class NoticeReceiveView(EntityView):
    """Sign for one receipt (POST); only its addressee may."""

    def get(self, request, pk, receipt):
        return HttpResponseRedirect(self.get_object().get_absolute_url())

    def post(self, request, pk, receipt):
        notice = self.get_object()
        found = get_object_or_404(NoticeReceipt.objects.for_user(request.user), pk=receipt, notice=notice)
        if found.received_at is not None:
            messages.info(request, _("This notice was already signed for."))
        else:
            notice_sign(found, user=request.user)
            messages.success(request, _("Signed for the notice."))
        return HttpResponseRedirect(notice.get_absolute_url())


class NoticeAttachmentView(EntityView):
    def get(self, request, pk):
        notice = self.get_object()
        if not notice.attachment:
            raise Http404(_("This notice has no attachment."))
        try:
            handle = notice.attachment.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file is missing.")) from None
        return FileResponse(handle, as_attachment=True, filename=posixpath.basename(notice.attachment.name))


# --- entity --------------------------------------------------------------------


class NoticeEntity(Entity):
    model = Notice
    columns = [
        Column("issued_on", sort="issued_on"),
        Column("title", sort="title", link=True),
        Column("reference_number", sort="reference_number"),
        Column("issuer_name", label=gettext_lazy("issued by"), sort="issuer_park__name"),
        Column("deadline", sort="deadline"),
        Column("receipt_count", label=gettext_lazy("addressees"), sort="receipt_count", numeric=True),
        Column("received_count", label=gettext_lazy("signed for"), sort="received_count", numeric=True),
        Column("late_count", label=gettext_lazy("late"), sort="late_count", numeric=True),
    ]
    search_fields = ("title", "reference_number")
    search_help = gettext_lazy("Title or reference number")
    ordering = ("-issued_on", "-pk")
    list_select_related = ("issuer_park", "issued_by")
    form_class = NoticeForm
    detail_fields = [
        ("", ["title", "reference_number", "issuer_park", "issued_by", "issued_on", "deadline"]),
    ]

    @classmethod
    def urls(cls):
        replaced = {
            "notice_detail": NoticeDetailView,
        }
        patterns = []
        for pattern in super().urls():
            view = replaced.get(pattern.name)
            if view is not None:
                pattern = path(str(pattern.pattern), view.as_view(entity=cls), name=pattern.name)
            patterns.append(pattern)
        return [
            *patterns,
            path("notice/<int:pk>/forward/", NoticeForwardView.as_view(entity=cls), name="notice_forward"),
            path(
                "notice/<int:pk>/receipts/<int:receipt>/receive/",
                NoticeReceiveView.as_view(entity=cls),
                name="notice_receive",
            ),
            path("notice/<int:pk>/attachment/", NoticeAttachmentView.as_view(entity=cls), name="notice_attachment"),
        ]

    @classmethod
    def queryset(cls, user):
        today = timezone.localdate()
        receipts = NoticeReceipt.objects.for_user(user).filter(notice=OuterRef("pk")).order_by()

        def count(queryset):
            counted = queryset.values("notice").annotate(count=Count("pk")).values("count")
            return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

        late = Q(received_at__isnull=True, notice__deadline__lt=today) | Q(received_at__date__gt=F("notice__deadline"))
        return (
            super()
            .queryset(user)
            .annotate(
                issuer_name=Coalesce("issuer_park__name", Value(_("County organization department"))),
                receipt_count=count(receipts),
                received_count=count(receipts.filter(received_at__isnull=False)),
                late_count=count(receipts.filter(late)),
            )
        )

    @classmethod
    def filterset_class(cls):
        return NoticeFilterSet

    @classmethod
    def save(cls, form, user):
        if form.instance.pk is None:
            return notice_issue_as(
                form.instance,
                user=user,
                parks=form.cleaned_data.get("parks") or [],
                organizations=form.cleaned_data.get("organizations") or [],
            )
        return notice_edit(form.instance, user=user, expected_version=form.expected_version)


ENTITIES = [NoticeEntity]
