"""Views of the core app: the signed-in home page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.models import Applicant, Member
from organizations.models import Enterprise, Park, PartyOrganization, ServiceRequest
from parkparty.scoping import scope_for


@login_required
def home(request):
    """Who the user is, what their scope covers and how many records they can reach."""
    user = request.user
    scope = scope_for(user)
    counts = [
        (Park._meta.verbose_name_plural, Park.objects.for_user(user).count()),
        (Enterprise._meta.verbose_name_plural, Enterprise.objects.for_user(user).count()),
        (PartyOrganization._meta.verbose_name_plural, PartyOrganization.objects.for_user(user).count()),
        (Member._meta.verbose_name_plural, Member.objects.for_user(user).current().count()),
        (Applicant._meta.verbose_name_plural, Applicant.objects.for_user(user).count()),
        (ServiceRequest._meta.verbose_name_plural, ServiceRequest.objects.for_user(user).count()),
    ]
    return render(request, "parkparty/home.html", {"scope": scope, "counts": counts})
