"""WSGI entry point for gunicorn (`vetserve serve`) and other WSGI servers."""

import os

from django.core.wsgi import get_wsgi_application

from vetserve.core.files import private_umask

private_umask()  # files written by the app are the service user's alone (core/files.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
application = get_wsgi_application()
