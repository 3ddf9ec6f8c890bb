"""The Django admin, open to system administrators only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from parkparty.core.permissions import may_administer


class ParkPartyAdminSite(admin.AdminSite):
    """Admin site that only users with the administrator role may enter."""

    site_header = _("ParkParty administration")
    site_title = _("ParkParty administration")
    index_title = _("System administration")

    def password_change(self, request, extra_context=None):
        """One password page for everyone: the site's, which also ends a forced change."""
        from django.shortcuts import redirect

        return redirect("password_change")

    def has_permission(self, request) -> bool:
        return may_administer(request.user)
