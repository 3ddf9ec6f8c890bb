"""Workbench URLs of the organizations app: every entity of every area module."""

from organizations.views import activities, enterprises, notices, parks, party, requests

app_name = "organizations"

urlpatterns = [
    pattern
    for module in (enterprises, party, parks, activities, requests, notices)
    for entity in module.ENTITIES
    for pattern in entity.urls()
]
