"""WSGI entry point (gunicorn parkparty.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkparty.settings")

application = get_wsgi_application()
