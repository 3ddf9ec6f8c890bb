"""Production settings: the deployment check passes, HTTPS is enforced behind the proxy, every page carries
the security headers, DEBUG is off unless asked for, and the error pages are ours, in Chinese."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse
from django.views.defaults import server_error

from parkparty import urls as project_urls

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent

#: What README's "Production settings" tells a deployer to set.
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dangjian.example.gov.cn",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run manage.py with exactly the production settings module and ``env`` (nothing from the test suite)."""
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "DATABASE_URL") if name in os.environ}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**keep, "DJANGO_SETTINGS_MODULE": "parkparty.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(**changes: str) -> dict[str, str]:
    return {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **changes}


# The deployment check ----------------------------------------------------------------------------------


def test_deploy_check_passes_with_the_documented_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_when_hsts_is_switched_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production(DJANGO_HSTS_SECONDS="0"))
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_debug_is_off_unless_asked_for():
    code = "from django.conf import settings; print('DEBUG', settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    result = manage("shell", "-v", "0", "-c", code, env={"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})
    assert "DEBUG False True" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={"DJANGO_DEBUG": "false", "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_load_demo_refuses_on_a_production_server():
    result = manage("load_demo", env=production(DATABASE_URL="sqlite:////nonexistent-dir/never-opened.sqlite3"))
    assert result.returncode != 0
    assert "--force" in result.stderr


# HTTPS behind the proxy, and the headers of every page -------------------------------------------------


@pytest.fixture
def https_settings(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, https_settings):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/login/"


@pytest.mark.django_db
def test_request_marked_https_by_the_proxy_gets_hsts_and_the_page(client, https_settings):
    response = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_style_or_event_handler():
    """The policy refuses them, so none may come back (scripts and styles live in static/)."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for needle in ("<style", "style=", " onclick=", " onload=", " onchange=", " onsubmit=", "javascript:"):
            if needle in text:
                offenders.append(f"{template.relative_to(ROOT)}: {needle}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{template.relative_to(ROOT)}: inline <script>")
    assert offenders == []


# Error pages -------------------------------------------------------------------------------------------


def fails(request):
    raise RuntimeError("a bug")


def refuses_with_a_reason(request):
    raise PermissionDenied("这份台账只对本园区开放。")


def refuses(request):
    raise PermissionDenied


urlpatterns = [
    path("test-500/", fails),
    path("test-403-reason/", refuses_with_a_reason),
    path("test-403/", refuses),
    *project_urls.urlpatterns,
]


@pytest.fixture
def error_client(db, settings):
    settings.DEBUG = False  # as in production: Django's error handlers, not its debug pages
    return Client(raise_request_exception=False)


@pytest.mark.urls(__name__)
def test_404_page_is_in_chinese_in_the_site_layout_with_a_way_home(error_client):
    response = error_client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text
    assert 'class="topbar"' in text
    assert f'href="{reverse("home")}"' in text
    assert "返回首页" in text
    assert "Not Found" not in text


@pytest.mark.urls(__name__)
def test_404_for_a_record_out_of_scope_names_no_record(error_client):
    staff = f.ParkStaffFactory()
    other = f.MemberFactory()
    error_client.force_login(staff)
    response = error_client.get(reverse("members:member_detail", args=[other.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert other.name not in response.content.decode()


@pytest.mark.urls(__name__)
def test_403_page_shows_the_reason_of_the_refusal(error_client):
    response = error_client.get("/test-403-reason/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "无权访问" in text
    assert "这份台账只对本园区开放。" in text


@pytest.mark.urls(__name__)
def test_403_page_without_a_reason_says_the_account_may_not_open_it(error_client):
    response = error_client.get("/test-403/")
    assert response.status_code == 403
    assert "您的账号无权打开此页面" in response.content.decode()


def test_403_for_a_read_only_role_explains_in_chinese(error_client):
    county = f.CountyReviewerFactory()
    member = f.MemberFactory()
    error_client.force_login(county)
    response = error_client.get(reverse("members:member_edit", args=[member.pk]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "无权访问" in text
    assert "只能查看这些记录，不能修改" in text


@pytest.mark.urls(__name__)
def test_400_page_for_a_host_not_allowed(error_client):
    response = error_client.get("/", headers={"host": "attacker.example"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "请求无效" in text
    assert "返回首页" in text


@pytest.mark.urls(__name__)
def test_500_page_is_in_chinese_in_the_site_layout(error_client):
    response = error_client.get("/test-500/")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器出错" in text
    assert 'class="topbar"' in text
    assert "返回首页" in text
    assert "a bug" not in text


def test_500_page_renders_without_context_processors_or_database(rf):
    response = server_error(rf.get("/"))  # no database access is allowed in this test
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


@pytest.mark.django_db
def test_expired_form_gets_the_chinese_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "someone", "password": "whatever"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "表单未能提交" in text
    assert "CSRF" not in text
