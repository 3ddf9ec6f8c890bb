"""Annual report pages (namespace ``annual``)."""

from django.urls import path

from . import annual_views as views

app_name = "annual"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:code>/<str:kind>.docx", views.template_download, name="template_download"),
    # Before the editor's <code>/<year>/<kind>/, which "generated/<pk>/pdf/" would otherwise match.
    path("generated/<int:pk>/pdf/", views.download_pdf, name="download_pdf"),
    path("generated/<int:pk>/pages/<int:number>.png", views.pdf_page, name="pdf_page"),
    path("<str:code>/<int:year>/<str:kind>/", views.editor, name="editor"),
    path("<str:code>/<int:year>/<str:kind>/preview.docx", views.preview, name="preview"),
    path("<str:code>/<int:year>/<str:kind>/history/", views.history, name="history"),
    path("generated/<int:pk>/", views.download_generated, name="download"),
]
