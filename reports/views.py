"""The list pages' export in the import workbook format (a round trip export → edit → import)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext as _

from parkparty.core.permissions import may_full_export
from parkparty.core.views.generic.base import EntityView
from parkparty.core.views.generic.listing import ListingMixin
from reports.exports import import_workbook_response


class ImportWorkbookExportView(ListingMixin, EntityView):
    """The list's current rows (same scope, filters and search) as the ``kind`` import workbook.

    The workbook holds full ID numbers (the members' import key), so only roles that may reveal
    personal data get it; the export is recorded with ``format=import`` added to its filters.
    """

    kind = ""

    def get(self, request):
        if not may_full_export(request.user, self.entity.model):
            raise PermissionDenied(_("Your role may not export records with their full personal data."))
        entity = self.entity
        listing = self.listing(request)
        if listing.invalid:
            return self.refuse_listing(request)
        params = request.GET.copy()
        params.pop("page", None)
        params["format"] = "import"
        return import_workbook_response(
            self.kind,
            queryset=listing.queryset,
            user=request.user,
            model=entity.model,
            filters=params.urlencode(),
            name=entity.verbose_name_plural(),
        )


def import_workbook_urls(entity, kind: str) -> list:
    """The ``<slug>/export-workbook/`` pattern, named ``<slug>_export_workbook``, of ``entity``."""
    slug = entity.slug()
    view = ImportWorkbookExportView.as_view(entity=entity, kind=kind)
    return [path(f"{slug}/export-workbook/", view, name=f"{slug}_export_workbook")]


def import_workbook_context(entity, request) -> dict:
    """``export_workbook_url`` (with the list's filters and search) for the roles that may use it."""
    if not may_full_export(request.user, entity.model):
        return {}
    url = reverse(entity.url_name("export_workbook"))
    params = request.GET.copy()
    params.pop("page", None)
    return {"export_workbook_url": f"{url}?{params.urlencode()}" if params else url}
