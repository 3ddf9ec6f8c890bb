"""Workbench URLs of the members app: every entity of every area module."""

from members.views import development, members, records

app_name = "members"

urlpatterns = [
    pattern for module in (members, development, records) for entity in module.ENTITIES for pattern in entity.urls()
]
