"""The CI scripts fail when what they check cannot run (a skipped check must not pass)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_postgresql_step_fails_when_postgresql_does_not_answer():
    env = {**os.environ, "PG_PORT": str(_free_port()), "PY": sys.executable, "CI": "true"}
    env.pop("SAVEIT_PG_OPTIONAL", None)
    done = subprocess.run(
        ["bash", "scripts/pg_test.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "PostgreSQL not reachable" in done.stdout


def test_a_workstation_may_skip_the_postgresql_step_only_outside_ci():
    env = {**os.environ, "PG_PORT": str(_free_port()), "PY": sys.executable}
    env.update(SAVEIT_PG_OPTIONAL="1", CI="")
    done = subprocess.run(
        ["bash", "scripts/pg_test.sh"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "SKIPPED" in done.stderr
