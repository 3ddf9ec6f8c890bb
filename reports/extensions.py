"""What the reports app adds to the pages of the apps below it (see :mod:`parkparty.core.extensions`).

Every workbench list's Excel export, and the enterprise and member lists' export in the import
workbook format (a round trip export → edit → import).
"""

from functools import partial

from parkparty.core.extensions import ListFeature, add_list_feature, list_export
from reports.exports import export_response
from reports.views import import_workbook_context, import_workbook_urls

list_export.provide(export_response)

for model, kind in (("organizations.enterprise", "enterprises"), ("members.member", "members")):
    add_list_feature(
        model, ListFeature(urls=partial(import_workbook_urls, kind=kind), list_context=import_workbook_context)
    )
