"""WSGI entry point for gunicorn (`vetserve serve`) and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
application = get_wsgi_application()
