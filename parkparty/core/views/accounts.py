"""The user's own account: the password change page (also where a forced change happens)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from parkparty.core import audit
from parkparty.core.accounts import REASON_MESSAGES, PasswordChangeForm, password_change_reason
from parkparty.core.forms import style_widgets
from parkparty.core.models import AuditKind, AuditOutcome


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user changes their password here; a forced change lands here too."""

    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_widgets(form)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reason = password_change_reason(self.request.user)
        context.update(
            {
                "title": _("Change password"),
                "crumbs": [(_("Change password"), None)],
                "reason": REASON_MESSAGES.get(reason, ""),
            }
        )
        return context

    def form_invalid(self, form):
        if "old_password" in form.errors:  # someone at this session does not know its password
            audit.record(
                AuditKind.PASSWORD_CHANGED,
                request=self.request,
                obj=self.request.user,
                outcome=AuditOutcome.FAILURE,
                detail={"reason": "wrong current password"},
            )
        return super().form_invalid(form)

    def form_valid(self, form):
        user = form.user
        reason = password_change_reason(user)
        user.must_change_password = False
        user._password_audit_detail = {"forced": reason or False}
        response = super().form_valid(form)
        messages.success(self.request, _("Your password was changed."))
        return response
