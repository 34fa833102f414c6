"""Learner pages under load through gunicorn, next to a bare Django view served the same way.

    .venv/bin/python bench/learner_pages.py [--seconds 10] [--connections 16] [--workers 2]
        [--threads 4] [--worker-class sync|gthread|auto] [--runs 1] [--client auto|wrk|asyncio]

Set-up (not measured): a fresh installation under a temporary SAVEIT_VAR_DIR — `migrate`,
`collectstatic`, `demo` — on SQLite, or in a throw-away database created on the DATABASE_URL
server (dropped afterwards). The demo learner apprenant@helios.demo gets a signed-in session.
The server is gunicorn on 127.0.0.1 with `--workers` processes and the e2e settings (DEBUG off,
static files by whitenoise: production-like), quiet, with sync workers as docs/operations.md
runs them. With `--worker-class auto` both sync and gthread workers are probed for a few
seconds on "Mes formations" and the one with more requests/s is kept (a short probe can prefer
gthread, whose p99 is then much worse on the full run).
The load is wrk (installed with apt-get when missing; else a small asyncio HTTP/1.1 keep-alive
client of this file) on loopback: `--connections` connections, 2 threads, `--seconds` per page
after a 2 s warm-up. Pages: "Mes formations", the training overview, a lesson (whose GET
records the view: a write, part of the real path), the assessment (an open attempt's questions)
and the result of a submitted attempt: the set-up makes the demo learner start an attempt,
submit it with blank answers and start a second one. The raw floor is a bare Django view (no
middleware, one URL returning "ok") in a WSGI module written to the temporary directory, served
and loaded the same way in the same run.
SPEC §15 target: learner pages ≥ 600 requests/s with p99 under 50 ms on 2 cores (a bare Django
view: ~1 000). Smoke run for CI: --seconds 2.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_DIR = Path(os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(VAR_DIR))  # the settings and the floor's WSGI module written below

# The e2e settings are the production-like ones that need no secret: DEBUG off, whitenoise,
# SQLite under SAVEIT_VAR_DIR. Demo passwords are hashed with a fast hasher: hashing is set-up
# work here (no measured page checks a password) and Argon2 would make the smoke run slower.
SETTINGS = '''"""Written by bench/learner_pages.py: the e2e settings, quiet, on its database."""
import os

from config.settings.base import database
from config.settings.e2e import *  # noqa: F403

if os.environ.get("SAVEIT_BENCH_DATABASE_URL"):
    DATABASES = {"default": database(os.environ["SAVEIT_BENCH_DATABASE_URL"])}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# The demo's documents are parsed at set-up: on a loaded machine the request limits may not do.
INGEST_MAX_CPU_SECONDS = INGEST_BACKGROUND_CPU_SECONDS  # noqa: F405
INGEST_TIMEOUT_SECONDS = INGEST_BACKGROUND_TIMEOUT_SECONDS  # noqa: F405
'''
FLOOR = '''"""Written by bench/learner_pages.py: the raw floor, a bare Django view."""
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def ok(request):
    return HttpResponse("ok")


urlpatterns = [path("", ok)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
'''
(VAR_DIR / "bench_learner_settings.py").write_text(SETTINGS)
(VAR_DIR / "bench_floor_wsgi.py").write_text(FLOOR)


def throwaway_postgres(url: str) -> str:
    """A fresh database on the DATABASE_URL server (a fresh installation), dropped at exit."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = f"saveit_bench_learner_{os.getpid()}_{int(time.time())}"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as maintenance:
        maintenance.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    atexit.register(drop)
    return url.rsplit("/", 1)[0] + "/" + name + (("?" + url.split("?", 1)[1]) if "?" in url else "")


# Only the bench itself makes the database: the demo's parsing runs in spawned processes that
# import this module again (as __mp_main__) with the parent's environment, and must use its
# database rather than make (and leave behind) one each.
if os.environ.get("DATABASE_URL") and not os.environ.get("SAVEIT_BENCH_DATABASE_URL"):
    os.environ["SAVEIT_BENCH_DATABASE_URL"] = throwaway_postgres(os.environ["DATABASE_URL"])
os.environ["DJANGO_SETTINGS_MODULE"] = "bench_learner_settings"
os.environ["LOG_LEVEL"] = "WARNING"

import django

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.learning.models import Assignment, Attempt, Learner
from saveit.learning.services.progress import lesson_keys
from saveit.testing.factories import signed_in

LEARNER = "apprenant@helios.demo"
TARGET_RPS = 600.0
TARGET_P99_MS = 50.0
WARM_UP_S = 2.0
PROBE_S = 2.0
WRK_THREADS = 2


@dataclass
class Page:
    name: str
    path: str
    queries: int = 0


