"""purge_audit_log: delete audit log entries older than PARKPARTY_AUDIT_RETENTION_DAYS (at least 180)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parkparty.core.audit import purge


class Command(BaseCommand):
    help = (
        "Delete audit log entries older than PARKPARTY_AUDIT_RETENTION_DAYS days (never fewer than 180: the "
        "database refuses to delete younger entries). Safe to run daily from cron."
    )

    def handle(self, *args, **options):
        deleted = purge()
        self.stdout.write(
            _("%(count)d audit log entries older than %(days)d days were deleted.")
            % {"count": deleted, "days": settings.AUDIT_RETENTION_DAYS}
        )
