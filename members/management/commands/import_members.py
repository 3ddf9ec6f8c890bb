"""import_members FILE.xlsx --park CODE [--dry-run]: the member roster import."""

from parkparty.core.imports import import_command

Command = import_command("members")