@dataclass
class Sample:
    rps: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers and socket errors
    cpu_ms: float | None = None  # the server's CPU time per request (all its processes)


# --- set-up -------------------------------------------------------------------------------


def install() -> tuple[list[Page], str]:
    """Fresh installation with the demo; the learner's pages and cookies (session, CSRF)."""
    static = subprocess.Popen(  # in parallel with the migrations: it needs no database
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(),
    )
    call_command("migrate", verbosity=0)
    call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if static.wait() != 0:
        raise SystemExit("collectstatic failed")
    membership = Membership.objects.select_related("user").get(
        user__email=LEARNER, role=Role.LEARNER
    )
    # The demo links its learner records to the accounts; make sure, as a first sign-in would.
    Learner.objects.filter(
        organization=membership.organization, email=LEARNER, user__isnull=True
    ).update(user=membership.user)
    assignment = (
        Assignment.objects.filter(learner__user=membership.user)
        .exclude(status=Assignment.Status.REPLACED)
        .select_related("module_version")
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise SystemExit(f"the demo has no assignment for {LEARNER}")
    key = lesson_keys(assignment)[0]
    submitted, open_attempt = attempts_to_show(assignment)
    browser = signed_in(membership)
    pages = [
        Page("Mes formations", reverse("learning:my_trainings")),
        Page("training overview", reverse("learning:training", args=[assignment.pk])),
        Page("lesson (records the view)", reverse("learning:lesson", args=[assignment.pk, key])),
        Page("assessment (open attempt)", reverse("learning:assessment", args=[assignment.pk])),
        Page(
            "result (submitted attempt)",
            reverse("learning:result", args=[assignment.pk, submitted.number]),
        ),
    ]
    assert open_attempt.status == Attempt.Status.OPEN
    for page in pages:  # in process, once: the page answers and what it costs in queries
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(page.path)
        assert response.status_code == 200, (page.path, response.status_code)
        page.queries = len(queries)
    connection.close()  # the servers are the only users of the database from now on
    # What a browser sends back: the session, and the CSRF cookie the first page set (without
    # it, every request would draw a new CSRF secret and set the cookie again).
    names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
    assert all(name in browser.cookies for name in names), browser.cookies
    return pages, "; ".join(f"{name}={browser.cookies[name].value}" for name in names)


def attempts_to_show(assignment: Assignment) -> tuple[Attempt, Attempt]:
    """The demo learner's first attempt, submitted with every answer left blank (a result to
    view), and a second one left open (an assessment to show) — the learner's own clicks, made
    through the services. The bench needs two attempts allowed and no time limit shorter than
    its run: the module's snapshot is set so when the demo says otherwise."""
    from django.http import QueryDict

    from saveit.catalog.models import ModuleVersion
    from saveit.catalog.snapshot import snapshot_of
    from saveit.learning.services import attempts

    version = assignment.module_version
    rules = snapshot_of(version)["assessment"]
    if rules["max_attempts"] < 2 or rules["time_limit_minutes"]:
        snapshot = dict(version.snapshot or {})
        snapshot["assessment"] = dict(rules, max_attempts=max(2, rules["max_attempts"]))
        snapshot["assessment"]["time_limit_minutes"] = None
        ModuleVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)
        assignment.refresh_from_db()
    first = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=first, form=QueryDict(""))
    first.refresh_from_db()
    assignment.refresh_from_db()
    return first, attempts.start_attempt(assignment=assignment)


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(VAR_DIR), str(ROOT)])
    return env


# --- gunicorn -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@dataclass
class Server:
    port: int
    group: int  # gunicorn's process group: the master and its workers


@contextlib.contextmanager
def serving(app: str, *, worker_class: str, workers: int, threads: int) -> Iterator[Server]:
    """gunicorn serving `app` on a free loopback port; stopped (its whole group) on exit."""
    port = free_port()
    log = VAR_DIR / f"gunicorn-{port}.log"
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads if worker_class == "gthread" else 1),
        "--log-level", "warning",
        "--error-logfile", str(log),
        "--no-control-socket",  # several servers at once: no shared control socket
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the workers go with it
    )
    try:
        wait_until_up(process, port, log)
        yield Server(port=port, group=process.pid)
    finally:
        stop(process)


