"""Signing in through a real browser, in Chinese, and who may enter the admin."""

import pytest

from organizations.models import Park
from parkparty.core.models import Role, User

from .browser import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_user(username, role, **extra):
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_login_page_is_chinese_and_staff_reach_their_home(page, live_server):
    park = Park.objects.create(code="BT", name="浏览器测试园区")
    make_user("staff", Role.PARK_STAFF, park=park)
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")
    assert page.locator("h1").inner_text() == "登录"
    sign_in(page, live_server, "staff")
    # Park staff's home is their park's dashboard.
    page.wait_for_url(f"{live_server.url}/reports/parks/BT/")
    assert "浏览器测试园区" in page.locator("h1").inner_text()
    assert page.get_by_role("link", name="首页").count() >= 1


def test_wrong_password_is_refused_in_chinese(page, live_server):
    make_user("county", Role.COUNTY_REVIEWER)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("county")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in page.get_by_role("alert").inner_text()


def test_administrator_enters_admin_and_county_reviewer_does_not(page, live_server):
    make_user("admin", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    make_user("county", Role.COUNTY_REVIEWER, is_staff=True)
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#site-name").inner_text() == "园区党建台账系统管理"
    page.context.clear_cookies()
    sign_in(page, live_server, "county")
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
