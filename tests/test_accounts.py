"""Authentication to level 2 (等保二级): lockout, password rules, password changes, session timeouts, dormancy.

Lockout counts failures per username (5) and, separately and much higher, per address, so one
person's mistakes in a shared park office never lock out a colleague.
"""

from __future__ import annotations

import datetime
import io
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from parkparty.core import accounts
from parkparty.core.middleware import LAST_SEEN, SIGNED_IN_AT
from parkparty.core.models import AuditEvent, AuditKind, AuditOutcome, Role, User

from . import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "Qiu-lan7Hq"
OFFICE = "198.51.100.7"


def make_user(username="zhangsan", *, password=PASSWORD, **extra) -> User:
    user = f.ParkStaffFactory(username=username, **extra)
    user.set_password(password)
    user.save()
    return user


def sign_in(client, username, password=PASSWORD, address=OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def alert(response) -> str:
    """The text of the sign-in page's error box."""
    return re.search(r'role="alert">(.*?)</div>', response.content.decode(), re.S).group(1).strip()


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def messages_of(error: ValidationError) -> list[str]:
    with translation.override("zh-hans"):
        return [str(message) for message in error.messages]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


# --------------------------------------------------------------------------- lockout


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(client):
    make_user()
    for _ in range(4):
        assert sign_in(client, "zhangsan", "wrong-Password-1").status_code == 200
    assert sign_in(client, "zhangsan", "wrong-Password-1").status_code == 429  # the fifth failure locks
    locked = sign_in(client, "zhangsan")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    body = locked.content.decode()
    assert "30 分钟" in body and "系统管理员" in body


def test_four_wrong_passwords_then_the_right_one_signs_in(client):
    make_user()
    for _ in range(4):
        sign_in(client, "zhangsan", "wrong-Password-1")
    assert signed_in(sign_in(client, "zhangsan"))


def test_a_colleague_in_the_same_office_is_not_locked_out(client):
    make_user()
    make_user("lisi")
    for _ in range(6):
        sign_in(client, "zhangsan", "wrong-Password-1")
    assert signed_in(sign_in(client, "lisi"))


def test_the_lockout_message_is_the_same_for_an_unknown_username(client):
    make_user()
    for username in ("zhangsan", "nobody-here"):
        for _ in range(5):
            sign_in(client, username, "wrong-Password-1")
    known = sign_in(client, "zhangsan")
    unknown = sign_in(client, "nobody-here")
    assert known.status_code == unknown.status_code == 429
    assert alert(known) == alert(unknown) and "登录失败次数过多" in alert(known)


def test_a_wrong_password_and_an_unknown_user_get_the_same_message(client):
    make_user()
    wrong = sign_in(client, "zhangsan", "wrong-Password-1")
    unknown = sign_in(client, "nobody-here", "wrong-Password-1")
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    message = " ".join(wrong.context["form"].non_field_errors())
    assert has_chinese(message) and "nobody" not in message


def test_many_failures_from_one_address_lock_the_address_for_every_username(client, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 8
    make_user()
    for n in range(8):  # password spraying: a few tries on many usernames
        sign_in(client, f"guess{n}", "Spring-2024!")
    refused = sign_in(client, "zhangsan")
    assert refused.status_code == 429
    assert signed_in(sign_in(client, "zhangsan", address="203.0.113.20"))
    lockout = AuditEvent.objects.filter(kind=AuditKind.LOCKOUT).get()
    assert lockout.detail["by"] == "ip_address" and lockout.ip_address == OFFICE


def test_the_lock_ends_after_thirty_minutes(client):
    make_user()
    for _ in range(5):
        sign_in(client, "zhangsan", "wrong-Password-1")
    assert sign_in(client, "zhangsan").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert signed_in(sign_in(client, "zhangsan"))


def test_failures_and_one_lockout_are_in_the_audit_log(client):
    make_user()
    for _ in range(6):
        sign_in(client, "zhangsan", "wrong-Password-1")
    failures = AuditEvent.objects.filter(kind=AuditKind.LOGIN, username="zhangsan").order_by("id")
    assert [event.outcome for event in failures] == [AuditOutcome.FAILURE] * 5 + [AuditOutcome.DENIED]
    lockout = AuditEvent.objects.filter(kind=AuditKind.LOCKOUT).get()
    assert lockout.username == "zhangsan" and lockout.detail["by"] == "username"
    assert lockout.detail["username_failures"] == 5 and lockout.ip_address == OFFICE


def lock(client, username="zhangsan"):
    for _ in range(5):
        sign_in(client, username, "wrong-Password-1")
    assert sign_in(client, username).status_code == 429


def test_an_administrator_unlocks_a_user_in_the_admin(client):
    target = make_user()
    lock(client)
    admin_user = f.AdministratorFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:parkparty_user_changelist"),
        {"action": "unlock_sign_in", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    unlock = AuditEvent.objects.filter(kind=AuditKind.UNLOCK).get()
    assert unlock.username == "root" and unlock.object_id == str(target.pk)
    client.logout()
    assert signed_in(sign_in(client, "zhangsan"))


def test_axes_reset_username_unlocks_from_the_command_line(client):
    make_user()
    lock(client)
    call_command("axes_reset_username", "zhangsan", stdout=io.StringIO())
    assert signed_in(sign_in(client, "zhangsan"))


def test_a_successful_sign_in_forgets_only_that_users_failures(client):
    make_user()
    make_user("lisi")
    for _ in range(3):
        sign_in(client, "lisi", "wrong-Password-1")
    assert signed_in(sign_in(client, "zhangsan"))
    assert AccessAttempt.objects.filter(username="lisi").exists()


# --------------------------------------------------------------------------- password rules


def test_zhangsan2024_is_refused():
    user = User(username="zhangsan", last_name="张", first_name="三")
    with pytest.raises(ValidationError) as error:
        validate_password("zhangsan2024", user)
    assert all(has_chinese(message) for message in messages_of(error.value))


def test_a_name_in_pinyin_is_refused_even_with_every_character_class():
    user = User(username="u1001", last_name="张", first_name="三")
    with pytest.raises(ValidationError) as error:
        validate_password("Zhangsan@2024", user)
    assert messages_of(error.value) == ["密码与您的姓名过于接近。"]


def test_a_polyphonic_surname_is_read_every_way():
    user = User(username="u1002", last_name="单", first_name="志国")
    with pytest.raises(ValidationError):
        validate_password("Shanzhiguo#7", user)


def test_a_short_password_is_refused_in_chinese():
    with pytest.raises(ValidationError) as error:
        validate_password("Ab1!x", User(username="u1003"))
    assert messages_of(error.value) == ["密码太短：至少需要 8 个字符。"]


def test_two_character_classes_are_not_enough():
    with pytest.raises(ValidationError) as error:
        validate_password("lowercase-only-and-symbols", User(username="u1004"))
    assert "三" in messages_of(error.value)[0] or "3" in messages_of(error.value)[0]


def test_the_username_is_refused_inside_a_password():
    with pytest.raises(ValidationError) as error:
        validate_password("Xx-lintao-99", User(username="lintao"))
    assert messages_of(error.value) == ["密码与您的用户名过于接近。"]


def test_digits_of_the_users_phone_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_password("Pw!12345678", User(username="u1005", phone="13812345678"))
    assert messages_of(error.value) == ["密码与您的手机号码过于接近。"]


def test_the_birth_date_in_a_linked_members_id_number_is_refused():
    member = f.MemberFactory(name="王小明", id_number=f.make_resident_id(7, datetime.date(1985, 3, 9)))
    organization = member.organization
    organization.secretary = member
    organization.save()
    user = User(username="u1006", last_name="王", first_name="小明", role=Role.SECRETARY, organization=organization)
    with pytest.raises(ValidationError) as error:
        validate_password("Wx@19850309", user)
    assert messages_of(error.value) == ["密码与您的公民身份号码过于接近。"]


def test_a_common_password_is_refused_even_with_every_class():
    with pytest.raises(ValidationError) as error:
        validate_password("P@ssw0rd", User(username="u1007"))
    assert all(has_chinese(message) for message in messages_of(error.value))


def test_a_good_password_is_accepted():
    user = User(username="zhangsan", last_name="张", first_name="三", phone="13812345678")
    validate_password(PASSWORD, user)


# --------------------------------------------------------------------------- changing the password


def test_the_user_menu_links_to_the_password_page(client):
    client.force_login(make_user())
    home = client.get(reverse("organizations:enterprise_list"))
    assert reverse("password_change") in home.content.decode()


def test_a_user_changes_their_password_and_it_is_logged(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Hu7-song-Lake", "new_password2": "Hu7-song-Lake"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hu7-song-Lake") and user.password_changed_at is not None
    event = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED).get()
    assert event.username == "zhangsan" and event.detail == {"forced": False}
    assert client.get(reverse("organizations:enterprise_list")).status_code == 200  # still signed in


def test_the_new_password_must_differ_and_follow_the_rules_in_chinese(client):
    client.force_login(make_user())
    same = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert same.status_code == 200 and "新密码不能与当前密码相同" in same.content.decode()
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "zhangsan2024", "new_password2": "zhangsan2024"},
    )
    errors = weak.context["form"].errors["new_password1"]
    assert errors and all(has_chinese(message) for message in errors)


