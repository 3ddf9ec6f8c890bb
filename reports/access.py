"""Who may see which figures and reports: the park named in a URL, and the years offered.

The county's figures are for users who see everything; a park's for users
who see that park through ``Park.objects.for_user`` (secretaries see one
organization, not its park's figures). Anything else answers 404.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from organizations.models import Park
from parkparty.core.permissions import sees_everything, works_on_parks

from .links import COUNTY

#: The earliest year figures and reports are offered for.
FIRST_YEAR = 2000


def scope_park(user, code: str):
    """The park named by ``code`` as ``user`` may see its figures, or None for the county; 404 otherwise."""
    if code == COUNTY:
        if not sees_everything(user):
            raise Http404
        return None
    if not works_on_parks(user) or "\x00" in code:  # no code holds a NUL, and PostgreSQL refuses to look one up
        raise Http404
    return get_object_or_404(Park.objects.for_user(user), code=code)


def check_year(year: int) -> int:
    """``year`` when figures can be counted for it (it has begun), else 404."""
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year
