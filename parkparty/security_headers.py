"""Response headers Django 5.2 does not send by itself: Content-Security-Policy and Permissions-Policy.

We keep this small middleware instead of adding django-csp: the policy is one fixed header (no nonces,
since no page has an inline script or style), and the settings have the name and shape of Django 6.0's
built-in ``SECURE_CSP`` / ``SECURE_CSP_REPORT_ONLY``, so moving to Django 6.0 means replacing this
class with ``django.middleware.csp.ContentSecurityPolicyMiddleware`` and keeping the settings.
"""

from django.conf import settings


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
