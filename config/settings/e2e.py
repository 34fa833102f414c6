"""Settings for the server the browser journeys (e2e/) and schemathesis drive.

Production-like (DEBUG off, static files collected and served by whitenoise) but self-contained:
SQLite under SAVEIT_VAR_DIR, e-mails written as files the tests read, tasks run at once.
"""

from __future__ import annotations

import os
import tempfile

if not os.environ.get("SAVEIT_VAR_DIR"):
    os.environ["SAVEIT_VAR_DIR"] = tempfile.mkdtemp(prefix="saveit-e2e-")

from .base import *  # noqa: F403
from .base import VAR_DIR, database

DEBUG = False
DATABASES = {"default": database(f"sqlite:///{VAR_DIR / 'e2e.sqlite3'}")}
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
AXES_FAILURE_LIMIT = 5
AXES_ENABLED = True
