"""What the organizations app adds to the core's pages (see :mod:`parkparty.extensions`)."""

from parkparty.extensions import register_import_kind

register_import_kind("enterprises", "organizations.imports.ENTERPRISE_SPEC")