def wait_until_up(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise SystemExit(f"gunicorn exited with {process.returncode}:\n{tail}")
        with contextlib.suppress(OSError):
            http_get(port, "/static/")
            return
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer within 60 s")


def group_cpu_seconds(group: int) -> float | None:
    """CPU time used so far by the processes of a process group (Linux /proc; else None).

    On a machine shared with other work the requests/s move with the neighbours' load, the
    CPU time a request costs much less: it says what two idle cores would give.
    """
    total = 0.0
    try:
        entries = os.listdir("/proc")
    except OSError:
        return None
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


# --- load: wrk, or the asyncio fallback ---------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk's path, installing Debian's package when missing; None when it cannot be had."""
    found = shutil.which("wrk")
    if found:
        return found
    if not shutil.which("apt-get"):
        print("wrk is missing and apt-get is not available: using the asyncio client instead")
        return None
    if os.geteuid() == 0:
        as_root: list[str] = []
    elif shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"]).returncode == 0:
        as_root = ["sudo", "-n"]
    else:
        print("wrk is missing (run as root: apt-get install -y wrk): using the asyncio client")
        return None
    print("wrk is missing: installing Debian's wrk package (apt-get install -y wrk)…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [*as_root, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"]
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(install, **quiet).returncode != 0:  # type: ignore[call-overload]
        subprocess.run([*as_root, "apt-get", "update", "-qq"], **quiet)  # type: ignore[call-overload]
        subprocess.run(install, **quiet)  # type: ignore[call-overload]
    found = shutil.which("wrk")
    print(f"wrk installed: {found}" if found else "apt-get could not install wrk: using asyncio")
    return found


ROTATE = """-- Written by bench/learner_pages.py: the warm-up visits every page in turn.
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
"""

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(output: str) -> Sample:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s*99(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p99 and total):
        raise SystemExit(f"could not read wrk's output:\n{output}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Sample(
        rps=float(rps.group(1)),
        p99_ms=float(p99.group(1)) * UNITS[p99.group(2)],
        requests=int(total.group(1)),
        errors=errors,
    )


@dataclass
class Load:
    """Puts `connections` keep-alive connections on one server for a while."""

    wrk: str | None
    connections: int
    cookie: str

    def run(self, server: Server, paths: list[str], seconds: float) -> Sample:
        """One path measured, or several visited in turn (the warm-up)."""
        cpu_before = group_cpu_seconds(server.group)
        sample = self._load(server.port, paths, seconds)
        cpu_after = group_cpu_seconds(server.group)
        if cpu_before is not None and cpu_after is not None and sample.requests:
            sample.cpu_ms = (cpu_after - cpu_before) * 1000 / sample.requests
        return sample

    def _load(self, port: int, paths: list[str], seconds: float) -> Sample:
        if self.wrk is None:
            return asyncio.run(
                hammer(port, paths, seconds, self.connections, {"Cookie": self.cookie})
            )
        command = [
            self.wrk, "--latency", "--timeout", "10s",
            "-t", str(min(WRK_THREADS, self.connections)), "-c", str(self.connections),
            "-d", f"{max(1, round(seconds))}s", "-H", f"Cookie: {self.cookie}",
        ]  # fmt: skip
        if len(paths) > 1:
            script = VAR_DIR / "rotate.lua"
            script.write_text(ROTATE % ", ".join(f'"{p}"' for p in paths))
            command += ["-s", str(script)]
        command.append(f"http://127.0.0.1:{port}{paths[0]}")
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return parse_wrk(done.stdout)

    def measure(self, server: Server, path: str, seconds: float, runs: int) -> Sample:
        samples = [self.run(server, [path], seconds) for _ in range(runs)]
        cpu = [s.cpu_ms for s in samples if s.cpu_ms is not None]
        return Sample(
            rps=statistics.median(s.rps for s in samples),
            p99_ms=statistics.median(s.p99_ms for s in samples),
            requests=sum(s.requests for s in samples),
            errors=sum(s.errors for s in samples),
            cpu_ms=statistics.median(cpu) if cpu else None,
        )


async def hammer(
    port: int, paths: list[str], seconds: float, connections: int, headers: dict[str, str]
) -> Sample:
    """The fallback load generator: HTTP/1.1 keep-alive GETs on `connections` connections.

    One event loop in this process (wrk uses 2 threads in C): it saturates less, so its figures
    are a lower bound of what the server does.
    """
    extra = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    requests = [
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}\r\n".encode() for path in paths
    ]
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds

    async def connection_loop(offset: int) -> None:
        nonlocal errors
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        turn = offset
        while time.perf_counter() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                assert reader is not None
                sent = time.perf_counter()
                writer.write(requests[turn % len(requests)])
                turn += 1
                status, keep_alive = await read_response(reader)
                latencies.append(time.perf_counter() - sent)
                if not 200 <= status < 400:
                    errors += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                keep_alive = False
            if not keep_alive and writer is not None:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection_loop(i) for i in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else 0.0
    return Sample(
        rps=len(latencies) / elapsed, p99_ms=p99 * 1000, requests=len(latencies), errors=errors
    )


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, connection still usable) after reading one whole response."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    fields = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in head[1:] if line)
    }
    keep_alive = fields.get("connection", "").lower() != "close"
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")  # no trailers are sent by gunicorn
    else:
        await reader.read()
        keep_alive = False
    return status, keep_alive


