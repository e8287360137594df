"""ASGI entry point, for servers that speak ASGI."""

import os

from django.core.asgi import get_asgi_application

from vetserve.core.files import private_umask

private_umask()  # files written by the app are the service user's alone (core/files.py)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetserve.settings")
application = get_asgi_application()
