"""Views of the core app: home and the generic workbench views every entity builds on."""
