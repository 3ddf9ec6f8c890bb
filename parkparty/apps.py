"""App configs: the ParkParty core app and the admin restricted to administrators."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from parkparty.core import audit_guard


class ParkPartyConfig(AppConfig):
    name = "parkparty"
    verbose_name = _("Users and roles")

    def ready(self):
        # Django's convention: modules that use models are imported once the app registry is ready.
        from parkparty.core import signals  # noqa: F401 — connects the audit receivers

        # Each app's ``extensions`` module registers what it adds to the pages of the apps below it.
        autodiscover_modules("extensions")
        post_migrate.connect(_install_audit_guard, sender=self, dispatch_uid="parkparty_audit_guard")


def _install_audit_guard(sender, using, **kwargs):
    """Keep the audit log's triggers after every migrate (SQLite loses them when a table is rebuilt)."""
    audit_guard.install(connections[using])


class ParkPartyAdminConfig(AdminConfig):
    default_site = "parkparty.core.admin_site.ParkPartyAdminSite"