def create_in_admin(client, admin_user, username="newstaff"):
    client.force_login(admin_user)
    park = f.ParkFactory()
    return client.post(
        reverse("admin:parkparty_user_add"),
        {
            "username": username,
            "usable_password": "true",
            "password1": "Temp-Pass-2026x",
            "password2": "Temp-Pass-2026x",
            "last_name": "新",
            "first_name": "同事",
            "phone": "",
            "role": Role.PARK_STAFF,
            "park": park.pk,
            "organization": "",
        },
    )


@pytest.fixture
def root(db):
    return f.AdministratorFactory(username="root", is_staff=True, is_superuser=True)


def test_an_account_made_by_an_administrator_must_change_its_password_first(client, root):
    response = create_in_admin(client, root)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    new = User.objects.get(username="newstaff")
    assert new.must_change_password
    client.logout()
    assert signed_in(sign_in(client, "newstaff", "Temp-Pass-2026x"))
    blocked = client.get(reverse("organizations:enterprise_list"))
    assert blocked.status_code == 302 and blocked["Location"] == reverse("password_change")
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("password_change")).status_code == 200
    changed = client.post(
        reverse("password_change"),
        {"old_password": "Temp-Pass-2026x", "new_password1": "Own-choice-77x", "new_password2": "Own-choice-77x"},
    )
    assert changed.status_code == 302
    assert client.get(reverse("organizations:enterprise_list")).status_code == 200
    event = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_CHANGED).get()
    assert event.detail == {"forced": accounts.PasswordChangeReason.FIRST_SIGN_IN}


