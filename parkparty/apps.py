"""App configs: the ParkParty core app and the admin restricted to administrators."""

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class ParkPartyConfig(AppConfig):
    name = "parkparty"
    verbose_name = _("Users and roles")


class ParkPartyAdminConfig(AdminConfig):
    default_site = "parkparty.admin_site.ParkPartyAdminSite"
