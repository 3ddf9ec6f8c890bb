"""Workbench pages of parks, enterprises, organizations and what they do."""
