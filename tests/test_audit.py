"""The audit trail: append-only in the database, purged only after the retention, read only by the audit administrator.

Every security event the issue names is checked to land in the log with its user, address, object,
outcome and counts: sign-ins, sign-outs, denied access, imports, exports, report generations and
downloads, reveals of personal data, and changes of users' roles and rights.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from parkparty.core import audit, audit_guard
from parkparty.core.imports import run_import
from parkparty.core.models import AuditEvent, AuditKind, AuditLogIsAppendOnly, AuditOutcome, Role, User
from parkparty.core.navigation import navigation
from reports import annual, outline

from . import factories as f
from .importing import ENTERPRISE_HEADERS, enterprise_row, write_xlsx
from .personas import SCOPED_MODELS

pytestmark = pytest.mark.django_db

OLD = datetime.timedelta(days=200)


@pytest.fixture
def auditor(db):
    return f.AuditorFactory(username="auditor")


def signed_in(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def events(kind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def old_event(**values) -> AuditEvent:
    return AuditEvent.objects.create(kind=AuditKind.LOGIN, created_at=timezone.now() - OLD, **values)


# --------------------------------------------------------------------------- append-only


def test_the_database_refuses_to_update_a_recent_entry_by_raw_sql():
    event = audit.record(AuditKind.LOGIN, username="zhang")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE parkparty_auditevent SET username = %s WHERE id = %s", ["forged", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == "zhang"


def test_the_database_refuses_to_update_even_an_old_entry():
    event = old_event(username="zhang")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE parkparty_auditevent SET outcome = %s WHERE id = %s", ["failure", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).outcome == AuditOutcome.SUCCESS


def test_the_database_refuses_to_delete_a_recent_entry_by_raw_sql():
    event = audit.record(AuditKind.LOGIN, username="zhang")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM parkparty_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_of_recent_entries_are_refused_by_the_database():
    audit.record(AuditKind.LOGIN, username="zhang")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(username="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().username == "zhang"


def test_an_entry_older_than_180_days_may_be_deleted_by_sql():
    event = old_event()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM parkparty_auditevent WHERE id = %s", [event.pk])
    assert not AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_postgresql_refuses_to_truncate_a_log_with_recent_entries():
    audit.record(AuditKind.LOGIN, username="zhang")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE parkparty_auditevent")
    assert AuditEvent.objects.count() == 1


def test_the_model_refuses_to_change_or_delete_an_entry():
    event = audit.record(AuditKind.LOGIN, username="zhang")
    event.username = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "zhang"


def test_the_log_is_not_in_the_django_admin(client, world):
    from django.contrib import admin

    assert not admin.site.is_registered(AuditEvent)


def test_purge_deletes_only_entries_older_than_the_retention(settings):
    old = old_event(username="old")
    recent = audit.record(AuditKind.LOGIN, username="recent")
    out = io.StringIO()
    call_command("purge_audit_log", stdout=out)
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert "1" in out.getvalue()


def test_purge_keeps_entries_within_a_longer_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    kept = old_event(username="200 days")
    assert audit.purge() == 0
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_purge_never_goes_below_180_days_even_if_the_setting_is_forced_lower(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    event = AuditEvent.objects.create(kind=AuditKind.LOGIN, created_at=timezone.now() - datetime.timedelta(days=90))
    assert audit.purge() == 0
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_minimum_retention_of_the_settings_and_of_the_triggers_agree():
    assert settings.AUDIT_MIN_RETENTION_DAYS == audit_guard.MIN_RETENTION_DAYS == 180


def test_a_retention_below_180_days_stops_start_up():
    env = {**os.environ, "PARKPARTY_AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "parkparty.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "PARKPARTY_AUDIT_RETENTION_DAYS" in result.stderr


def test_deleting_a_user_keeps_their_entries(world):
    user = f.ParkStaffFactory(park=world.zone_a, username="leaving")
    event = audit.record(AuditKind.LOGIN, user=user)
    user.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert (kept.user_id, kept.username) == (event.user_id, "leaving")


def test_a_large_detail_is_cut_down():
    event = audit.record(AuditKind.EXPORT, detail={"filters": "q=" + "x" * 10_000})
    assert len(str(event.detail)) < audit.MAX_DETAIL_CHARS + 100


# --------------------------------------------------------------------------- the client's address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.PROXY_COUNT = 0
    assert audit.client_ip(request_from("203.0.113.9", "10.9.9.9")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real address.
    assert audit.client_ip(request_from("127.0.0.1", "10.9.9.9, 198.51.100.7")) == "198.51.100.7"


def test_a_missing_or_malformed_forwarded_address_falls_back_to_the_connection(settings):
    settings.PROXY_COUNT = 1
    assert audit.client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert audit.client_ip(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"


# --------------------------------------------------------------------------- who reads the log


def test_the_audit_administrator_reads_the_log_newest_first(client, auditor):
    first = audit.record(AuditKind.LOGIN, username="first")
    second = audit.record(AuditKind.LOGOUT, username="second")
    response = signed_in(client, auditor).get(reverse("audit:list"))
    assert response.status_code == 200
    rows = [event for event, *_ in response.context["rows"]]
    assert rows.index(second) < rows.index(first)
    assert "安全审计员" in response.content.decode() or "审计日志" in response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "county", "staff_a", "secretary_a", "no_role"])
def test_everyone_else_is_refused_and_the_refusal_is_logged(client, world, persona):
    user = world.user(persona)
    if persona == "admin":
        user.is_superuser = user.is_staff = True
        user.save()
    response = signed_in(client, user).get(reverse("audit:list"))
    assert response.status_code == 403
    assert signed_in(client, user).get(reverse("audit:export")).status_code == 403
    denied = events(AuditKind.ACCESS_DENIED)
    assert denied and denied[-1].username == user.username and denied[-1].detail["status"] == 403
    assert denied[-1].outcome == AuditOutcome.DENIED


def test_the_audit_administrator_sees_no_park_records(world):
    auditor = world.user("auditor")
    for model in SCOPED_MODELS:
        assert model.objects.count() and not model.objects.for_user(auditor).exists(), model.__name__


def test_the_audit_administrators_navigation_is_the_audit_log_only(client, auditor):
    request = RequestFactory().get(reverse("audit:list"))
    request.user = auditor
    from django.urls import resolve

    request.resolver_match = resolve(reverse("audit:list"))
    nav = navigation(request)
    assert [item["url"] for item in nav["nav_main"]] == [reverse("audit:list")]
    assert nav["nav_more"] == []
    home = signed_in(client, auditor).get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == reverse("audit:list")


def test_the_audit_administrator_may_not_be_a_system_administrator(auditor):
    from django.core.exceptions import ValidationError

    auditor.is_staff = True
    with pytest.raises(ValidationError):
        auditor.full_clean()


def test_filters_narrow_the_log(client, auditor):
    now = timezone.now()
    audit.record(AuditKind.LOGIN, username="zhang", outcome=AuditOutcome.FAILURE)
    audit.record(AuditKind.EXPORT, username="li")
    AuditEvent.objects.create(kind=AuditKind.LOGIN, username="wang", created_at=now - datetime.timedelta(days=10))
    AuditEvent.objects.create(kind=AuditKind.REVEAL, username="zhao", ip_address="198.51.100.7", object_repr="王五")
    client = signed_in(client, auditor)

    def names(**query):
        response = client.get(reverse("audit:list"), query)
        assert response.status_code == 200
        return sorted({event.username for event, *_ in response.context["rows"]} - {"auditor"})

    assert names(user="zha") == ["zhang", "zhao"]
    assert names(kind="export") == ["li"]
    assert names(outcome="failure") == ["zhang"]
    day = timezone.localdate(now - datetime.timedelta(days=10))
    assert names(since=day.isoformat(), until=day.isoformat()) == ["wang"]
    assert names(ip="198.51.100.7") == ["zhao"]
    assert names(object="王五") == ["zhao"]


def test_bad_filters_are_reported_not_crashed(client, auditor):
    response = signed_in(client, auditor).get(
        reverse("audit:list"), {"since": "2024-13-45", "ip": "999.1.1.1", "kind": "nope"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_log_is_paginated_by_fifty(client, auditor):
    AuditEvent.objects.bulk_create([AuditEvent(kind=AuditKind.LOGIN, username=f"u{n}") for n in range(60)])
    response = signed_in(client, auditor).get(reverse("audit:list"), {"kind": "login"})
    page = response.context["page_obj"]
    assert len(page.object_list) == 50 and page.paginator.count >= 60


def test_the_export_holds_the_filtered_events_and_is_itself_logged(client, auditor):
    audit.record(AuditKind.LOGIN, username="zhang", outcome=AuditOutcome.FAILURE)
    audit.record(AuditKind.LOGIN, username="li")
    audit.record(AuditKind.EXPORT, username="=cmd|' /C calc'!A0")
    response = signed_in(client, auditor).get(reverse("audit:export"), {"kind": "login"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户", "事件")
    assert sorted(row[1] for row in rows[1:]) == ["auditor", "li", "zhang"]  # the auditor's own sign-in too
    logged = events(AuditKind.AUDIT_EXPORTED)[-1]
    assert logged.username == "auditor" and logged.detail == {"filters": "kind=login", "rows": 3}
    guarded = signed_in(client, auditor).get(reverse("audit:export"), {"kind": "export"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(guarded.streaming_content)))
    assert list(book.active.iter_rows(values_only=True))[1][1].startswith("'=")


# --------------------------------------------------------------------------- the events


def test_sign_in_and_sign_out_are_logged_with_the_address(client, world):
    user = world.user("staff_a")
    user.set_password("Qiu-lan7Hq")
    user.save()
    client.post(reverse("login"), {"username": user.username, "password": "Qiu-lan7Hq"}, REMOTE_ADDR="198.51.100.7")
    login = events(AuditKind.LOGIN)[-1]
    assert (login.username, login.user_id, login.outcome, login.ip_address) == (
        user.username,
        user.pk,
        AuditOutcome.SUCCESS,
        "198.51.100.7",
    )
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")
    logout = events(AuditKind.LOGOUT)[-1]
    assert (logout.username, logout.ip_address) == (user.username, "198.51.100.7")


def test_a_failed_sign_in_is_logged_without_the_password(client, world):
    client.post(reverse("login"), {"username": "nobody", "password": "Secret-guess-42"}, REMOTE_ADDR="198.51.100.7")
    failure = events(AuditKind.LOGIN)[-1]
    assert (failure.username, failure.outcome, failure.ip_address) == ("nobody", AuditOutcome.FAILURE, "198.51.100.7")
    for event in AuditEvent.objects.all():
        stored = " ".join(str(value) for value in AuditEvent.objects.filter(pk=event.pk).values().get().values())
        assert "Secret-guess-42" not in stored


def test_a_sign_in_name_with_hidden_characters_is_kept_visible_and_cannot_forge_an_entry(client, world):
    typed = "admin\n2026-01-01 登录成功 demo-admin\u202etxt.exe"
    client.post(reverse("login"), {"username": typed, "password": "wrong-Guess-1"}, REMOTE_ADDR="198.51.100.8")
    failure = events(AuditKind.LOGIN)[-1]
    assert failure.username == "admin\\u000a2026-01-01 登录成功 demo-admin\\u202etxt.exe"
    assert "\n" not in failure.username and "\u202e" not in failure.username


def test_a_404_on_another_parks_record_is_logged(client, world):
    member = world.in_b[Member]
    response = signed_in(client, world.staff_a).get(reverse("members:member_detail", args=[member.pk]))
    assert response.status_code == 404
    denied = events(AuditKind.ACCESS_DENIED)[-1]
    assert denied.username == world.staff_a.username
    assert denied.detail == {"status": 404, "method": "GET", "path": f"/member/{member.pk}/"}


def test_a_403_is_logged(client, world):
    member = world.in_a[Member]
    response = signed_in(client, world.county).get(reverse("members:member_edit", args=[member.pk]))
    assert response.status_code == 403
    assert events(AuditKind.ACCESS_DENIED)[-1].detail["status"] == 403


def test_an_anonymous_404_is_not_logged(client, world):
    client.get("/no-such-page/")
    assert not events(AuditKind.ACCESS_DENIED)


def test_an_export_is_logged_with_its_row_count_and_filters(client, world):
    response = signed_in(client, world.staff_a).get(reverse("members:member_export"), {"q": ""})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    export = events(AuditKind.EXPORT)[-1]
    expected = Member.objects.for_user(world.user("staff_a")).count()
    assert export.username == world.staff_a.username
    assert export.detail["entity"] == "members.member" and export.detail["rows"] == expected
    assert export.detail["filters"] == "q="


def test_an_import_commit_is_logged_with_its_counts(world, tmp_path):
    path = write_xlsx(tmp_path / "enterprises.xlsx", ENTERPRISE_HEADERS, [enterprise_row(n) for n in (1, 2, 3)])
    staff = world.user("staff_a")
    result = run_import("enterprises", path, park=world.zone_a, user=staff, commit=True)
    assert result.committed
    event = events(AuditKind.IMPORT)[-1]
    assert event.username == staff.username
    assert (event.object_type, event.object_id) == ("parkparty.importbatch", str(result.batch.pk))
    assert event.detail["created"] == 3 and event.detail["rows"] == 3 and event.detail["park"] == "A"


def test_a_preview_without_commit_is_not_an_import(world, tmp_path):
    path = write_xlsx(tmp_path / "enterprises.xlsx", ENTERPRISE_HEADERS, [enterprise_row(1)])
    run_import("enterprises", path, park=world.zone_a, user=world.user("staff_a"), commit=False)
    assert not events(AuditKind.IMPORT)


def test_report_generation_and_downloads_are_logged(client, world):
    staff = world.user("staff_a")
    report = annual.load_report(world.zone_a, 2023, outline.DUTY)
    generated = annual.report_generate(report, user=staff)
    made = events(AuditKind.REPORT_GENERATED)[-1]
    assert made.username == staff.username and made.object_id == str(generated.pk)
    assert made.detail["year"] == 2023 and made.detail["kind"] == "duty"

    client = signed_in(client, staff)
    response = client.get(reverse("annual:download", args=[generated.pk]))
    assert response.status_code == 200
    preview = client.get(reverse("annual:preview", args=["A", 2023, "duty"]))
    assert preview.status_code == 200
    downloads = events(AuditKind.REPORT_DOWNLOADED)
    assert [event.detail["what"] for event in downloads] == ["generated", "preview"]


def test_every_reveal_of_a_personal_field_is_logged(client, world):
    member = world.in_a[Member]
    response = signed_in(client, world.staff_a).post(
        reverse("members:member_reveal", args=[member.pk]), {"field": "id_number"}
    )
    assert response.status_code == 200
    reveal = events(AuditKind.REVEAL)[-1]
    assert reveal.username == world.staff_a.username
    assert (reveal.object_type, reveal.object_id, reveal.detail) == (
        "members.member",
        str(member.pk),
        {"field": "id_number"},
    )


def test_role_and_scope_changes_of_a_user_are_logged_with_before_and_after(world):
    user = world.user("staff_a")
    user.role = Role.COUNTY_REVIEWER
    user.park = None
    user.save()
    change = events(AuditKind.USER_CHANGED)[-1]
    assert change.object_id == str(user.pk)
    assert change.detail["changes"]["role"] == ["park_staff", "county_reviewer"]
    assert change.detail["changes"]["park"][0].endswith(f"(#{world.zone_a.pk})")
    assert change.detail["changes"]["park"][1] is None


def test_saving_a_user_without_a_role_change_logs_nothing(world):
    user = world.user("staff_a")
    user.first_name = "新"
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert not events(AuditKind.USER_CHANGED)


def test_changes_in_the_admin_are_logged_with_the_administrator(client, world):
    admin_user = world.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    target = world.user("staff_b")
    client = signed_in(client, admin_user)
    page = client.get(reverse("admin:parkparty_user_change", args=[target.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and key not in ("password",)}
    data.update(
        {
            "username": target.username,
            "role": Role.PARK_STAFF,
            "park": world.zone_a.pk,
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": timezone.localtime(target.date_joined).strftime("%Y-%m-%d"),
            "date_joined_1": timezone.localtime(target.date_joined).strftime("%H:%M:%S"),
        }
    )
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("organization", None)
    response = client.post(reverse("admin:parkparty_user_change", args=[target.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    change = events(AuditKind.USER_CHANGED)[-1]
    assert change.username == admin_user.username
    assert change.object_id == str(target.pk)
    assert set(change.detail["changes"]) == {"park", "is_staff"}


def test_disabling_a_user_is_an_account_disabled_event(world):
    user = world.user("staff_b")
    user.is_active = False
    user.save()
    disabled = events(AuditKind.ACCOUNT_DISABLED)[-1]
    assert disabled.object_id == str(user.pk) and disabled.detail["changes"]["is_active"] == [True, False]


def test_a_new_user_is_logged_with_its_role(world):
    user = User.objects.create_user(username="new-auditor", role=Role.AUDITOR)
    created = events(AuditKind.USER_CREATED)[-1]
    assert created.object_id == str(user.pk) and created.detail["role"] == "auditor"


def test_the_detail_reads_in_chinese_on_the_page(client, auditor, world):
    user = world.user("staff_a")
    user.role = Role.COUNTY_REVIEWER
    user.park = None
    user.save()
    response = signed_in(client, auditor).get(reverse("audit:list"), {"kind": "user_changed"})
    assert "角色: 园区党务干部 → 县委组织部" in response.content.decode()


# --- what a review of the log asked for ---------------------------------------------------------------------------


def test_opening_an_edit_form_that_shows_personal_numbers_in_full_is_a_reveal(client, world):
    member = world.in_a[Member]
    response = signed_in(client, world.staff_a).get(reverse("members:member_edit", args=[member.pk]))
    assert member.id_number in response.content.decode()
    reveal = events(AuditKind.REVEAL)[-1]
    assert (reveal.object_id, reveal.detail["via"]) == (str(member.pk), "edit form")
    assert set(reveal.detail["fields"]) >= {"id_number"}


def test_a_mistyped_address_is_no_access_denial_but_another_parks_record_is(client, world):
    client = signed_in(client, world.staff_a)
    assert client.get("/favicon.ico").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    assert events(AuditKind.ACCESS_DENIED) == []
    assert client.get(reverse("members:member_detail", args=[world.in_b[Member].pk])).status_code == 404
    assert len(events(AuditKind.ACCESS_DENIED)) == 1


def test_a_wrong_current_password_on_the_password_page_is_logged(client, world):
    response = signed_in(client, world.staff_a).post(
        reverse("password_change"),
        {"old_password": "not-my-password", "new_password1": "Kx9#mt-Walnut", "new_password2": "Kx9#mt-Walnut"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == ["当前密码不正确，请重新输入。"]
    failure = events(AuditKind.PASSWORD_CHANGED)[-1]
    assert (failure.username, failure.outcome) == (world.staff_a.username, AuditOutcome.FAILURE)


def test_a_filter_that_cannot_be_applied_shows_nothing_and_says_so(client, auditor):
    audit.record(AuditKind.LOGIN, username="someone")
    response = signed_in(client, auditor).get(reverse("audit:list"), {"since": "2026-13-45"})
    assert response.context["rows"] == []
    assert "筛选条件无法使用" in response.content.decode()


def test_the_user_filter_finds_people_by_their_name_too(client, world, auditor):
    staff = world.staff_a
    staff.last_name, staff.first_name = "林", "晓燕"
    staff.save()
    audit.record(AuditKind.LOGIN, user=staff)
    audit.record(AuditKind.LOGIN, username="somebody-else")
    response = signed_in(client, auditor).get(reverse("audit:list"), {"user": "林晓燕"})
    assert {event.username for event, *_ in response.context["rows"]} == {staff.username}


def test_the_object_column_names_the_kind_of_record_in_chinese(client, world, auditor):
    member = world.in_a[Member]
    audit.record(AuditKind.REVEAL, user=world.staff_a, obj=member, detail={"field": "phone"})
    page = signed_in(client, auditor).get(reverse("audit:list")).content.decode()
    assert f"党员 #{member.pk}" in page
    assert "members.member" not in page


def test_signing_in_adds_no_entry_to_the_users_history(client, world):
    user = User.objects.get(pk=world.staff_a.pk)
    user.set_password("Kx9#mt-Walnut")
    user.save()
    before = user.history.count()
    response = client.post(reverse("login"), {"username": user.username, "password": "Kx9#mt-Walnut"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
