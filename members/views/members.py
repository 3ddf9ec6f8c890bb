"""Party members: roster with masked personal data, the grouped form, ending and confirming a membership.

Also the helpers the other member pages share: search by name or by what
the masked ID number or phone shows (in full for roles that may see it),
member choices labelled with their organization, and service wrappers
that put a service's field errors on an action form.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from members.models import (
    STAGE_DATES,
    Applicant,
    Commendation,
    DuesPayment,
    EndReason,
    Member,
    MemberCategory,
    MembershipEvent,
    MemberStatus,
    PioneerPost,
)
from members.services import member_confirm_full, member_create, member_end
from organizations.models import Activity, Park, PartyOrganization
from parkparty.core.filters import WorkbenchFilterSet
from parkparty.core.forms import ActionForm, WorkbenchModelForm
from parkparty.core.forms import past_date_field as date_field
from parkparty.core.permissions import REVEAL, may
from parkparty.core.services import StaleEditError
from parkparty.core.validators import normalize_resident_id
from parkparty.core.views.generic import Action, Column, Entity, Panel, panel

# --- shared helpers -------------------------------------------------------------


#: The last four characters of an ID number (the last may be X) or of a phone, as the masked form shows them.
LAST_FOUR = re.compile(r"\*{0,14}(\d{3}[\dX])")
#: A masked ID number as shown, 360426********1234.
MASKED_ID = re.compile(r"(\d{6})\*{8}(\d{3}[\dX])")
#: A masked mobile number as shown, 138****5678.
MASKED_PHONE = re.compile(r"(\d{3})\*{4}(\d{4})")


def search_people(queryset, text: str, *, user, name: str = "name", id_number: str = "id_number", phone: str = "phone"):
    """Match a name by its part, or an ID number or phone by what its masked form shows.

    Everyone may search by the last four characters of an ID number or phone, or by a
    masked value as it is shown (``360426********1234``, ``138****5678``): that finds
    nothing the list does not already show. Only users who may see personal numbers in
    full (``parkparty.core.permissions``, ``REVEAL``) may search by a full ID number or phone;
    parts of the hidden digits are never matched, so they cannot be read back by trying.
    """
    text = text.strip()
    if not text:
        return queryset
    query = Q(**{f"{name}__icontains": text})
    compact = text.replace(" ", "").replace("-", "").upper()
    if may(user, REVEAL, queryset.model):
        full_id = normalize_resident_id(text)
        if len(full_id) == 18:
            query |= Q(**{id_number: full_id})
        if compact.isdigit() and len(compact) >= 7:
            query |= Q(**{phone: compact})
    if match := LAST_FOUR.fullmatch(compact):
        tail = match.group(1)
        query |= Q(**{f"{id_number}__endswith": tail})
        if tail.isdigit():
            query |= Q(**{f"{phone}__endswith": tail})
    elif match := MASKED_ID.fullmatch(compact):
        head, tail = match.groups()
        query |= Q(**{f"{id_number}__startswith": head, f"{id_number}__endswith": tail})
    elif match := MASKED_PHONE.fullmatch(compact):
        head, tail = match.groups()
        query |= Q(**{f"{phone}__startswith": head, f"{phone}__endswith": tail})
    return queryset.filter(query)


def people_search_notice(user, text: str, model=Member) -> str:
    """Tell a user who may not search full numbers that the full ID number or phone they typed was not searched."""
    compact = text.strip().replace(" ", "").replace("-", "")
    if may(user, REVEAL, model) or len(compact) < 7 or not compact[:-1].isdigit():
        return ""
    return _(
        "A full or partial ID number or phone is not searched for your role: search by name, "
        "or by the last 4 digits as the masked numbers show them."
    )


def people_search_hint(user, model=Member) -> str:
    """The placeholder of a people list's search box: what ``user`` may search by."""
    if may(user, REVEAL, model):
        return _("Name, full ID number or phone, or their last 4 digits")
    return _("Name, or the last 4 digits of the ID number or phone")


def member_label(member: Member) -> str:
    """A member with their organization, so that namesakes can be told apart."""
    return f"{member.name}（{member.organization.name}）"


def member_choices(form, name: str = "member") -> None:
    """Label the form's member choices with the organization (fetched in the same query)."""
    field = form.fields[name]
    field.queryset = field.queryset.select_related("organization").order_by("organization__name", "name")
    field.label_from_instance = member_label


def with_field_errors(service, renames: dict[str, str]):
    """Wrap an action's service so that model field errors show on the action form's own fields."""

    def run(obj, **kwargs):
        try:
            return service(obj, **kwargs)
        except StaleEditError:
            raise
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            errors: dict[str, list] = {}
            for key, messages in exc.error_dict.items():
                errors.setdefault(renames.get(key, key), []).extend(messages)
            raise ValidationError(errors) from None

    return run


# --- members --------------------------------------------------------------------


