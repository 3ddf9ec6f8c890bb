"""Province-scale generated data (``manage.py generate_scale``); see :mod:`parkparty.scale.builder`."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from organizations.models import Park, PartyOrganization
from parkparty.core.models import Role, User
from parkparty.core.services import save_record
from parkparty.demo.data import DEMO_PASSWORD
from parkparty.scale.builder import Options, ScaleBuilder
from parkparty.scale.writer import Sink, reset_sequences

#: The logins made for the generated county: username, role, family name, given name.
SCALE_USERS = (
    ("scale-staff", "park_staff", "林", "规模"),
    ("scale-county", "county_reviewer", "严", "规模"),
    ("scale-secretary", "secretary", "", ""),
    ("scale-admin", "administrator", "", ""),
)

#: Apps whose tables hold the county's data (emptied by ``--flush``).
DATA_APPS = ("organizations", "members")


class DataPresent(Exception):
    """The database already holds data (and no flush was asked for)."""


@dataclass
class ScaleResult:
    seconds: float
    counts: dict[str, int]
    logins: list[str]


def data_models() -> list:
    """Every model of the data apps, their history and many-to-many tables included, and the import log."""
    found = []
    for label in DATA_APPS:
        found += list(apps.get_app_config(label).get_models(include_auto_created=True))
    found += [apps.get_model("parkparty", "ImportBatch"), apps.get_model("parkparty", "HistoricalImportBatch")]
    return found


def holds_data() -> bool:
    """Whether any table of the data apps (or the import log) holds a row: ids are assigned after the highest
    stored one, so a leftover row anywhere would shift every id and the same seed would not give the same data."""
    return any(model._default_manager.exists() for model in data_models())


def blocking_users() -> list[str]:
    """Users other than the scale logins whose role ties them to a park or organization (a flush would orphan them)."""
    users = User.objects.exclude(username__in=[row[0] for row in SCALE_USERS])
    return list(users.filter(park__isnull=False).values_list("username", flat=True)) + list(
        users.filter(organization__isnull=False).values_list("username", flat=True)
    )


def flush() -> None:
    """Delete every row of the data apps (users and the audit log stay; the scale logins are detached)."""
    User.objects.filter(username__in=[row[0] for row in SCALE_USERS]).update(role="", park=None, organization=None)
    models = data_models()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        if connection.vendor == "sqlite":  # start the AUTOINCREMENT ids again from 1, as on PostgreSQL
            tables = [model._meta.db_table for model in models]
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608
    reset_sequences(models)


def analyze(models) -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL; autovacuum may be off or not yet run)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def ensure_users(builder: ScaleBuilder) -> list[str]:
    """The scale logins with the demo password, scoped to the first zone and one of its organizations."""
    zone = Park.objects.get(pk=builder.zones[0])
    org = (
        PartyOrganization.objects.filter(park__in=zone.descendant_ids(), status="active", secretary__isnull=False)
        .select_related("secretary")
        .order_by("pk")
        .first()
    )

    hashed = make_password(DEMO_PASSWORD)  # one hash for the four logins (each costs about a second)
    made = []
    for username, role, last_name, first_name in SCALE_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role, user.last_name, user.first_name = Role(role), last_name, first_name
        user.park = zone if role == Role.PARK_STAFF else None
        user.organization = org if role == Role.SECRETARY else None
        if role == Role.SECRETARY:
            if org is None:
                continue
            user.last_name, user.first_name = org.secretary.name[:1], org.secretary.name[1:]
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.must_change_password = False
        user.password, user.password_changed_at, user._password_set = hashed, timezone.now(), True
        save_record(user, user=None)
        made.append(username)
    return made


def generate(options: Options, *, flush_first: bool = False, batch_size: int = 50_000) -> ScaleResult:
    """Fill the database with the generated county; refuses a database with data unless ``flush_first``."""
    started = time.monotonic()
    with transaction.atomic():
        if holds_data():
            if not flush_first:
                raise DataPresent("the database already holds parks, enterprises, organizations or members")
            blockers = blocking_users()
            if blockers:
                raise DataPresent(f"users tied to parks or organizations would be orphaned: {', '.join(blockers)}")
            flush()
        # Ids the database assigns start from 1 again (sequences move on even when rows are rolled back or
        # deleted), so one seed gives the same rows whatever the database went through before.
        reset_sequences(data_models())
        sink = Sink(batch_size)
        builder = ScaleBuilder(options, sink)
        builder.build()
        reset_sequences(data_models())
        logins = ensure_users(builder)
    analyze(data_models())
    return ScaleResult(time.monotonic() - started, dict(sink.counts), logins)
