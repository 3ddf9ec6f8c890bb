"""What the simulated users of the load test sign in as, read and edit.

The set-up adds load-test logins beside the demo's (park staff of the demo
zone and county reviewers, never part of ``load_demo``) and picks the few
records every simulated editor edits at once. :func:`build_plan` writes it
all into one JSON-ready dict for the locustfile, which runs without Django.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from members.models import Member, MemberCategory
from organizations.models import Enterprise, EnterpriseStatus, Park
from parkparty.core.models import Role, User
from parkparty.core.services import save_record
from parkparty.demo import DEMO_CODE

#: The load-test logins' password (the accounts exist only in the load-test database).
LOAD_PASSWORD = "ParkParty-load-2026"  # noqa: S105
STAFF_PREFIX = "load-staff-"
COUNTY_PREFIX = "load-county-"
#: The demo year whose records are complete (seed 002's figures).
YEAR = 2023


@dataclass(frozen=True)
class EditTarget:
    """One record every simulated editor edits: its model (also its URL slug), id and version before the run."""

    model: str  # "enterprise" or "member"
    pk: int
    version_before: int

    @property
    def model_class(self):
        return {"enterprise": Enterprise, "member": Member}[self.model]


@transaction.atomic
def create_logins(*, staff: int, county: int) -> dict[str, list[str]]:
    """Park staff of the demo zone and county reviewers for the simulated users (existing ones are kept)."""
    zone = Park.objects.get(code=DEMO_CODE)
    password = make_password(LOAD_PASSWORD)  # hashed once: the accounts share the password
    names: dict[str, list[str]] = {Role.PARK_STAFF: [], Role.COUNTY_REVIEWER: []}
    for role, prefix, count, family in (
        (Role.PARK_STAFF, STAFF_PREFIX, staff, "压测"),
        (Role.COUNTY_REVIEWER, COUNTY_PREFIX, county, "县审"),
    ):
        for number in range(1, count + 1):
            username = f"{prefix}{number:02d}"
            names[role].append(username)
            if User.objects.filter(username=username).exists():
                continue
            user = User(username=username, role=role, last_name=family, first_name=f"{number:02d}号")
            if role == Role.PARK_STAFF:
                user.park = zone
            user.password = password
            save_record(user, user=None)
    return {"staff": names[Role.PARK_STAFF], "county": names[Role.COUNTY_REVIEWER]}


def pick_targets(*, enterprises: int, members: int) -> list[EditTarget]:
    """The first operating enterprises and current full members of the demo zone, by id."""
    zone_ids = Park.objects.get(code=DEMO_CODE).descendant_ids()
    chosen = Enterprise.objects.filter(park__in=zone_ids, status=EnterpriseStatus.OPERATING).order_by("pk")
    people = Member.objects.filter(
        organization__park__in=zone_ids, ended_on__isnull=True, category=MemberCategory.FULL
    ).order_by("pk")
    targets = [EditTarget("enterprise", e.pk, e.version) for e in chosen[:enterprises]]
    targets += [EditTarget("member", m.pk, m.version) for m in people[:members]]
    return targets


def reading_ids(limit: int = 40) -> dict[str, list[int]]:
    """Records of the demo zone the simulated users open (their detail pages)."""
    zone_ids = Park.objects.get(code=DEMO_CODE).descendant_ids()
    enterprises = Enterprise.objects.filter(park__in=zone_ids).order_by("pk").values_list("pk", flat=True)
    members = Member.objects.filter(organization__park__in=zone_ids).order_by("pk").values_list("pk", flat=True)
    return {"enterprise": list(enterprises[:limit]), "member": list(members[:limit])}


def build_plan(*, base_url: str, staff: int, county: int, targets: list[EditTarget], proxy_header) -> dict:
    """Everything the locustfile needs, as plain JSON data."""
    logins = create_logins(staff=staff, county=county)
    return {
        "run": uuid.uuid4().hex[:8],
        "base_url": base_url,
        "password": LOAD_PASSWORD,
        "logins": logins,
        "park": DEMO_CODE,
        "year": YEAR,
        "read": reading_ids(),
        "targets": [asdict(t) for t in targets],
        "proxy_header": list(proxy_header) if proxy_header else None,
    }
