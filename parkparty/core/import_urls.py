"""URLs of the Excel import pages: choose a kind, upload and preview, confirm, the blank template."""

from django.urls import path

from parkparty.core.views import imports as views

app_name = "imports"

urlpatterns = [
    path("", views.ImportIndexView.as_view(), name="index"),
    path("<slug:kind>/", views.ImportUploadView.as_view(), name="upload"),
    path("<slug:kind>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("<slug:kind>/template/", views.ImportTemplateView.as_view(), name="template"),
]
