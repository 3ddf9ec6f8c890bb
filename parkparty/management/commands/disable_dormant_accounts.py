"""disable_dormant_accounts [--dry-run]: disable accounts without a sign-in for DORMANT_ACCOUNT_DAYS days."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parkparty.core.accounts import disable_dormant


class Command(BaseCommand):
    help = (
        "Disable accounts that have not signed in for PARKPARTY_DORMANT_ACCOUNT_DAYS days (never the last active "
        "administrator). Safe to run daily from cron; each disabled account is in the audit log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the dormant accounts, change nothing")

    def handle(self, *args, dry_run: bool, **options):
        days = settings.DORMANT_ACCOUNT_DAYS
        if days <= 0:
            self.stdout.write(_("PARKPARTY_DORMANT_ACCOUNT_DAYS is 0: dormant accounts are not disabled."))
            return
        users = disable_dormant(dry_run=dry_run)
        for user in users:
            self.stdout.write("  " + user.get_username())
        if dry_run:
            message = _("%(count)d accounts have not signed in for %(days)d days; nothing was changed (--dry-run).")
        else:
            message = _("%(count)d accounts that had not signed in for %(days)d days were disabled.")
        self.stdout.write(message % {"count": len(users), "days": days})
