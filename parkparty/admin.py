"""The core's admin registrations (``admin.autodiscover`` imports ``<app>.admin``); defined in parkparty.core."""

from parkparty.core import admin  # noqa: F401
