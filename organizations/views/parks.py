"""Workbench entities of this area (filled in by the workbench work)."""

ENTITIES: list = []
