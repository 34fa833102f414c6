"""Scenarios that need a database of their own: a fresh process on its own SQLite file (WAL,
BEGIN IMMEDIATE, as in production), where threads and processes really race."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def run_in_fresh_sqlite(
    tmp_path: Path, call: str, *, expect: str, timeout: int = 180, name: str = "scenario"
) -> str:
    """Run `call` (e.g. "saveit.audit.tests.test_x:scenario(3)") after django.setup() in a new
    process on tmp_path/<name>.sqlite3; asserts it exits 0 and prints `expect`."""
    module, _sep, expression = call.partition(":")
    function = expression.partition("(")[0]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / f'{name}.sqlite3'}",
        "SAVEIT_VAR_DIR": str(tmp_path),
    }
    code = f"import django; django.setup(); from {module} import {function}; {expression}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert expect in done.stdout, done.stdout[-3000:]
    return done.stdout