# --- the run ------------------------------------------------------------------------------


def check_pages(server: Server, pages: list[Page], cookie: str) -> None:
    """Each page answers 200 to the session (not a redirect to the login page)."""
    for page in pages:
        status, _body = http_get(server.port, page.path, cookie)
        if status != 200:
            raise SystemExit(f"{page.path} answered {status} to the learner's session")


def probe_classes(
    args: argparse.Namespace, load: Load, pages: list[Page]
) -> tuple[str, dict[str, Sample]]:
    """sync vs gthread on "Mes formations", a few seconds each; the better requests/s wins."""
    if args.worker_class != "auto":
        return args.worker_class, {}
    probes: dict[str, Sample] = {}
    for worker_class in ("sync", "gthread"):
        with serving(
            "config.wsgi:application",
            worker_class=worker_class,
            workers=args.workers,
            threads=args.threads,
        ) as server:
            check_pages(server, pages, load.cookie)
            load.run(server, [p.path for p in pages], WARM_UP_S)
            probes[worker_class] = load.run(server, [pages[0].path], PROBE_S)
    best = max(probes, key=lambda k: (probes[k].rps, -probes[k].p99_ms))
    return best, probes


def verdict(sample: Sample) -> str:
    rps = "ok" if sample.rps >= TARGET_RPS else "MISSED"
    p99 = "ok" if sample.p99_ms < TARGET_P99_MS else "MISSED"
    if sample.errors:
        rps = p99 = f"MISSED ({sample.errors} errors)"
    return f"target ≥ {TARGET_RPS:.0f} req/s {rps}, p99 < {TARGET_P99_MS:.0f} ms {p99}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0, help="per page and run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(  # sync: what docs/operations.md runs in production
        "--worker-class", choices=["auto", "sync", "gthread"], default="sync"
    )
    parser.add_argument("--runs", type=int, default=1, help="measurements per page (median)")
    parser.add_argument("--client", choices=["auto", "wrk", "asyncio"], default="auto")
    args = parser.parse_args()
    began = time.perf_counter()
    wrk = None if args.client == "asyncio" else ensure_wrk()
    if args.client == "wrk" and wrk is None:
        raise SystemExit("wrk is not available")
    pages, cookie = install()
    set_up = time.perf_counter() - began
    load = Load(wrk=wrk, connections=args.connections, cookie=cookie)
    worker_class, probes = probe_classes(args, load, pages)
    served = {"worker_class": worker_class, "workers": args.workers, "threads": args.threads}
    with serving("config.wsgi:application", **served) as server:  # type: ignore[arg-type]
        check_pages(server, pages, cookie)
        load.run(server, [p.path for p in pages], WARM_UP_S)
        ours = [load.measure(server, page.path, args.seconds, args.runs) for page in pages]
    with serving("bench_floor_wsgi:application", **served) as server:  # type: ignore[arg-type]
        load.run(server, ["/"], WARM_UP_S)
        floor = load.measure(server, "/", args.seconds, args.runs)

    threads = f" × {args.threads} threads" if worker_class == "gthread" else ""
    client = f"wrk, {WRK_THREADS} threads" if wrk else "asyncio client (wrk unavailable)"
    print(
        f"learner pages on {connection.vendor}: gunicorn {worker_class}, {args.workers} workers"
        f"{threads}; {client}, {args.connections} connections, {args.seconds:g} s per page after"
        f" a {WARM_UP_S:g} s warm-up, median of {args.runs} run(s); {os.cpu_count()} cores"
    )
    if probes:
        print(
            f"  worker class probe on {pages[0].name} ({PROBE_S:g} s each): "
            + "; ".join(f"{k} {s.rps:.0f} req/s p99 {s.p99_ms:.1f} ms" for k, s in probes.items())
            + f" → {worker_class}"
        )
    print(
        f"  {'bare Django view (raw floor)':<26} {floor.rps:7.0f} req/s"
        f"   p99 {floor.p99_ms:6.1f} ms" + (f"   {floor.errors} errors" if floor.errors else "")
    )
    for page, sample in zip(pages, ours, strict=True):
        print(
            f"  {page.name:<26} {sample.rps:7.0f} req/s   p99 {sample.p99_ms:6.1f} ms   "
            f"floor {floor.rps:.0f} req/s p99 {floor.p99_ms:.1f} ms   "
            f"ratio {sample.rps / floor.rps:4.2f}x   {page.queries} queries   {verdict(sample)}"
            + (f"   server CPU {sample.cpu_ms:.1f} ms/request" if sample.cpu_ms else "")
        )
    print(f"  (set-up {set_up:.1f} s, not measured; total {time.perf_counter() - began:.1f} s)")


if __name__ == "__main__":
    main()
