"""Admin of members, the development pipeline, dues and commendations.

Members are never deleted, not even here: a membership ends with a reason
and a date, which the member's history and events keep.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parkparty.core.admin import ReadOnlyTabularInline, TrackedAdmin

from .models import (
    Applicant,
    Commendation,
    DevelopmentQuota,
    DuesPayment,
    Member,
    MembershipEvent,
    PioneerPost,
    Stage,
)


class MembershipEventInline(ReadOnlyTabularInline):
    model = MembershipEvent
    fields = ("date", "kind", "organization", "whole_organization", "counterpart", "note")
    readonly_fields = fields
    ordering = ("date", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization")


@admin.register(Member)
class MemberAdmin(TrackedAdmin):
    list_display = ("name", "gender", "organization", "category", "status", "joined_on", "ended_on", "end_reason")
    list_filter = ("category", "status", "ended_on", "end_reason", "gender", "education", "is_frontline")
    list_select_related = ("organization",)
    search_fields = ("name", "id_number", "phone")
    date_hierarchy = "joined_on"
    autocomplete_fields = ("organization", "enterprise")
    inlines = (MembershipEventInline,)
    # Ending a membership must record its event: use members.services.member_end.
    readonly_fields = (*TrackedAdmin.readonly_fields, "ended_on", "end_reason", "end_note")

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(MembershipEvent)
class MembershipEventAdmin(TrackedAdmin):
    list_display = ("date", "member", "kind", "organization", "whole_organization", "counterpart")
    list_filter = ("kind", "whole_organization", "organization__park")
    list_select_related = ("member", "organization")
    search_fields = ("member__name", "member__id_number", "counterpart", "organization__name")
    date_hierarchy = "date"
    autocomplete_fields = ("member", "organization")


@admin.register(PioneerPost)
class PioneerPostAdmin(TrackedAdmin):
    list_display = ("title", "kind", "member", "started_on", "ended_on")
    list_filter = ("kind", "member__organization__park")
    list_select_related = ("member",)
    search_fields = ("title", "member__name", "member__id_number")
    date_hierarchy = "started_on"
    autocomplete_fields = ("member",)


@admin.register(Applicant)
class ApplicantAdmin(TrackedAdmin):
    list_display = (
        "name",
        "organization",
        "stage_label",
        "applied_on",
        "activist_on",
        "candidate_on",
        "admitted_on",
        "full_on",
        "withdrawn_on",
    )
    list_filter = ("withdrawn_on", "candidate_on", "admitted_on", "gender", "organization__park")
    list_select_related = ("organization",)
    search_fields = ("name", "id_number", "phone")
    date_hierarchy = "applied_on"
    autocomplete_fields = ("organization", "enterprise", "member")

    @admin.display(description=_("stage"))
    def stage_label(self, obj: Applicant) -> str:
        stage = obj.stage
        return Stage(stage).label if stage else None


@admin.register(DevelopmentQuota)
class DevelopmentQuotaAdmin(TrackedAdmin):
    list_display = ("park", "year", "quota")
    list_filter = ("year", "park")
    list_select_related = ("park",)
    search_fields = ("park__name", "park__code")


@admin.register(DuesPayment)
class DuesPaymentAdmin(TrackedAdmin):
    list_display = ("month", "member", "amount_due", "amount_paid", "paid_on")
    list_filter = ("paid_on", "member__organization__park")
    list_select_related = ("member",)
    search_fields = ("member__name", "member__id_number")
    date_hierarchy = "month"
    autocomplete_fields = ("member",)


@admin.register(Commendation)
class CommendationAdmin(TrackedAdmin):
    list_display = ("year", "kind", "organization", "member", "conferred_by", "awarded_on", "bonus")
    list_filter = ("year", "kind", "organization__park")
    list_select_related = ("organization", "member")
    search_fields = ("organization__name", "member__name", "member__id_number", "conferred_by")
    autocomplete_fields = ("organization", "member")
