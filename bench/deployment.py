"""Learner import and bulk assignment: our services next to the raw floor (executemany).

    .venv/bin/python bench/deployment.py [--learners 100000] [--runs 3]

Runs on a fresh SQLite file under a temporary directory, or on DATABASE_URL when set (its rows
are created in organisations named "Bench deployment …" and deleted afterwards).
SPEC §15 targets: 100 000 learners imported from CSV/XLSX, validated, under 5 s; one module
assigned to 100 000 learners under 3 s (raw bulk insert of 100 000 rows: ~0.6 s).
The XLSX variant imports the same rows from a workbook written in set-up (openpyxl write_only);
its floor reads the workbook (openpyxl read_only) and inserts the rows, no validation.
"""

from __future__ import annotations

import argparse
import csv
import io
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
from django.db import connection, transaction
from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.accounts.roles import OrganizationKind, Role
from saveit.catalog.models import Module, ModuleVersion
from saveit.core.bulk import db_datetime, json_param
from saveit.engagements.models import Engagement, Phase
from saveit.learning.models import Assignment, Learner, Population
from saveit.learning.services import assignments, populations
from saveit.testing.factories import make_engagement, make_member, make_organization
from saveit.testing.population_files import population_csv


def setting_up(run: int) -> tuple[Membership, Engagement, ModuleVersion]:
    client = make_organization(f"Bench deployment {run} {time.time_ns()}")
    provider = make_organization(f"Bench studio {run} {time.time_ns()}", OrganizationKind.PROVIDER)
    pm = make_member(provider, Role.PROJECT_MANAGER)
    owner = make_member(client, Role.CLIENT_OWNER)
    engagement = make_engagement(client, pm, title="Bench")
    Engagement.objects.filter(pk=engagement.pk).update(phase=Phase.DEPLOYMENT, client_owner=owner)
    engagement.refresh_from_db()
    module = Module.objects.create(
        organization=client, engagement=engagement, code="MOD-01", title="Bench", created_by=pm
    )
    version = ModuleVersion.objects.create(
        module=module, title="Bench", created_by=pm, status=ModuleVersion.Status.ACTIVE,
        snapshot={}, content_sha256="0" * 64,
    )  # fmt: skip
    return owner, engagement, version


def timed(function) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def raw_insert(table: str, columns: str, rows: list[tuple]) -> None:  # type: ignore[type-arg]
    """The driver alone: COPY on PostgreSQL, executemany on SQLite."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def population_xlsx(content: bytes) -> bytes:
    """The CSV's rows as a one-sheet workbook (header included)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Apprenants")
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = [
        ["" if v is None else str(v) for v in r] for r in book.active.iter_rows(values_only=True)
    ]
    book.close()
    return rows


def raw_import(content: bytes, organization_id: int, *, xlsx: bool = False) -> None:
    """The floor: parse the file and insert the rows, no validation, one executemany/COPY."""
    if xlsx:
        reader = iter(xlsx_rows(content))
    else:
        reader = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    next(reader)
    now = db_datetime(timezone.now())
    rows = [
        (organization_id, r[2].lower(), r[0], r[1], r[3], r[4], r[5], r[6], now, now)
        for r in reader
    ]
    raw_insert(
        "learning_learner",
        "organization_id, email, last_name, first_name, employee_id, site, job, manager,"
        " created_at, updated_at",
        rows,
    )


def raw_assign(learner_ids: list[int], engagement: Engagement, version: ModuleVersion) -> None:
    now = db_datetime(timezone.now())
    empty = json_param([])
    rows = [
        (engagement.client_id, engagement.pk, version.pk, lid, "assigned", now, 0, "", empty)
        for lid in learner_ids
    ]
    raw_insert(
        "learning_assignment",
        "organization_id, engagement_id, module_version_id, learner_id, status, assigned_at,"
        " attempts_used, last_lesson_key, lessons_read",
        rows,
    )


def one_run(
    run: int, content: bytes, xlsx: bytes, learners: int, created: list[int]
) -> tuple[float, ...]:
    """(ours import, raw import, ours assignment, raw assignment, ours XLSX import, raw XLSX
    import) for fresh organisations."""
    owner, engagement, version = setting_up(run)
    created.append(engagement.client_id)
    population = populations.create_population(engagement=engagement, name="All", by=owner)

    def do_import() -> None:
        batch = populations.preview_import(
            population=population, content=content, filename="bench.csv", by=owner
        )
        assert batch.error_count == 0, batch.errors[:3]
        populations.commit_import(batch=batch, by=owner)

    def do_assign() -> None:
        assignments.assign_population(version=version, population=population, due_on=None, by=owner)

    ours_import = timed(do_import)
    assert population.members.count() == learners
    ours_assign = timed(do_assign)
    assert Assignment.objects.filter(module_version=version).count() == learners
    # The floors, in a second organisation of the same run (same table sizes around).
    _owner, floor_engagement, floor_version = setting_up(run + 100)
    created.append(floor_engagement.client_id)
    raw_import_time = timed(lambda: raw_import(content, floor_engagement.client_id))
    ids = list(
        Learner.objects.filter(organization_id=floor_engagement.client_id).values_list(
            "pk", flat=True
        )
    )
    raw_assign_time = timed(lambda: raw_assign(ids, floor_engagement, floor_version))
    # The XLSX variant, in two more organisations.
    owner, engagement, _version = setting_up(run + 200)
    created.append(engagement.client_id)
    population = populations.create_population(engagement=engagement, name="All", by=owner)

    def do_xlsx_import() -> None:
        batch = populations.preview_import(
            population=population, content=xlsx, filename="bench.xlsx", by=owner
        )
        assert batch.error_count == 0, batch.errors[:3]
        populations.commit_import(batch=batch, by=owner)

    ours_xlsx = timed(do_xlsx_import)
    assert population.members.count() == learners
    _owner, floor_engagement, _version = setting_up(run + 300)
    created.append(floor_engagement.client_id)
    raw_xlsx = timed(lambda: raw_import(xlsx, floor_engagement.client_id, xlsx=True))
    return ours_import, raw_import_time, ours_assign, raw_assign_time, ours_xlsx, raw_xlsx


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    content = population_csv(args.learners)
    xlsx = population_xlsx(content)
    created: list[int] = []
    runs = [one_run(run, content, xlsx, args.learners, created) for run in range(args.runs)]
    med = [statistics.median(column) for column in zip(*runs, strict=True)]
    print(
        f"deployment on {connection.vendor}, {args.learners} learners, median of {args.runs} runs"
    )
    rows = [
        ("import CSV (preview + commit)", med[0], med[1], 5.0),
        ("assign a module to the population", med[2], med[3], 3.0),
        ("import XLSX (preview + commit)", med[4], med[5], 5.0),
    ]
    for name, ours, raw, target in rows:
        print(
            f"  {name:<36} ours {ours:6.3f} s   raw floor {raw:6.3f} s   ratio {ours / raw:4.1f}x"
            f"   target < {target:.0f} s {'ok' if ours < target else 'MISSED'}"
        )
    if os.environ.get("DATABASE_URL"):
        Assignment.objects.filter(organization_id__in=created).delete()
        Population.objects.filter(organization_id__in=created).delete()
        Learner.objects.filter(organization_id__in=created).delete()


if __name__ == "__main__":
    main()
