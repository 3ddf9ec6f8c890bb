"""Request checks that come before any view."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

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
