"""Workbench URLs of the organizations app: every entity of every area module."""

from organizations.views import (
    activities,
    enterprises,
    funding,
    instructors,
    notices,
    parks,
    party_organizations,
    requests,
    service_centers,
)

app_name = "organizations"

urlpatterns = [
    pattern
    for module in (
        enterprises,
        party_organizations,
        service_centers,
        instructors,
        funding,
        parks,
        activities,
        requests,
        notices,
    )
    for entity in module.ENTITIES
    for pattern in entity.urls()
]
