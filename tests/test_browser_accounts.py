"""In Chromium: a username locked after five wrong passwords, and the forced password change of a new account."""

import pytest

from organizations.models import Park
from parkparty.core.models import AuditEvent, AuditKind, Role, User

from .browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def try_sign_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_five_wrong_passwords_lock_the_account_with_one_chinese_message(page, live_server):
    park = Park.objects.create(code="BL", name="锁定测试园区")
    User.objects.create_user(username="staff", password=PASSWORD, role=Role.PARK_STAFF, park=park)
    for _ in range(5):
        try_sign_in(page, live_server, "staff", "Wrong-pass-2026")
    assert "登录失败次数过多" in page.get_by_role("alert").inner_text()
    try_sign_in(page, live_server, "staff", PASSWORD)  # the right password, but locked
    assert page.url.startswith(f"{live_server.url}/login/")
    message = page.get_by_role("alert").inner_text()
    assert "30 分钟" in message and "系统管理员" in message
    assert AuditEvent.objects.filter(kind=AuditKind.LOCKOUT, username="staff").count() == 1


def test_a_new_account_must_choose_its_own_password_before_anything_else(page, live_server):
    park = Park.objects.create(code="BF", name="改密测试园区")
    User.objects.create_user(
        username="newcomer", password=PASSWORD, role=Role.PARK_STAFF, park=park, must_change_password=True
    )
    try_sign_in(page, live_server, "newcomer", PASSWORD)
    page.wait_for_url(f"{live_server.url}/account/password/")
    assert "请先设置您自己的新密码" in page.get_by_role("status").first.inner_text()
    page.goto(f"{live_server.url}/enterprise/")
    assert page.url == f"{live_server.url}/account/password/"  # nothing else opens
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("zhangsan2024")
    page.locator("#id_new_password2").fill("zhangsan2024")
    page.get_by_role("button", name="修改密码").click()
    assert "至少 3 类" in page.locator(".invalid-feedback").first.inner_text()  # refused, in Chinese
    page.locator("#id_old_password").fill(PASSWORD)
    page.locator("#id_new_password1").fill("Own-choice-77x")
    page.locator("#id_new_password2").fill("Own-choice-77x")
    page.get_by_role("button", name="修改密码").click()
    page.wait_for_url(f"{live_server.url}/reports/parks/BF/")
    assert "密码已修改" in page.content()
    assert not User.objects.get(username="newcomer").must_change_password
