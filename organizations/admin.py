"""Admin of parks, enterprises, Party organizations and what they do."""

from django.contrib import admin

from parkparty.core.admin import TrackedAdmin, TrackedTabularInline

from .models import (
    Activity,
    ActivityAttachment,
    Enterprise,
    EnterpriseSurvey,
    Funding,
    Instructor,
    InstructorEvaluation,
    Notice,
    NoticeReceipt,
    Park,
    ParkStaffing,
    PartyOrganization,
    ServiceCenter,
    ServiceRequest,
)


@admin.register(Park)
class ParkAdmin(TrackedAdmin):
    list_display = ("code", "name", "parent", "sort_order")
    list_filter = ("parent",)
    list_select_related = ("parent",)
    search_fields = ("code", "name")


@admin.register(ParkStaffing)
class ParkStaffingAdmin(TrackedAdmin):
    list_display = ("park", "year", "posts_authorised", "posts_actual", "posts_vacant")
    list_filter = ("year", "park")
    list_select_related = ("park",)
    search_fields = ("park__name", "park__code")


class EnterpriseSurveyInline(TrackedTabularInline):
    model = EnterpriseSurvey
    fields = ("surveyed_on", "status", "employees", "members", "investor_is_member", "coverage_mode", "notes")


@admin.register(Enterprise)
class EnterpriseAdmin(TrackedAdmin):
    list_display = ("name", "uscc", "park", "status", "coverage_mode", "organization", "employees", "surveyed_on")
    list_filter = ("status", "coverage_mode", "no_organization_reason", "ownership", "investor_is_member", "park")
    list_select_related = ("park", "organization")
    search_fields = ("name", "uscc", "investor_name", "industry")
    autocomplete_fields = ("organization", "instructor")
    inlines = (EnterpriseSurveyInline,)


@admin.register(EnterpriseSurvey)
class EnterpriseSurveyAdmin(TrackedAdmin):
    list_display = ("enterprise", "surveyed_on", "status", "employees", "members", "coverage_mode")
    list_filter = ("status", "coverage_mode", "enterprise__park")
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    date_hierarchy = "surveyed_on"
    autocomplete_fields = ("enterprise",)


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(TrackedAdmin):
    list_display = ("name", "kind", "status", "formation_mode", "park", "secretary", "founded_on", "last_election_on")
    list_filter = (
        "status",
        "kind",
        "formation_mode",
        "is_demonstration_point",
        "demonstration_level",
        "primary_managing_body",
        "park",
    )
    list_select_related = ("park", "secretary")
    search_fields = ("name", "contact_phone")
    autocomplete_fields = ("parent", "secretary")


@admin.register(ServiceCenter)
class ServiceCenterAdmin(TrackedAdmin):
    list_display = ("name", "kind", "park", "organization", "opened_on", "closed_on")
    list_filter = ("kind", "park")
    list_select_related = ("park", "organization")
    search_fields = ("name", "address")
    date_hierarchy = "opened_on"
    autocomplete_fields = ("organization",)


class InstructorEvaluationInline(TrackedTabularInline):
    model = InstructorEvaluation
    fields = ("year", "quarter", "score", "comment")


@admin.register(Instructor)
class InstructorAdmin(TrackedAdmin):
    list_display = ("name", "park", "unit", "position", "phone", "appointed_on", "ended_on")
    list_filter = ("park",)
    list_select_related = ("park",)
    search_fields = ("name", "unit", "phone")
    inlines = (InstructorEvaluationInline,)


@admin.register(InstructorEvaluation)
class InstructorEvaluationAdmin(TrackedAdmin):
    list_display = ("instructor", "year", "quarter", "score")
    list_filter = ("year", "quarter", "instructor__park")
    list_select_related = ("instructor",)
    search_fields = ("instructor__name",)
    autocomplete_fields = ("instructor",)


class ActivityAttachmentInline(TrackedTabularInline):
    model = ActivityAttachment
    fields = ("kind", "file", "caption")


@admin.register(Activity)
class ActivityAdmin(TrackedAdmin):
    list_display = ("held_on", "title", "kind", "park", "organization", "expected_attendance", "actual_attendance")
    list_display_links = ("held_on", "title")
    list_filter = ("kind", "audience", "partner_department", "is_special_lecture", "park")
    list_select_related = ("park", "organization")
    search_fields = ("title", "location", "organizer", "organization__name")
    date_hierarchy = "held_on"
    autocomplete_fields = ("organization", "place", "attendees")
    inlines = (ActivityAttachmentInline,)


@admin.register(ActivityAttachment)
class ActivityAttachmentAdmin(TrackedAdmin):
    list_display = ("__str__", "kind", "activity")
    list_filter = ("kind", "activity__park")
    list_select_related = ("activity",)
    search_fields = ("caption", "file", "activity__title")
    autocomplete_fields = ("activity",)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(TrackedAdmin):
    list_display = ("received_on", "title", "category", "park", "enterprise", "status", "due_on", "closed_on")
    list_display_links = ("received_on", "title")
    list_filter = ("status", "category", "channel", "satisfaction", "park")
    list_select_related = ("park", "enterprise")
    search_fields = ("title", "handler", "handler_unit", "enterprise__name", "enterprise__uscc")
    date_hierarchy = "received_on"
    autocomplete_fields = ("enterprise",)


class NoticeReceiptInline(TrackedTabularInline):
    model = NoticeReceipt
    fields = ("park", "organization", "forwarded_at", "received_at", "received_by")
    autocomplete_fields = ("organization", "received_by")


@admin.register(Notice)
class NoticeAdmin(TrackedAdmin):
    list_display = ("issued_on", "title", "reference_number", "issuer_park", "deadline")
    list_display_links = ("issued_on", "title")
    list_filter = ("issuer_park",)
    list_select_related = ("issuer_park",)
    search_fields = ("title", "reference_number")
    date_hierarchy = "issued_on"
    autocomplete_fields = ("issued_by",)
    inlines = (NoticeReceiptInline,)


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(TrackedAdmin):
    list_display = ("notice", "park", "organization", "forwarded_at", "received_at", "received_by")
    list_filter = ("received_at", "park")
    list_select_related = ("notice", "park", "organization", "received_by")
    search_fields = ("notice__title", "organization__name")
    autocomplete_fields = ("notice", "organization", "received_by")


@admin.register(Funding)
class FundingAdmin(TrackedAdmin):
    list_display = ("paid_on", "organization", "kind", "amount", "months", "recipient")
    list_filter = ("kind", "organization__park")
    list_select_related = ("organization", "recipient")
    search_fields = ("organization__name", "recipient__name", "note")
    date_hierarchy = "paid_on"
    autocomplete_fields = ("organization", "recipient")