def test_sign_out_and_static_files_stay_open_during_a_forced_change(client):
    user = make_user(must_change_password=True)
    client.force_login(user)
    assert client.get("/static/parkparty/app.css").status_code != 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_password_set_by_an_administrator_forces_a_change_and_is_logged(client, root):
    target = make_user()
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[target.pk]),
        {"usable_password": "true", "password1": "Reset-Pass-2026x", "password2": "Reset-Pass-2026x"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password and target.check_password("Reset-Pass-2026x")
    event = AuditEvent.objects.filter(kind=AuditKind.PASSWORD_SET, username="root").get()
    assert event.username == "root" and event.object_id == str(target.pk)


def test_demo_and_createsuperuser_accounts_are_not_forced(settings):
    call_command("createsuperuser", username="ops", email="", interactive=False, stdout=io.StringIO())
    assert not User.objects.get(username="ops").must_change_password
    from parkparty.demo import ensure_users

    zone = f.ParkFactory(code="DEMO")
    ensure_users(zone)
    assert not User.objects.filter(username__startswith="demo-", must_change_password=True).exists()
    assert User.objects.get(username="demo-auditor").role == Role.AUDITOR


def test_an_expired_password_must_be_changed(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = make_user()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client.force_login(user)
    response = client.get(reverse("organizations:enterprise_list"))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_passwords_do_not_expire_by_default(client):
    user = make_user()
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=900))
    client.force_login(user)
    assert client.get(reverse("organizations:enterprise_list")).status_code == 200


