"""The user admin and the options every ParkParty admin shares.

The admin is a system administrator's tool (see ``admin_site``). Every
model admin keeps simple_history's history view; edits made here are
recorded with the administrator as the history user.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.urls import NoReverseMatch
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from parkparty.core.accounts import AdminPasswordChangeForm, AdminUserCreationForm
from parkparty.core.lockout import unlock
from parkparty.core.models import ImportBatch, User
from parkparty.core.permissions import may_administer

#: The bookkeeping fields of ``TrackedModel``: shown, never edited.
TRACKED_READONLY_FIELDS = ("version", "created_at", "updated_at")


class AdministratorPermissionsMixin:
    """Grants the administrator role every admin permission on the model.

    The site lets in superusers and administrators only; without this an
    administrator who is not a superuser would find every model hidden.
    Subclasses may still refuse an action (e.g. deleting members).
    """

    def has_module_permission(self, request):
        return may_administer(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return may_administer(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):  # inlines also receive the parent object
        return may_administer(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return may_administer(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_administer(request.user) or super().has_delete_permission(request, obj)

    def view_on_site(self, obj):
        """The record's workbench page, or no "view on site" link when it has none (e.g. membership events)."""
        try:
            return obj.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            return None


class TrackedAdmin(AdministratorPermissionsMixin, SimpleHistoryAdmin):
    """Base admin of every ``TrackedModel``: history view, bookkeeping fields read-only."""

    readonly_fields = TRACKED_READONLY_FIELDS
    list_per_page = 50


class TrackedTabularInline(AdministratorPermissionsMixin, admin.TabularInline):
    """Inline rows of a ``TrackedModel``; no blank rows unless asked for."""

    extra = 0
    show_change_link = True


class ReadOnlyTabularInline(TrackedTabularInline):
    """Inline rows shown for reference only: no adding, changing or deleting here."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


#: Fields whose values never appear in the change history (password hashes, login times).
USER_HISTORY_HIDDEN_FIELDS = ("password", "last_login")
#: Django's own "Personal info" title, so its existing translation is used.
PERSONAL_INFO = DjangoUserAdmin.fieldsets[1][0]
ROLE_FIELDSET = (_("Role and scope"), {"fields": ("role", "park", "organization")})
PASSWORD_FIELDSET = (_("Password"), {"fields": ("must_change_password", "password_changed_at", "enabled_at")})


@admin.register(User)
class UserAdmin(AdministratorPermissionsMixin, SimpleHistoryAdmin, DjangoUserAdmin):
    """Users with their role and the park or organization the role applies to."""

    add_form = AdminUserCreationForm  # the new user must choose their own password at the first sign-in
    change_password_form = AdminPasswordChangeForm  # likewise after an administrator sets it
    fieldsets = (
        DjangoUserAdmin.fieldsets[0],
        (PERSONAL_INFO, {"fields": ("last_name", "first_name", "email", "phone")}),
        ROLE_FIELDSET,
        PASSWORD_FIELDSET,
        *DjangoUserAdmin.fieldsets[2:],  # permissions, important dates
    )
    readonly_fields = ("password_changed_at", "enabled_at")
    actions = ["unlock_sign_in"]
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (PERSONAL_INFO, {"fields": ("last_name", "first_name", "phone")}),
        ROLE_FIELDSET,
    )
    list_display = ("username", "last_name", "first_name", "role", "park", "organization", "is_staff", "is_active")
    list_filter = ("role", "park", "is_staff", "is_superuser", "is_active")
    list_select_related = ("park", "organization")
    search_fields = ("username", "last_name", "first_name", "email", "phone")
    autocomplete_fields = ("organization",)

    @admin.action(description=_("Unlock sign-in of the selected users (clear their failed attempts)"))
    def unlock_sign_in(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            unlock(username, request=request)
        self.message_user(
            request, _("Sign-in unlocked for %(users)s.") % {"users": "、".join(usernames)}, messages.SUCCESS
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """As simple_history does, but without password hashes and login times in the diff."""
        previous = None
        for current in historical_records:
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=USER_HISTORY_HIDDEN_FIELDS, foreign_keys_are_objs=foreign_keys_are_objs
                )
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


# Roles replace Django's groups here; keep the admin free of a second permission system.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(ImportBatch)
class ImportBatchAdmin(AdministratorPermissionsMixin, SimpleHistoryAdmin):
    """The log of committed Excel imports: read only."""

    list_display = ("created_at", "kind", "park", "user", "file_name", "created", "updated", "unchanged", "rejected")
    list_filter = ("kind", "park")
    list_select_related = ("park", "user")
    search_fields = ("file_name", "sha256")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
