"""What the organizations app adds to the core's pages (see :mod:`parkparty.core.extensions`)."""

from parkparty.core.extensions import register_import_kind

register_import_kind("enterprises", "organizations.imports.ENTERPRISE_SPEC")
