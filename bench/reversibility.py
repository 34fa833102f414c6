"""Reversibility export of the SPEC §15 data set, next to a raw csv dump of the same tables.

    .venv/bin/python bench/reversibility.py [--learners 100000] [--modules 50]

Builds the data set (bench/dataset.py: 100 000 learners, 50 modules, 2 000 000 assignments) in a
fresh SQLite file under a temporary directory (or DATABASE_URL), then runs
`manage.py reversibility_export` in a child process, so that its peak memory (maximum resident
set size) is its own. The raw floor, measured in the same run: every row of the organisation's
big tables (learners, population members, assignments) read with a plain cursor and written to
csv files, with no JSON, no hashing, no zip (PostgreSQL: COPY … TO STDOUT).
SPEC §14 target: the export under 60 s; the assignments never all in memory.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
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

from bench.dataset import build

TARGET_S = 60.0
ROOT = Path(__file__).resolve().parent.parent

FLOOR_QUERIES = {
    "learning_learner": "SELECT * FROM learning_learner WHERE organization_id = %s",
    "learning_populationmember": (
        "SELECT m.* FROM learning_populationmember m JOIN learning_population p "
        "ON p.id = m.population_id WHERE p.organization_id = %s"
    ),
    "learning_assignment": "SELECT * FROM learning_assignment WHERE organization_id = %s",
}


def raw_floor(org_id: int, workdir: Path) -> float:
    started = time.perf_counter()
    for table, sql in FLOOR_QUERIES.items():
        target = workdir / f"{table}.csv"
        if connection.vendor == "postgresql":
            copy = f"COPY ({sql.replace('%s', str(int(org_id)))}) TO STDOUT WITH CSV HEADER"
            with (
                connection.cursor() as cursor,
                open(target, "wb") as out,
                cursor.copy(copy) as stream,  # type: ignore[attr-defined]
            ):
                for block in stream:
                    out.write(block)
            continue
        with connection.cursor() as cursor, open(target, "w", newline="") as out:
            cursor.execute(sql, [org_id])
            writer = csv.writer(out)
            writer.writerow([c[0] for c in cursor.description])
            while rows := cursor.fetchmany(10_000):
                writer.writerows(rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--modules", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    data = build(learners=args.learners, modules=args.modules)
    workdir = Path(tempfile.mkdtemp(prefix="saveit-reversibility-bench-"))
    output = workdir / "export.zip"
    print(
        f"reversibility export on {connection.vendor}: {args.learners} learners, "
        f"{args.modules} modules, {data.assignments} assignments "
        f"(built in {data.timings['build']:.1f} s)"
    )
    connection.close()  # the child process reads a database nobody is writing
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "reversibility_export",
         "--org", data.client.slug, "--output", str(output)],
        env=os.environ.copy(), cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    ours = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"export failed: {done.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    floor = raw_floor(data.client.pk, workdir)
    size_mb = output.stat().st_size / 1024**2
    verdict = "ok" if ours < TARGET_S else "MISSED"
    print(
        f"  export (child process)   {ours:7.1f} s   zip {size_mb:.1f} MB   "
        f"peak RSS {peak_mb:.0f} MB"
    )
    print(f"  raw csv floor            {floor:7.1f} s   (learners, members, assignments)")
    print(f"  ratio {ours / floor:5.2f}x   target < {TARGET_S:.0f} s {verdict}")
    print(f"  {done.stdout.strip()}")


if __name__ == "__main__":
    main()
