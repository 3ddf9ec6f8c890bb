"""The command-facing entry: build the demo county once and make sure its logins exist."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from organizations.models import Park, PartyOrganization
from parkparty.core.models import Role, User
from parkparty.core.services import save_record

from .builder import DemoBuilder
from .data import DEMO_CODE, DEMO_PASSWORD, DEMO_USERS, SECRETARY_ORG_KIND


@dataclass
class DemoResult:
    created: bool
    logins: list[tuple[str, str]]


def ensure_users(zone: Park) -> list[tuple[str, str]]:
    """Create the demo logins that are missing; existing users are left exactly as they are."""
    logins = []
    for username, role, last_name, first_name in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            logins.append((username, str(role.label)))
            continue
        user = User(username=username, role=role, last_name=last_name, first_name=first_name)
        if role == Role.PARK_STAFF:
            user.park = zone
        elif role == Role.SECRETARY:
            org = PartyOrganization.objects.filter(park__in=zone.descendant_ids(), kind=SECRETARY_ORG_KIND)
            org = org.order_by("pk").first()
            if org is None:
                continue
            user.organization = org
            if org.secretary:
                user.last_name, user.first_name = org.secretary.name[:1], org.secretary.name[1:]
        elif role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        save_record(user, user=None)
        logins.append((username, str(role.label)))
    return logins


@transaction.atomic
def load_demo() -> DemoResult:
    """Build the demo county unless the ``DEMO`` park exists; make sure the demo logins exist."""
    zone = Park.objects.filter(code=DEMO_CODE).first()
    created = zone is None
    if created:
        builder = DemoBuilder()
        builder.build()
        zone = builder.parks[DEMO_CODE]
    return DemoResult(created=created, logins=ensure_users(zone))
