"""The project's middleware: request guards, security headers, session rules and the audit of denied access.

- :class:`RefuseNulMiddleware` refuses a NUL in the address or query string (400) and drops cookies
  holding one, before anything reaches the database.
- :class:`SecurityHeadersMiddleware` sends the Content-Security-Policy and Permissions-Policy, which
  Django 5.2 does not send by itself. We keep this small class instead of adding django-csp: the
  policy is one fixed header (no nonces, since no page has an inline script or style), and the
  settings have the name and shape of Django 6.0's built-in ``SECURE_CSP`` /
  ``SECURE_CSP_REPORT_ONLY``, so moving to Django 6.0 means replacing this class with
  ``django.middleware.csp.ContentSecurityPolicyMiddleware`` and keeping the settings.
- :class:`AccountSecurityMiddleware` signs a user out after ``IDLE_TIMEOUT_MINUTES`` without a request
  and ``SESSION_COOKIE_AGE`` seconds after signing in, whatever they do; and while a user must change
  their password (set by an administrator, or expired) it lets through only the password page,
  sign-out and static files.
- :class:`DeniedAccessAuditMiddleware` writes every 403 and 404 answered to a signed-in user to the
  audit log.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import BadRequest
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from parkparty.core import audit
from parkparty.core.accounts import password_change_reason
from parkparty.core.models import AuditKind, AuditOutcome

NUL = "\x00"


class RefuseNulMiddleware:
    """NUL never belongs in an address, a query string or a cookie: refuse it before it reaches the database.

    PostgreSQL refuses a NUL in any text it is given, so a ``%00`` in a
    park code, a search or a filter would otherwise answer 500 wherever it
    is used. An address or query string holding one answers 400; a cookie
    holding one is ignored (a session cookie with a NUL is no session).
    Form fields refuse NUL themselves, with a message on the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if NUL in name or NUL in value]:
            del request.COOKIES[name]
        if NUL in request.path_info or any(
            NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest(_("The address holds a character that is not allowed (NUL)."))
        return self.get_response(request)


def policy_header(directives: dict[str, list[str]]) -> str:
    """``{"default-src": ["'self'"], "img-src": ["'self'", "data:"]}`` → ``default-src 'self'; img-src 'self' data:``"""
    return "; ".join(" ".join([directive, *sources]) for directive, sources in directives.items())


def permissions_header(features: dict[str, list[str]]) -> str:
    """``{"camera": [], "geolocation": ["self"]}`` → ``camera=(), geolocation=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in features.items())


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy (and its report-only twin) and the Permissions-Policy to every response.

    A response that already carries a header keeps it. With DEBUG on, Django's technical error pages
    (which use inline styles) are left without a policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            return response
        headers = (
            ("Content-Security-Policy", policy_header(getattr(settings, "SECURE_CSP", {}))),
            ("Content-Security-Policy-Report-Only", policy_header(getattr(settings, "SECURE_CSP_REPORT_ONLY", {}))),
            ("Permissions-Policy", permissions_header(getattr(settings, "PERMISSIONS_POLICY", {}))),
        )
        for name, value in headers:
            if value and name not in response.headers:
                response.headers[name] = value
        return response


SIGNED_IN_AT = "parkparty_signed_in_at"
LAST_SEEN = "parkparty_last_seen"
#: The last-seen time is written to the session at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(request) -> None:
    """At sign-in: the session's start and last activity are now."""
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def session_expiry(request, now: float) -> str:
    """ "idle", "absolute" or "" — whether the signed-in session has run out."""
    session = request.session
    signed_in = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if signed_in is None or last_seen is None:
        return ""
    if now - signed_in > settings.SESSION_COOKIE_AGE:
        return "absolute"
    idle = settings.IDLE_TIMEOUT_MINUTES * 60
    if idle > 0 and now - last_seen > idle:
        return "idle"
    return ""


class AccountSecurityMiddleware:
    """Idle and absolute session timeouts; the forced password change."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request, user):
        now = time.time()
        expired = session_expiry(request, now)
        if expired:
            request.parkparty_logout_reason = expired  # the sign-out is audited as an expired session
            logout(request)
            messages.info(request, _("You were signed out after a time without activity. Please sign in again."))
            return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        if now - request.session.get(LAST_SEEN, 0) >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN] = int(now)
            request.session.setdefault(SIGNED_IN_AT, int(now))
        reason = password_change_reason(user)
        if reason and not self.allowed_while_forced(request):
            return HttpResponseRedirect(reverse("password_change"))  # the page says why
        return None

    @staticmethod
    def allowed_while_forced(request) -> bool:
        path = request.path_info
        return path in (reverse("password_change"), reverse("logout")) or path.startswith(settings.STATIC_URL)


class DeniedAccessAuditMiddleware:
    """A 403 or 404 answered to a signed-in user is an ``access_denied`` event (method, path, status).

    A 404 counts only when the address named a page (a record outside the user's scope, an unknown
    record): a mistyped address, a missing static file or a browser's ``/favicon.ico`` is no access
    to anything and would only bury the events that matter.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        named_page = response.status_code == 403 or getattr(request, "resolver_match", None) is not None
        if response.status_code in (403, 404) and named_page:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                audit.record(
                    AuditKind.ACCESS_DENIED,
                    request=request,
                    user=user,
                    outcome=AuditOutcome.DENIED,
                    detail={"status": response.status_code, "method": request.method, "path": request.path[:300]},
                )
        return response
