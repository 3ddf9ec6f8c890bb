"""create_park CODE NAME [--parent CODE]: a park, for first set-up and scripting."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.models import Park
from organizations.services import park_create
from parkparty.core.services import format_validation_error


class Command(BaseCommand):
    help = "Create a park (a zone, or a sub-park with --parent)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="short code, letters, digits, '-' and '_'")
        parser.add_argument("name", help="the park's name")
        parser.add_argument("--parent", metavar="CODE", help="code of the zone this park belongs to")

    def handle(self, *args, code: str, name: str, parent: str | None, **options):
        parent_park = None
        if parent:
            parent_park = Park.objects.filter(code=parent).first()
            if parent_park is None:
                raise CommandError(_("No park has the code %(code)s.") % {"code": parent})
        try:
            park = park_create(code=code, name=name, parent=parent_park)
        except ValidationError as exc:
            errors = format_validation_error(Park, exc)
            raise CommandError(_("The park was not created: %(errors)s") % {"errors": errors}) from None
        self.stdout.write(_("Created park %(code)s %(name)s.") % {"code": park.code, "name": park.name})
