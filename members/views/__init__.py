"""Workbench pages of members, the development pipeline, dues and commendations."""
