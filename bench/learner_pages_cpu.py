"""CPU cost of the learner pages in one process, through Django's whole WSGI handler.

    .venv/bin/python bench/learner_pages_cpu.py [--requests 300] [--profile PAGE] [--top 40]

The same set-up as bench/learner_pages.py (a fresh installation with the demo, the e2e
settings: DEBUG off, whitenoise, every middleware; SQLite, or a throw-away database on the
DATABASE_URL server), then each page is requested `--requests` times by the demo learner's
session through `config.wsgi.application` — what gunicorn calls — with no network and no load
generator. Printed per page: the median, p90 and minimum CPU time of a request
(time.process_time), the same median in "reference units" (the CPU time of a fixed piece of
pure Python run between the requests: ~1 ms on an idle core, more when neighbours load the
machine, so the ratio is what to compare between runs on a shared machine) and its queries
(`--queries` prints them). 600 requests/s on 2 cores with the load generator beside them needs
about 2.5 ms of CPU a request. `--profile PAGE` (a page's number, from 1) prints a cProfile.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import learner_pages
from django.db import connection

from config.wsgi import application


def environ(path: str, cookie: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_COOKIE": cookie,
        "HTTP_ACCEPT": "text/html",
        "HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9",
        "HTTP_USER_AGENT": "learner_pages_cpu",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def request(path: str, cookie: str) -> str:
    statuses: list[str] = []

    def start_response(status: str, headers: object, *_: object) -> object:
        statuses.append(status)
        return statuses.append

    body = application(environ(path, cookie), start_response)  # type: ignore[arg-type]
    try:
        b"".join(body)
    finally:
        body.close()  # request_finished: what gunicorn does
    return statuses[0]


def reference_work() -> float:
    """CPU ms of a fixed piece of pure Python, measured between the requests: on a shared
    machine a request's CPU time grows with the neighbours' load (caches, frequency, steal);
    the ratio of the two moves much less. About 1 ms on an idle core of this machine."""
    started = time.process_time()
    total = 0
    for i in range(25_000):
        total += i * i % 7
    return (time.process_time() - started) * 1000


def time_templates() -> collections.Counter[str]:
    """Wraps Template._render and BlockNode.render: the own time of each template and each
    {% block %} (without what it includes, extends into or its inner blocks), summed by name."""
    from django.template import base, loader_tags

    own: collections.Counter[str] = collections.Counter()
    stack: list[float] = []

    def timing(render, name_of):  # type: ignore[no-untyped-def]
        def timed(self, context):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            stack.append(0.0)
            try:
                return render(self, context)
            finally:
                spent = time.perf_counter() - started
                own[name_of(self)] += spent - stack.pop()
                if stack:
                    stack[-1] += spent

        return timed

    base.Template._render = timing(  # type: ignore[method-assign]
        base.Template._render, lambda t: getattr(t.origin, "template_name", None) or "?"
    )
    loader_tags.BlockNode.render = timing(  # type: ignore[method-assign]
        loader_tags.BlockNode.render, lambda b: f"{{% block {b.name} %}}"
    )
    return own


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300, help="per page")
    parser.add_argument("--profile", type=int, default=0, help="a page's number (from 1)")
    parser.add_argument("--top", type=int, default=40, help="profile lines")
    parser.add_argument("--queries", action="store_true", help="print each page's SQL")
    parser.add_argument(
        "--templates", action="store_true", help="print each template's own render time"
    )
    args = parser.parse_args()
    pages, cookie = learner_pages.install()
    own_time = time_templates() if args.templates else None
    print(
        f"learner pages in process on {connection.vendor}, {args.requests} requests per page,"
        " full WSGI handler and middleware, DEBUG off"
    )
    for number, page in enumerate(pages, start=1):
        for _ in range(20):  # warm-up: imports, template loader cache, connection
            status = request(page.path, cookie)
            assert status.startswith("200"), (page.path, status)
        queries: list[str] = []

        def record(execute, sql, params, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            request(page.path, cookie)
        cpu: list[float] = []
        reference: list[float] = []
        wall_started = time.perf_counter()
        for _ in range(args.requests):
            started = time.process_time()
            request(page.path, cookie)
            cpu.append((time.process_time() - started) * 1000)
            reference.append(reference_work())
        wall = (time.perf_counter() - wall_started) * 1000 / args.requests - statistics.mean(
            reference
        )
        cpu.sort()
        median = statistics.median(cpu)
        units = median / statistics.median(reference)
        print(
            f"  {number}. {page.name:<26} CPU {median:5.2f} ms median, "
            f"{cpu[int(0.9 * len(cpu))]:5.2f} ms p90, min {cpu[0]:5.2f} ms   "
            f"= {units:4.1f} reference units   wall {wall:5.2f} ms   {len(queries):2d} queries"
        )
        if own_time is not None:
            own_time.clear()
            for _ in range(args.requests):
                request(page.path, cookie)
            for name, seconds in own_time.most_common(8):
                print(f"       {seconds * 1000 / args.requests:6.3f} ms  {name}")
        if args.queries:
            for sql in queries:
                print("      ", sql[:160])
        if args.profile == number:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                request(page.path, cookie)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
            stats.print_stats(args.top)
            print(out.getvalue())
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
            print(out.getvalue())
            for sql in queries:
                print("    ", sql[:400])


if __name__ == "__main__":
    main()
