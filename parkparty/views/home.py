"""The signed-in home page: what waits for this user and what they changed last."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from organizations.models import Park
from parkparty.core.models import AuditEvent
from parkparty.core.permissions import (
    CHANGE,
    COUNTY_HOME,
    PARK_HOME,
    VIEW,
    assigned_organization,
    assigned_park,
    home_dashboard,
    may,
    may_administer,
    sees_everything,
    works_on_records,
)
from reports.todo import todo_context


def dashboard_home(user) -> str | None:
    """The dashboard that is this user's home: the county overview, their park's or their organization's."""
    home = home_dashboard(user)
    if home is None:
        return None
    kind, where = home
    if kind == COUNTY_HOME:
        return reverse("reports:county")
    if kind == PARK_HOME:
        return reverse("reports:park", args=[where.code])
    return reverse("reports:organization", args=[where])


@login_required
def home(request):
    """County reviewers, park staff and secretaries go to their dashboard; others see what waits for them."""
    user = request.user
    if not works_on_records(user) and may(user, VIEW, AuditEvent):  # the audit administrator
        return redirect("audit:list")
    target = dashboard_home(user)
    if target is not None:
        return redirect(target)
    context = {
        "sees_everything": sees_everything(user),
        "manages_parks": may(user, CHANGE, Park),
        "scope_park": assigned_park(user),
        "scope_organization": assigned_organization(user),
        "may_administer": may_administer(user),
        **todo_context(user),
    }
    return render(request, "parkparty/home.html", context)
