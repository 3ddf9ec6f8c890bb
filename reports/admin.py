"""Admin of the reports app: the export log, read-only."""

from django.contrib import admin

from parkparty.core.permissions import may_administer

from .models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Who exported which list, with which filters, when and how many rows; never added, changed or deleted."""

    list_display = ("created_at", "user", "entity", "rows", "filters")
    list_filter = ("entity", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name", "user__first_name", "entity", "filters")
    date_hierarchy = "created_at"
    readonly_fields = ("user", "entity", "filters", "rows", "created_at")
    list_per_page = 50

    def has_module_permission(self, request):
        return may_administer(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_administer(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
