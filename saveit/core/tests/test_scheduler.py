"""run_due_jobs: each job runs once per period, however many schedulers start together."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from saveit.core import scheduler
from saveit.core.models import JobRun
from saveit.testing.processes import run_in_fresh_sqlite

NOON = datetime(2026, 12, 7, 11, 0, 30, tzinfo=UTC)  # 12:00 in Paris


@pytest.fixture
def counted():  # type: ignore[no-untyped-def]
    """A job of the test's own that counts its runs."""
    calls: list[datetime] = []

    @scheduler.job("test.counted", period="day")
    def counted_job(now: datetime) -> str:
        calls.append(now)
        return f"run {len(calls)}"

    yield calls
    scheduler.unregister("test.counted")


def test_periods_are_keyed_in_the_installation_time_zone():
    assert scheduler.period_key("minute", NOON) == "2026-12-07T12:00"
    assert scheduler.period_key("hour", NOON) == "2026-12-07T12"
    assert scheduler.period_key("day", datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == "2026-12-07"
    assert scheduler.period_key("month", NOON) == "2026-12"


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError, match="unknown period"):
        scheduler.job("test.weekly", period="week")  # type: ignore[arg-type]


def test_the_apps_jobs_are_found_without_core_importing_them():
    names = {found.name for found in scheduler.registered_jobs()}
    assert "audit.chain_checkpoints" in names


def test_a_second_run_in_the_same_period_does_nothing(db, counted):
    first = scheduler.run_due_jobs(now=NOON, only={"test.counted"})
    second = scheduler.run_due_jobs(now=NOON.replace(hour=20), only={"test.counted"})
    assert [(o.status, o.summary) for o in first] == [("done", "run 1")]
    assert [o.status for o in second] == ["skipped"]
    assert len(counted) == 1
    run = JobRun.objects.get(name="test.counted")
    assert (run.period_key, run.status, run.summary) == ("2026-12-07", "done", "run 1")
    scheduler.run_due_jobs(now=NOON.replace(day=8), only={"test.counted"})
    assert len(counted) == 2  # the next day is another period


def test_a_failed_job_is_retried_in_the_same_period_three_times_at_most(db):
    attempts: list[int] = []

    @scheduler.job("test.failing", period="day")
    def failing(now: datetime) -> None:
        attempts.append(1)
        raise RuntimeError("mail server down")

    try:
        for _ in range(5):
            [outcome] = scheduler.run_due_jobs(now=NOON, only={"test.failing"})
        assert len(attempts) == scheduler.MAX_ATTEMPTS
        assert outcome.status == "skipped"
        run = JobRun.objects.get(name="test.failing")
        assert run.status == "failed" and "mail server down" in run.summary
    finally:
        scheduler.unregister("test.failing")


def test_a_run_killed_mid_job_is_taken_again_once_stale_as_an_attempt(db, counted):
    # A scheduler killed while the job ran left its row RUNNING, never finished.
    JobRun.objects.create(
        name="test.counted", period_key="2026-12-07", status="running", started_at=NOON
    )
    soon = NOON + scheduler.STALE_AFTER - timedelta(seconds=1)
    [outcome] = scheduler.run_due_jobs(now=soon, only={"test.counted"})
    assert outcome.status == "skipped" and counted == []  # perhaps still running elsewhere
    later = NOON + scheduler.STALE_AFTER + timedelta(seconds=1)
    [outcome] = scheduler.run_due_jobs(now=later, only={"test.counted"})
    assert (outcome.status, counted) == ("done", [later])
    run = JobRun.objects.get(name="test.counted")
    assert (run.status, run.attempts, run.started_at) == ("done", 2, later)


def test_a_stale_run_out_of_attempts_is_not_taken_again(db, counted):
    JobRun.objects.create(
        name="test.counted",
        period_key="2026-12-07",
        status="running",
        started_at=NOON,
        attempts=scheduler.MAX_ATTEMPTS,
    )
    later = NOON + scheduler.STALE_AFTER * 2
    [outcome] = scheduler.run_due_jobs(now=later, only={"test.counted"})
    assert outcome.status == "skipped" and counted == []


def test_the_command_lists_runs_and_fails_on_an_unknown_job(db, counted):
    out = StringIO()
    call_command("run_due_jobs", "--list", stdout=out)
    assert "test.counted (every day)" in out.getvalue()
    out = StringIO()
    call_command("run_due_jobs", "--job", "test.counted", stdout=out)
    assert "done test.counted" in out.getvalue() and "run 1" in out.getvalue()
    with pytest.raises(CommandError) as failure:
        call_command("run_due_jobs", "--job", "no.such.job")
    assert failure.value.returncode == 2


# --- racing schedulers, on a SQLite file as in production -----------------------------------


def _slow_job(marks: Path):  # type: ignore[no-untyped-def]
    def run(now: datetime) -> None:
        with marks.open("a") as out:  # O_APPEND: each line written whole
            out.write(f"{os.getpid()}\n")
        time.sleep(0.2)  # still running while the others try

    return run


def _child(now: datetime) -> None:
    connections.close_all()
    try:
        scheduler.run_due_jobs(now=now, only={"test.race"})
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)
    connections.close_all()
    os._exit(0)


def race_scenario(marks_path: str) -> None:
    """Run in a fresh process on a SQLite file: 4 threads, then 4 processes, start the same job
    for the same period at once."""
    call_command("migrate", verbosity=0)
    marks = Path(marks_path)
    scheduler.job("test.race", period="minute")(_slow_job(marks))
    start = threading.Barrier(4)
    failures: list[BaseException] = []

    def runner() -> None:
        try:
            start.wait()
            scheduler.run_due_jobs(now=NOON, only={"test.race"})
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [], failures
    assert len(marks.read_text().splitlines()) == 1
    connections.close_all()
    later = NOON.replace(minute=1)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_child, args=(later,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0] * 4
    assert len(marks.read_text().splitlines()) == 2
    assert JobRun.objects.filter(name="test.race", status="done").count() == 2
    print("race ok")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file")
def test_schedulers_racing_in_threads_or_processes_run_a_job_once(tmp_path):
    marks = str(tmp_path / "marks.txt")
    run_in_fresh_sqlite(
        tmp_path,
        f"saveit.core.tests.test_scheduler:race_scenario({marks!r})",
        expect="race ok",
        name="race",
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite file")
def test_the_loop_runs_the_due_jobs_at_once_and_stops_on_sigterm(tmp_path):
    """What `make run` starts beside the task worker (scripts/serve.sh)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'loop.sqlite3'}",
        "SAVEIT_VAR_DIR": str(tmp_path),
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
    loop = subprocess.Popen(
        [*manage, "run_due_jobs", "--loop"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert loop.stdout is not None
        assert loop.stdout.readline().startswith("scheduler started")
        # Every registered job runs once, in name order: other apps' jobs may come first.
        from saveit.core.scheduler import registered_jobs

        done = [loop.stdout.readline() for _ in registered_jobs()]
        assert any(line.startswith("done audit.chain_checkpoints") for line in done), done
        loop.terminate()
        assert loop.wait(timeout=10) == 0
        assert "scheduler stopped" in loop.stdout.read()
    finally:
        loop.kill()
