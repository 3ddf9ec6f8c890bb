"""URLs of the Excel import pages (filled in by the import work)."""

app_name = "imports"

urlpatterns: list = []
