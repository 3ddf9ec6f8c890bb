"""import_enterprises FILE.xlsx --park CODE [--dry-run]: the enterprise survey import."""

from parkparty.core.imports import import_command

Command = import_command("enterprises")
