"""generate_scale: a small generated county is valid, consistent, reproducible, and every figure computes on it.

The county is generated once for the module and flushed afterwards. Run on
SQLite by default and on PostgreSQL with ``DATABASE_URL`` (COPY path).
"""

import hashlib
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from stdnum.cn import ric, uscc

from members.models import Applicant, Member, add_years
from organizations.models import (
    Activity,
    Enterprise,
    EnterpriseSurvey,
    Notice,
    NoticeReceipt,
    Park,
    PartyOrganization,
    ServiceRequest,
)
from parkparty.core.models import Role, User
from parkparty.demo.data import DEMO_PASSWORD
from parkparty.scale import data_models
from reports.figures import REGISTRY, compute
from reports.figures.core import COUNT, ENTERPRISES, ORGANIZATIONS
from tests.flushing import flush_database

pytestmark = pytest.mark.django_db

SIZE = ["--parks", "3", "--enterprises", "60", "--members", "200", "--activities", "2000", "--requests", "150"]
SEED = ["--seed", "7", "--batch-size", "300"]  # small batches: rows are written while others still come
YEARS = (2023, 2024, 2025, 2026)


def generate(*extra: str) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("generate_scale", *SIZE, *extra, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """A hash of every generated row, leaving out the generation timestamps and password hashes."""
    skip = {"created_at", "updated_at", "history_date", "history_id", "password", "last_login"}
    digest = hashlib.sha256()
    for model in sorted(data_models(), key=lambda m: m._meta.db_table):
        names = sorted(f.attname for f in model._meta.concrete_fields if f.attname not in skip)
        if model._meta.auto_created:  # many-to-many rows: their own ids are not data
            names = [n for n in names if n != "id"]
        for row in model.objects.order_by(*names).values_list(*names):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def scale(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # --flush: start from empty tables and reset id sequences, whatever ran before in the session.
        output = generate(*SEED, "--flush")
        yield {"output": output, "fingerprint": fingerprint()}
        flush_database()


def test_the_command_prints_what_it_made(scale):
    output = scale["output"]
    assert "organizations_activity " in output and "2,000" in output
    assert "members_member " in output and "generated in" in output
    assert Park.objects.count() == 3 and Park.objects.filter(parent__isnull=True).count() == 1
    assert Enterprise.objects.count() == 60
    assert Member.objects.count() == 200
    assert Activity.objects.count() == 2000
    assert ServiceRequest.objects.count() == 150
    assert NoticeReceipt.objects.exists() and Notice.objects.exists() and EnterpriseSurvey.objects.exists()
    assert Activity.attendees.through.objects.count() > 2000


def test_the_constraints_and_indexes_dropped_for_loading_are_back(scale):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL loads without them")
    with connection.cursor() as cursor:
        for model, constraints, indexes in ((Activity.attendees.through, 4, 4), (Activity, 9, 6)):
            table = model._meta.db_table
            cursor.execute("SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass", [table])
            assert cursor.fetchone()[0] >= constraints, table
            cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
            assert cursor.fetchone()[0] >= indexes, table


def test_every_record_passes_its_model_validation(scale):
    checked = 0
    for model, related in (
        (Park, ["parent"]),
        (PartyOrganization, ["secretary"]),
        (Enterprise, ["organization"]),
        (Member, []),
        (Applicant, []),
        (Activity, ["organization"]),
        (ServiceRequest, ["enterprise"]),
        (Notice, []),
        (NoticeReceipt, ["organization", "notice"]),
        (EnterpriseSurvey, []),
    ):
        for record in model.objects.select_related(*related):
            record.full_clean(validate_unique=False)  # unique columns are the database's to check
            checked += 1
    assert checked > 2500


def test_id_numbers_and_credit_codes_validate(scale):
    for number, gender, joined in Member.objects.values_list("id_number", "gender", "joined_on"):
        assert ric.is_valid(number), number
        assert gender == ("male" if int(number[16]) % 2 else "female")
        assert add_years(ric.get_birth_date(number), 18) <= joined
    assert all(ric.is_valid(number) for number in Applicant.objects.values_list("id_number", flat=True))
    assert all(uscc.is_valid(code) for code in Enterprise.objects.values_list("uscc", flat=True))


def test_dates_are_in_order(scale):
    for org in PartyOrganization.objects.prefetch_related("members", "enterprises"):
        if org.founded_on is None:
            assert org.status == "forming" and not org.members.exists()
            continue
        assert org.secretary.organization_id == org.pk
        for ent in org.enterprises.all():
            assert ent.founded_on < org.founded_on
        for member in org.members.all():
            assert org.founded_on <= (member.transferred_in_on or member.joined_on)
            if org.dissolved_on:
                assert member.ended_on is not None and member.ended_on <= org.dissolved_on
    for member in Member.objects.all():
        assert member.joined_on <= (member.transferred_in_on or member.joined_on)
        assert member.full_on is None or member.full_on >= add_years(member.joined_on, 1)
        assert member.ended_on is None or member.ended_on >= (member.transferred_in_on or member.joined_on)
    admitted = Applicant.objects.filter(member__isnull=False).select_related("member")
    assert admitted.exists()
    for applicant in admitted:
        assert applicant.admitted_on == applicant.member.joined_on
        assert applicant.id_number == applicant.member.id_number
    for request in ServiceRequest.objects.all():
        assert request.closed_on is None or request.received_on <= request.closed_on
        assert (request.status in ("closed", "rejected")) == (request.closed_on is not None)
    for receipt in NoticeReceipt.objects.select_related("notice"):
        assert receipt.forwarded_at.date() >= receipt.notice.issued_on
        assert receipt.received_at is None or receipt.received_at >= receipt.forwarded_at


def test_attendance_only_by_members_of_the_organization_on_that_day(scale):
    through = Activity.attendees.through
    rows = through.objects.values_list("activity__organization_id", "activity__held_on", "member_id")
    members = {m.pk: m for m in Member.objects.all()}
    for org_id, held_on, member_id in rows:
        member = members[member_id]
        assert member.organization_id == org_id
        assert (member.transferred_in_on or member.joined_on) <= held_on
        assert member.ended_on is None or member.ended_on > held_on
    for activity in Activity.objects.filter(organization__isnull=False).prefetch_related("attendees"):
        assert activity.actual_attendance == len(activity.attendees.all())


def test_history_rows_exist_where_the_figures_read_history(scale):
    for model in (Enterprise, PartyOrganization, Member):
        assert set(model.history.values_list("id", flat=True)) == set(model.objects.values_list("pk", flat=True))
    # The latest history row of each record is its current state.
    latest = {m.id: m for m in Member.history.as_of(Member.history.latest("history_date").history_date)}
    for member in Member.objects.all():
        state = latest[member.pk]
        assert (state.category, state.full_on, state.ended_on) == (member.category, member.full_on, member.ended_on)


def test_every_figure_computes_and_equals_its_drill_down(scale):
    zone = Park.objects.get(parent__isnull=True)
    for park in (zone, None):
        for year in YEARS:
            figures = compute(park, year)
            for key in REGISTRY:
                item = figures[key]
                assert item.display, (key, year)
                if item.model is None:
                    continue
                count = figures.records(key).count()
                assert count == len(item.pks), (key, year)
                if item.unit in (COUNT, ENTERPRISES, ORGANIZATIONS) and isinstance(item.value, int):
                    assert item.value == count, (key, year, item.value, count)
    figures = compute(zone, 2025)
    assert figures["members_total"].value > 100
    assert figures["enterprises_total"].value > 30


def test_the_logins_of_each_role(scale):
    zone = Park.objects.get(parent__isnull=True)
    for username, role in (
        ("scale-staff", Role.PARK_STAFF),
        ("scale-county", Role.COUNTY_REVIEWER),
        ("scale-secretary", Role.SECRETARY),
        ("scale-admin", Role.ADMINISTRATOR),
    ):
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None and user.role == role, username
    assert User.objects.get(username="scale-staff").park == zone
    secretary = User.objects.get(username="scale-secretary")
    assert secretary.organization.park_id in zone.descendant_ids()
    assert User.objects.get(username="scale-admin").is_superuser


def test_a_database_with_data_is_refused_without_flush(scale):
    with pytest.raises(CommandError, match="--flush"):
        generate(*SEED)


def test_the_same_seed_gives_the_same_data(scale):
    generate("--seed", "8", "--flush")
    assert fingerprint() != scale["fingerprint"]
    generate(*SEED, "--flush")
    assert fingerprint() == scale["fingerprint"]
    assert connection.vendor in ("sqlite", "postgresql")
