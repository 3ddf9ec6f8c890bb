"""A separate process that fills and writes the database of ``DATABASE_URL`` for the backup tests.

    python -m tests.backup_workload seed
        the personas' world (tests/personas.py) with real photos and their thumbnails;
    python -m tests.backup_workload write STOPFILE
        records activities with a photo through the services, one transaction after another, until
        STOPFILE exists. Before the first and after every committed transaction it prints one JSON
        line: ``{"n": N, "max": {table: highest primary key}}`` — the state after transaction N, so
        a test can tell exactly which rows a snapshot taken between two transactions must hold.

It runs with the test settings (``tests.settings``) and the environment the test gives it.
"""

import datetime
import io
import json
import os
import sys
import time
from pathlib import Path

#: Upper bound on the transactions of one ``write`` run, should the stop file never come.
MAX_TRANSACTIONS = 3000


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()


def photo(n: int):
    """A real PNG of a few kilobytes, different for every ``n``, as a browser would upload it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64 + n % 50, 48), (n * 7 % 256, n * 13 % 256, n * 29 % 256)).save(buffer, "PNG")
    return SimpleUploadedFile(f"现场照片{n}.png", buffer.getvalue(), content_type="image/png")


def highest_keys() -> dict[str, int]:
    """The highest integer primary key of every table that has one."""
    from django.db import connection

    keys = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            column = connection.introspection.get_primary_key_column(cursor, table)
            if column is None:
                continue
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")  # noqa: S608
            value = cursor.fetchone()[0]
            if value is None or isinstance(value, int):
                keys[table] = value or 0
    return keys


def seed() -> None:
    from organizations.activity_services import activity_record, check_photo
    from organizations.models import Activity, ActivityKind

    from .personas import build_world

    world = build_world()
    for n, bundle in enumerate((world.in_a, world.in_a1, world.in_b), start=1):
        activity = Activity(
            organization=bundle.organization,
            park=bundle.park,
            kind=ActivityKind.THEME_DAY,
            title=f"备份前的主题党日{n}",
            held_on=datetime.date(2024, 5, n),
        )
        staff = world.staff_b if bundle is world.in_b else world.staff_a
        activity_record(activity, attendees=[], photos=[check_photo(photo(1000 + n))], user=staff)
    print(json.dumps({"seeded": True}), flush=True)


def write(stop: Path) -> None:
    from members.models import Member
    from organizations.activity_services import activity_record, check_photo
    from organizations.models import Activity, ActivityKind
    from parkparty.core.models import Role, User

    staff = User.objects.filter(role=Role.PARK_STAFF, park__isnull=False).order_by("pk").first()
    member = Member.objects.for_user(staff).order_by("pk").first()
    print(json.dumps({"n": 0, "max": highest_keys()}), flush=True)
    for n in range(1, MAX_TRANSACTIONS + 1):
        if stop.exists():
            break
        activity = Activity(
            organization=member.organization,
            park=member.organization.park,
            kind=ActivityKind.GROUP_MEETING,
            title=f"并发写入{n}",
            held_on=datetime.date(2025, 1 + n % 12, 1 + n % 28),
        )
        activity_record(activity, attendees=[member], photos=[check_photo(photo(n))], user=staff)
        print(json.dumps({"n": n, "max": highest_keys()}), flush=True)
        time.sleep(0.02)


def main(argv: list[str]) -> None:
    setup()
    if argv[1:2] == ["seed"]:
        seed()
    elif argv[1:2] == ["write"] and len(argv) == 3:
        write(Path(argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