class MemberForm(WorkbenchModelForm):
    fieldsets = [
        (_("Identity"), ["name", "id_number", "gender", "ethnicity", "education", "phone"]),
        (
            _("Party membership"),
            [
                "organization",
                "category",
                "joined_on",
                "full_on",
                "transferred_in_on",
                "whole_organization",
                "counterpart",
            ],
        ),
        (_("Work"), ["enterprise", "is_frontline", "status"]),
        (_("Notes"), ["notes"]),
    ]

    whole_organization = forms.BooleanField(label=_("whole-organization transfer"), required=False)
    counterpart = forms.CharField(
        label=_("transferred from"),
        max_length=150,
        required=False,
        help_text=_("For a transfer in: the organization the member comes from."),
    )

    class Meta(WorkbenchModelForm.Meta):
        model = Member
        # The end of a membership is its own action (a reason and a date), never an edit.
        fields = [
            "name",
            "id_number",
            "gender",
            "ethnicity",
            "education",
            "phone",
            "organization",
            "category",
            "joined_on",
            "full_on",
            "transferred_in_on",
            "enterprise",
            "is_frontline",
            "status",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].help_text = _("Left blank, it is taken from the ID number.")
        if self.instance.pk is not None:
            # The transfer that brought the member here is recorded once, when the member is registered.
            del self.fields["whole_organization"]
            del self.fields["counterpart"]
            if self.instance.category == MemberCategory.PROBATIONARY:
                for name in ("category", "full_on"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Use “Confirm full membership” when the probation ends.")

    def clean(self):
        data = super().clean()
        if data.get("whole_organization") and not data.get("transferred_in_on"):
            self.add_error("whole_organization", _("Only a transfer in can be a whole-organization transfer."))
        if data.get("counterpart") and not data.get("transferred_in_on"):
            self.add_error("counterpart", _("Give the transfer-in date as well."))
        return data


class MemberFilter(WorkbenchFilterSet):
    CURRENT, ENDED, ALL = "current", "ended", "all"

    membership = django_filters.ChoiceFilter(
        label=_("membership"),
        choices=[(CURRENT, _("Current members")), (ENDED, _("Ended memberships")), (ALL, _("All"))],
        empty_label=None,
        method="filter_membership",
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Party organization"), queryset=PartyOrganization.objects.all()
    )
    park = django_filters.ModelChoiceFilter(
        label=_("park"), field_name="organization__park", queryset=Park.objects.all()
    )
    category = django_filters.ChoiceFilter(label=_("category"), choices=MemberCategory.choices)
    status = django_filters.ChoiceFilter(label=_("member status"), choices=MemberStatus.choices)
    is_frontline = django_filters.BooleanFilter(label=_("frontline worker"))

    class Meta:
        model = Member
        fields = ["membership", "park", "organization", "category", "status", "is_frontline"]

    def __init__(self, data=None, *args, **kwargs):
        # Current members unless asked otherwise, also on the first visit (no query string at all).
        if data is None or not data.get("membership"):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["membership"] = self.CURRENT
        super().__init__(data, *args, **kwargs)

    def filter_membership(self, queryset, name, value):
        if value == self.CURRENT:
            return queryset.filter(ended_on__isnull=True)
        if value == self.ENDED:
            return queryset.filter(ended_on__isnull=False)
        return queryset


class EndMembershipForm(ActionForm):
    reason = forms.ChoiceField(label=_("reason membership ended"), choices=[("", "---------"), *EndReason.choices])
    on = date_field(_("membership ended on"))
    whole_organization = forms.BooleanField(label=_("whole-organization transfer"), required=False)
    counterpart = forms.CharField(
        label=_("transferred to"),
        max_length=150,
        required=False,
        help_text=_("For a transfer out: the organization the member moves to."),
    )
    note = forms.CharField(label=_("note on ending"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        transfer = data.get("reason") == EndReason.TRANSFERRED_OUT
        if data.get("whole_organization") and not transfer:
            self.add_error("whole_organization", _("Only a transfer out can be a whole-organization transfer."))
        if data.get("counterpart") and not transfer:
            self.add_error("counterpart", _("Only a transfer out names the organization moved to."))
        return data


class ConfirmFullForm(ActionForm):
    on = date_field(_("full membership on"))


def _current(member: Member) -> bool:
    return member.ended_on is None


def _probationary(member: Member) -> bool:
    return member.ended_on is None and member.category == MemberCategory.PROBATIONARY


class MemberEntity(Entity):
    model = Member
    columns = [
        Column("name", sort="name", link=True),
        Column("gender", sort="gender"),
        Column("organization.name", label=_("Party organization"), sort="organization__name"),
        Column("enterprise.name", label=_("workplace"), sort="enterprise__name"),
        Column("category", sort="category"),
        Column("status", sort="status", badge=True),
        Column("joined_on", sort="joined_on"),
        Column("id_number"),
        Column("phone"),
    ]
    ordering = ("organization__name", "name")
    list_select_related = ("organization", "enterprise")
    form_class = MemberForm
    detail_fields = [
        *MemberForm.fieldsets[:1],
        (_("Party membership"), ["organization", "category", "joined_on", "full_on", "transferred_in_on"]),
        *MemberForm.fieldsets[2:],
        (_("End of membership"), ["ended_on", "end_reason", "end_note"]),
    ]
    actions = [
        Action(
            name="confirm_full",
            label=_("Confirm full membership"),
            form_class=ConfirmFullForm,
            service=with_field_errors(member_confirm_full, {"full_on": "on"}),
            available=_probationary,
            button_class="btn-outline-primary",
            help_text=_("The probationary member becomes a full member on this date, at least one year after joining."),
        ),
        Action(
            name="end",
            label=_("End membership"),
            form_class=EndMembershipForm,
            service=with_field_errors(member_end, {"ended_on": "on", "end_reason": "reason", "end_note": "note"}),
            available=_current,
            help_text=_("The member stays on record with the reason and date; they leave the list of current members."),
        ),
    ]

    @classmethod
    def filterset_class(cls):
        return MemberFilter

    @classmethod
    def search(cls, queryset, text: str, user):
        return search_people(queryset, text, user=user)

    @classmethod
    def search_hint(cls, user) -> str:
        return people_search_hint(user)

    @classmethod
    def search_notice(cls, user, text: str) -> str:
        return people_search_notice(user, text)

    @classmethod
    def save(cls, form, user):
        if form.instance.pk is None:
            return member_create(
                form.instance,
                user=user,
                whole_organization=form.cleaned_data.get("whole_organization", False),
                counterpart=form.cleaned_data.get("counterpart", ""),
            )
        return super().save(form, user)

    @classmethod
    def related(cls, obj, user):
        today = timezone.localdate()
        events = MembershipEvent.objects.for_user(user).filter(member=obj).select_related("organization")
        application = Applicant.objects.for_user(user).filter(member=obj).first()
        activities = (
            Activity.objects.for_user(user)
            .filter(attendees=obj)
            .select_related("organization")
            .order_by("-held_on", "-pk")[:20]
        )
        posts = PioneerPost.objects.for_user(user).filter(member=obj).order_by("-started_on")
        commendations = Commendation.objects.for_user(user).filter(member=obj).order_by("-year")
        dues = list(DuesPayment.objects.for_user(user).filter(member=obj, month__year=today.year).order_by("month"))
        for payment in dues:
            payment.month_label = f"{payment.month:%Y-%m}"
        add = [reverse(f"members:{name}_add") for name in ("pioneerpost", "commendation", "duespayment")]
        return [
            panel(
                _("Membership events"),
                events.order_by("date", "pk"),
                [
                    Column("date"),
                    Column("kind"),
                    Column("organization.name", label=_("Party organization")),
                    Column("whole_organization"),
                    Column("counterpart"),
                    Column("note"),
                ],
                user,
                model=MembershipEvent,
                link=False,
            ),
            development_panel(application),
            panel(
                _("Activities attended (latest 20)"),
                activities,
                [Column("held_on"), Column("kind"), Column("title"), Column("organization.name", label=_("organizer"))],
                user,
                model=Activity,
                empty=_("No attendance recorded yet."),
            ),
            panel(
                _("Pioneer posts"),
                posts,
                [Column("title"), Column("kind"), Column("started_on"), Column("ended_on")],
                user,
                model=PioneerPost,
                add_url=f"{add[0]}?member={obj.pk}",
            ),
            panel(
                _("Commendations"),
                commendations,
                [Column("year"), Column("kind"), Column("conferred_by"), Column("awarded_on")],
                user,
                model=Commendation,
                add_url=f"{add[1]}?member={obj.pk}&organization={obj.organization_id}",
            ),
            panel(
                _("Party dues this year"),
                dues,
                [
                    Column("month_label", label=_("month")),
                    Column("amount_due", numeric=True),
                    Column("amount_paid", numeric=True),
                    Column("arrears", label=_("arrears (yuan)"), numeric=True),
                    Column("paid_on"),
                ],
                user,
                model=DuesPayment,
                add_url=f"{add[2]}?member={obj.pk}",
                empty=_("No dues recorded for this year."),
            ),
        ]


def development_panel(application: Applicant | None) -> Panel:
    """The development dates of a member who came through the pipeline here."""
    rows = []
    if application is not None:
        url = application.get_absolute_url()
        for field, label in STAGE_DATES:
            value = getattr(application, field)
            rows.append(
                {
                    "cells": [
                        {"value": capfirst(label), "numeric": False},
                        {"value": value.strftime("%Y-%m-%d") if value else "—", "numeric": False},
                    ],
                    "url": url,
                }
            )
    return Panel(
        title=_("Development record"),
        headers=[{"label": _("stage"), "numeric": False}, {"label": _("date"), "numeric": False}],
        rows=rows,
        empty=_("The member joined the Party before records were kept here, or elsewhere."),
    )


ENTITIES = [MemberEntity]