# --------------------------------------------------------------------------- sessions


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_thirty_minutes_without_a_request_sign_the_user_out(client):
    client.force_login(make_user())
    age_session(client, parkparty_last_seen=31 * 60)
    response = client.get(reverse("organizations:enterprise_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.filter(kind=AuditKind.SESSION_EXPIRED).get()
    assert event.username == "zhangsan" and event.detail == {"reason": "idle"}


def test_activity_within_thirty_minutes_keeps_the_session(client):
    client.force_login(make_user())
    age_session(client, parkparty_last_seen=29 * 60)
    assert client.get(reverse("organizations:enterprise_list")).status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 60


def test_a_session_ends_at_its_absolute_maximum_even_when_active(client, settings):
    settings.SESSION_COOKIE_AGE = 3600
    client.force_login(make_user())
    age_session(client, parkparty_signed_in_at=3601, parkparty_last_seen=10)
    response = client.get(reverse("organizations:enterprise_list"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(kind=AuditKind.SESSION_EXPIRED).detail == {"reason": "absolute"}


def test_sign_in_starts_the_session_clock(client):
    make_user()
    sign_in(client, "zhangsan")
    assert client.session[SIGNED_IN_AT] == client.session[LAST_SEEN]


# --------------------------------------------------------------------------- dormant accounts


def backdate(user, days, *, logged_in=True):
    moment = timezone.now() - datetime.timedelta(days=days)
    User.objects.filter(pk=user.pk).update(date_joined=moment, last_login=moment if logged_in else None)


def test_accounts_without_a_sign_in_for_90_days_are_disabled_and_logged():
    sleeper = make_user("sleeper")
    backdate(sleeper, 91)
    awake = make_user("awake")
    backdate(awake, 10)
    never = make_user("never")
    backdate(never, 120, logged_in=False)
    out = io.StringIO()
    call_command("disable_dormant_accounts", stdout=out)
    assert set(User.objects.filter(is_active=False).values_list("username", flat=True)) == {"sleeper", "never"}
    events = AuditEvent.objects.filter(kind=AuditKind.ACCOUNT_DISABLED)
    assert {event.object_id for event in events} == {str(sleeper.pk), str(never.pk)}
    assert all(event.detail["reason"] == "dormant" for event in events)
    assert "2" in out.getvalue()


def test_the_command_is_safe_to_run_twice():
    backdate(make_user("sleeper"), 91)
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    assert AuditEvent.objects.filter(kind=AuditKind.ACCOUNT_DISABLED).count() == 1


def test_the_last_active_administrator_is_never_disabled():
    first = f.AdministratorFactory(username="admin1", is_staff=True, is_superuser=True)
    second = f.AdministratorFactory(username="admin2", is_staff=True)
    backdate(first, 100)
    backdate(second, 200)
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    assert User.objects.get(username="admin1").is_active  # active most recently: kept
    assert not User.objects.get(username="admin2").is_active


def test_a_re_enabled_account_is_not_disabled_again_at_once():
    sleeper = make_user("sleeper")
    backdate(sleeper, 91)
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    sleeper = User.objects.get(username="sleeper")
    sleeper.is_active = True
    sleeper.save()
    assert sleeper.enabled_at is not None
    call_command("disable_dormant_accounts", stdout=io.StringIO())
    assert User.objects.get(username="sleeper").is_active


def test_a_dormant_account_cannot_sign_in_even_with_the_right_password(client):
    backdate(make_user("sleeper"), 91)
    response = sign_in(client, "sleeper")
    assert not signed_in(response)
    assert not User.objects.get(username="sleeper").is_active


def test_dormancy_can_be_turned_off(settings):
    settings.DORMANT_ACCOUNT_DAYS = 0
    backdate(make_user("sleeper"), 400)
    out = io.StringIO()
    call_command("disable_dormant_accounts", stdout=out)
    assert User.objects.get(username="sleeper").is_active


def test_dry_run_changes_nothing():
    backdate(make_user("sleeper"), 91)
    out = io.StringIO()
    call_command("disable_dormant_accounts", "--dry-run", stdout=out)
    assert "sleeper" in out.getvalue() and User.objects.get(username="sleeper").is_active
