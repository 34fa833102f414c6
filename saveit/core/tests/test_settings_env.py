"""Settings read from the environment: empty means unset; served links follow the served port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _settings_with(env: dict[str, str], expression: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.base'; "
        f"from django.conf import settings; print({expression})"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment |= env
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_an_empty_database_url_means_the_default_sqlite_database():
    engine = _settings_with({"DATABASE_URL": ""}, "settings.DATABASES['default']['ENGINE']")
    assert engine == "django.db.backends.sqlite3"


def test_empty_setting_variables_take_their_defaults_instead_of_crashing():
    values = _settings_with(
        {"AXES_FAILURE_LIMIT": "", "EMAIL_PORT": " ", "SITE_URL": "", "DEBUG": ""},
        "settings.AXES_FAILURE_LIMIT, settings.EMAIL_PORT, settings.SITE_URL, settings.DEBUG",
    )
    assert values == "5 25 http://127.0.0.1:8000 False"


def test_make_run_links_point_at_the_port_it_serves(tmp_path):
    """scripts/serve.sh gives the server and its worker the address it prints."""
    fake_python = tmp_path / "python"
    fake_python.write_text('#!/bin/sh\necho "$2 SITE_URL=$SITE_URL"\n')
    fake_python.chmod(0o755)
    (tmp_path / "var").mkdir()
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "serve.sh"), str(fake_python), "127.0.0.1", "8765"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "SITE_URL"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "runserver SITE_URL=http://127.0.0.1:8765" in done.stdout
    assert "demo SITE_URL=http://127.0.0.1:8765" in done.stdout


def test_postgresql_keeps_the_per_request_statements_prepared_unless_told_not_to():
    url = "postgres://saveit@db.example.test/saveit"
    options = "settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold')"
    assert _settings_with({"DATABASE_URL": url}, options) == "5"
    # behind a transaction pooler that cannot keep prepared statements
    off = {"DATABASE_URL": url, "DATABASE_PREPARED_STATEMENTS": "off"}
    assert _settings_with(off, options) == "None"
    # SQLite: its pragmas, nothing to prepare on a server
    sqlite = _settings_with({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "settings.DATABASES")
    assert "journal_mode=WAL" in sqlite and "prepare_threshold" not in sqlite
