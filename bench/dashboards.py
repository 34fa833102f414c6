"""Dashboard pages on the SPEC §15 data set, next to the raw SQL aggregate over the assignments.

    .venv/bin/python bench/dashboards.py [--learners 100000] [--modules 50] [--runs 5]

Builds the data set (bench/dataset.py: 100 000 learners, 50 modules, 2 000 000 assignments) in a
fresh SQLite file under a temporary directory, or in DATABASE_URL when set (its rows are deleted
afterwards), then requests each dashboard page through Django (the full view: access check,
filters, figures, SVG charts, template) as the client's owner. The raw floor is the same
aggregate computed by SQL straight from the assignments table, measured in the same run.
SPEC §15 target: every dashboard page under 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SAVEIT_VAR_DIR", tempfile.mkdtemp(prefix="saveit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from bench.dataset import Dataset, build
from saveit.testing.factories import signed_in

TARGET_MS = 150.0


def median_ms(function, runs: int) -> float:  # type: ignore[no-untyped-def]
    function()  # warm-up: first request compiles templates, fills caches
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def raw(sql: str, params: list) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.fetchall()


AGGREGATE = (
    "SELECT a.status, COUNT(*), SUM(a.seconds_spent), SUM(a.best_score), "
    "SUM(CASE WHEN a.due_on < %s AND a.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END) "
    "FROM learning_assignment a {join} WHERE {where} GROUP BY a.status"
)


def pages(data: Dataset) -> list[tuple[str, str, str, list]]:  # type: ignore[type-arg]
    """(name, URL, raw SQL, params) for each page measured."""
    from datetime import date

    today = date.today().isoformat()
    engagement = data.engagements[0]
    version = data.versions[engagement.pk][0]
    board = reverse("reporting:engagement", args=[engagement.pk])
    client = reverse("reporting:client", args=[data.client.pk])
    learners = reverse("reporting:engagement_learners", args=[engagement.pk])
    join_learner = "JOIN learning_learner l ON l.id = a.learner_id"
    by_org = AGGREGATE.format(join="", where="a.organization_id = %s")
    return [
        ("client, all engagements", client, by_org, [today, data.client.pk]),
        ("engagement", board, AGGREGATE.format(join="", where="a.engagement_id = %s"),
         [today, engagement.pk]),
        ("engagement, one site", f"{board}?site=Lyon",
         AGGREGATE.format(join=join_learner, where="a.engagement_id = %s AND l.site = %s"),
         [today, engagement.pk, "Lyon"]),
        ("engagement, one version", f"{board}?version={version.pk}",
         AGGREGATE.format(join="", where="a.module_version_id = %s"), [today, version.pk]),
        ("learner list, first page", learners,
         "SELECT l.id FROM learning_learner l WHERE l.organization_id = %s AND EXISTS (SELECT 1 "
         "FROM learning_assignment a WHERE a.learner_id = l.id AND a.engagement_id = %s) "
         "ORDER BY l.last_name, l.first_name, l.id LIMIT 26", [data.client.pk, engagement.pk]),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--modules", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link the CSS
    data = build(learners=args.learners, modules=args.modules)
    print(
        f"dashboards on {connection.vendor}: {args.learners} learners, {args.modules} modules, "
        f"{data.assignments} assignments (built in {data.timings['build']:.1f} s; "
        f"figures rebuilt from scratch in {data.timings['rebuild']:.1f} s), median of {args.runs}"
    )
    browser = signed_in(data.owner)
    for name, url, sql, params in pages(data):

        def get(url: str = url) -> None:
            response = browser.get(url)
            assert response.status_code == 200, (url, response.status_code)

        ours = median_ms(get, args.runs)
        floor = median_ms(lambda sql=sql, params=params: raw(sql, params), args.runs)
        verdict = "ok" if ours < TARGET_MS else "MISSED"
        print(
            f"  {name:<28} ours {ours:7.1f} ms   raw SQL aggregate {floor:7.1f} ms   "
            f"ratio {ours / floor:5.2f}x   target < {TARGET_MS:.0f} ms {verdict}"
        )
    if os.environ.get("DATABASE_URL"):
        cleanup(data)


def cleanup(data: Dataset) -> None:
    from saveit.learning.models import Assignment, Learner, Population, PopulationMember
    from saveit.reporting.models import CompletionCell, ScoreCell, StatusCell, TrendCell

    org = data.client.pk
    for cube in (StatusCell, ScoreCell, CompletionCell, TrendCell):
        cube.objects.filter(organization_id=org).delete()
    Assignment.objects.filter(organization_id=org).delete()
    PopulationMember.objects.filter(population__organization_id=org).delete()
    Population.objects.filter(organization_id=org).delete()
    Learner.objects.filter(organization_id=org).delete()


if __name__ == "__main__":
    main()
