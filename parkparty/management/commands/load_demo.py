"""load_demo: the demo county ("一区五园", zone DEMO) and one demo login per role."""

import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from parkparty.demo import DEMO_CODE, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo county (zone DEMO and five sub-parks, 2023-2025 records) and the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="load the demo even though DJANGO_DEBUG is off (not for production)"
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "DJANGO_DEBUG is off, so this looks like a production server: the demo county was not loaded. "
                    "Run load_demo --force to load it anyway."
                )
            )
        started = time.monotonic()
        try:
            result = load_demo()
        except ValidationError as exc:
            raise CommandError(
                _("The demo county was not loaded: %(errors)s") % {"errors": "; ".join(exc.messages)}
            ) from None
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Demo county loaded: park %(code)s with five sub-parks (%(seconds).1f s).")
                    % {"code": DEMO_CODE, "seconds": time.monotonic() - started}
                )
            )
        else:
            self.stdout.write(
                _("The demo county (park %(code)s) is already loaded; nothing was changed.") % {"code": DEMO_CODE}
            )
        self.stdout.write(_("Demo logins (password %(password)s):") % {"password": DEMO_PASSWORD})
        for username, role in result.logins:
            self.stdout.write("  " + _("%(username)s: %(role)s") % {"username": username, "role": role})
