"""Dashboards, figure records, chart data and exports."""

from django.urls import path

from . import dashboard_views as views

app_name = "reports"

urlpatterns = [
    path("county/", views.county, name="county"),
    path("parks/<str:code>/", views.park_dashboard, name="park"),
    path("organizations/<int:pk>/", views.organization_view, name="organization"),
    path("figures/<str:scope>/<int:year>/<str:key>/", views.figure_records, name="figure_records"),
    path("charts/<str:scope>/<int:year>/", views.charts, name="charts"),
    path("export/<str:scope>/<int:year>/", views.export, name="export"),
]
