"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parkparty.core.views import audit as audit_views
from parkparty.core.views.accounts import PasswordChangeView
from parkparty.views import home as views

audit_patterns = (
    [
        path("", audit_views.audit_log, name="list"),
        path("export/", audit_views.audit_export, name="export"),
    ],
    "audit",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
    path("audit/", include(audit_patterns)),
    path("admin/", admin.site.urls),
    path("import/", include("parkparty.core.import_urls")),
    path("reports/annual/", include("reports.annual_urls")),
    path("reports/", include("reports.urls")),
    path("", include("organizations.urls")),
    path("", include("members.urls")),
]
