"""The signed-in home page: what waits for this user and what they changed last."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from parkparty.models import AuditEvent
from parkparty.permissions import VIEW, Role, may, role_of
from reports.todo import todo_context


def dashboard_home(user) -> str | None:
    """The dashboard that is this user's home: the county overview, their park's or their organization's."""
    role = role_of(user)
    if role == Role.COUNTY_REVIEWER:
        return reverse("reports:county")
    if role == Role.PARK_STAFF:
        return reverse("reports:park", args=[user.park.code])
    if role == Role.SECRETARY:
        return reverse("reports:organization", args=[user.organization_id])
    return None


@login_required
def home(request):
    """County reviewers, park staff and secretaries go to their dashboard; others see what waits for them."""
    user = request.user
    if role_of(user) == Role.AUDITOR and may(user, VIEW, AuditEvent):
        return redirect("audit:list")
    target = dashboard_home(user)
    if target is not None:
        return redirect(target)
    context = {"role": role_of(user), "roles": Role, **todo_context(user)}
    return render(request, "parkparty/home.html", context)
