"""Refresh the French catalogue saveit/locale/fr from the code and templates (needs xgettext)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    command = [
        sys.executable,
        "manage.py",
        "makemessages",
        "-l",
        "fr",
        "--no-obsolete",
        "--ignore",
        ".venv/*",
        "--ignore",
        "var/*",
        "--ignore",
        "e2e/*",
        "--ignore",
        "bench/*",
        "--ignore",
        "*/tests/*",
        "--ignore",
        "saveit/testing/*",
        "--no-location",
    ]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
