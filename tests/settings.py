"""Settings for the test suite: the project's settings in development mode with a test-only secret key.

Production is the default of ``parkparty/settings.py`` (DJANGO_DEBUG off, HTTPS redirect, secure cookies,
a secret key required). The suite runs the development shape instead — plain static files from the
finders, no redirect to HTTPS — and pytest-django still runs every test with ``DEBUG = False``.
Production settings are checked by ``tests/test_production_settings.py`` (``check --deploy`` in a
subprocess with the production environment). Subprocesses started by tests inherit these variables.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_SECRET_KEY", "parkparty-test-suite-only-" + "x" * 40)

from parkparty.settings import *  # noqa: F403

# Generating a report makes no PDF in the suite (LibreOffice takes a second or two a report);
# tests/test_report_pdf.py switches it on where the PDF is what it checks.
REPORT_PDF_ENABLED = False
