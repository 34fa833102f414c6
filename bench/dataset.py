"""The SPEC §15 data set: one client with 100 000 learners, 50 modules, 2 000 000 assignments.

Built with raw bulk inserts (building is not what the benchmarks measure), in the database the
Django settings point at; the pre-aggregated dashboard figures are then computed by the
product's own `stats.rebuild`, timed, and the tables analysed as autovacuum would (PostgreSQL).
Deterministic for a given seed.

Shape: 5 engagements of 10 modules each; per engagement 4 populations of 10 000 learners (the
engagements' populations overlap, so a learner follows modules of two engagements); every module
of an engagement is assigned to its 4 populations: 5 × 10 × 40 000 = 2 000 000 assignments.
Learners are spread over 20 sites; statuses, scores, completion weeks and time on task are drawn
at random (a quarter not started, a fifth in progress, the rest passed or failed).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import OrganizationKind, Role
from saveit.catalog.models import Module, ModuleVersion
from saveit.core.bulk import db_date, db_datetime, insert_rows, json_param
from saveit.engagements.models import Engagement, Phase
from saveit.learning.models import Assignment, Learner, Population, PopulationMember
from saveit.reporting import stats
from saveit.testing.factories import make_engagement, make_member, make_organization

SITES = [
    "Lyon", "Grenoble", "Marseille", "Lille", "Nantes", "Rennes", "Bordeaux", "Toulouse",
    "Strasbourg", "Nice", "Dijon", "Reims", "Tours", "Rouen", "Metz", "Brest", "Caen",
    "Limoges", "Amiens", "Annecy",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont",
    "Lambert", "Bonnet", "François", "Martinez",
]  # fmt: skip
FIRST_NAMES = [
    "Camille", "Éloïse", "Noé", "Léa", "Hugo", "Manon", "Lucas", "Chloé", "Louis", "Inès",
    "Jules", "Zoé", "Arthur", "Jade", "Gabriel", "Louise", "Raphaël", "Emma", "Adam", "Alice",
]  # fmt: skip
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@dataclass
class Dataset:
    client: Organization
    owner: Membership
    engagements: list[Engagement]
    versions: dict[int, list[ModuleVersion]]  # engagement id → its module versions
    learner_ids: list[int]
    assignments: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _learners(client: Organization, count: int) -> list[int]:
    stamp = db_datetime(START)
    rows = (
        (
            client.pk,
            f"apprenant.{n:06d}@bench.example",
            LAST_NAMES[n % len(LAST_NAMES)],
            f"{FIRST_NAMES[(n // 7) % len(FIRST_NAMES)]} {n:06d}",
            f"E{n:06d}",
            SITES[n % len(SITES)],
            "Technicien" if n % 3 else "Cheffe d'équipe",
            "",
            stamp,
            stamp,
        )
        for n in range(count)
    )
    insert_rows(
        Learner._meta.db_table,
        ["organization_id", "email", "last_name", "first_name", "employee_id", "site", "job",
         "manager", "created_at", "updated_at"],
        rows,
    )  # fmt: skip
    return list(
        Learner.objects.filter(organization=client).order_by("pk").values_list("pk", flat=True)
    )


def _modules(engagement: Engagement, by: Membership, count: int, offset: int) -> list:
    versions = []
    for index in range(count):
        module = Module.objects.create(
            organization_id=engagement.client_id,
            engagement=engagement,
            code=f"MOD-{offset + index + 1:02d}",
            title=f"Procédure {offset + index + 1:02d} : sécurité et qualité",
            created_by=by,
        )
        versions.append(
            ModuleVersion.objects.create(
                module=module,
                title=module.title,
                created_by=by,
                status=ModuleVersion.Status.ACTIVE,
                snapshot={},
                content_sha256="0" * 64,
            )
        )
    return versions


def _assignment_rows(engagement, version, population, members, rng, assigned_at, due):  # type: ignore[no-untyped-def]
    empty, stamp, due_on = json_param([]), db_datetime(assigned_at), db_date(due)
    for learner_id in members:
        draw = rng.random()
        status, score, completed, started, seconds, attempts = "assigned", None, None, None, 0, 0
        if draw >= 0.25:
            started = db_datetime(assigned_at + timedelta(days=rng.randint(0, 20)))
            seconds, attempts = rng.randint(60, 5400), 1
            status = "in_progress"
            if draw >= 0.45:
                passed = draw >= 0.57
                score = rng.choice((80, 90, 100)) if passed else rng.choice((30, 40, 50, 60, 70))
                status = "passed" if passed else "failed"
                completed = db_datetime(assigned_at + timedelta(hours=rng.randint(24, 24 * 170)))
                attempts = 1 if passed else 3
        yield (
            engagement.client_id, engagement.pk, version.pk, learner_id, population.pk, None,
            due_on, status, stamp, None, "", empty, attempts, score, started, completed, seconds,
        )  # fmt: skip


ASSIGNMENT_COLUMNS = [
    "organization_id", "engagement_id", "module_version_id", "learner_id", "population_id",
    "campaign_id", "due_on", "status", "assigned_at", "assigned_by_id", "last_lesson_key",
    "lessons_read", "attempts_used", "best_score", "started_at", "completed_at", "seconds_spent",
]  # fmt: skip


def build(
    *, learners: int = 100_000, modules: int = 50, engagements: int = 5, seed: int = 1
) -> Dataset:
    rng = random.Random(seed)
    tag = time.time_ns()
    started = time.perf_counter()
    with transaction.atomic():
        provider = Organization.objects.filter(kind=OrganizationKind.PROVIDER).first()
        provider = provider or make_organization(f"Bench studio {tag}", OrganizationKind.PROVIDER)
        pm = make_member(provider, Role.PROJECT_MANAGER)
        client = make_organization(f"Bench client {tag}")
        owner = make_member(client, Role.CLIENT_OWNER)
        learner_ids = _learners(client, learners)
        data = Dataset(client, owner, [], {}, learner_ids)
        per_engagement = max(1, modules // engagements)
        population_size = max(1, learners // 10)
        for e in range(engagements):
            engagement = make_engagement(client, pm, title=f"Déploiement {e + 1}")
            Engagement.objects.filter(pk=engagement.pk).update(
                phase=Phase.TRACKING, client_owner=owner
            )
            data.engagements.append(engagement)
            versions = _modules(engagement, pm, per_engagement, e * per_engagement)
            data.versions[engagement.pk] = versions
            for p in range(4):
                first = ((2 * e + p) * population_size) % learners
                members = [learner_ids[(first + i) % learners] for i in range(population_size)]
                population = Population.objects.create(
                    organization=client, engagement=engagement, name=f"Population {p + 1}",
                    created_by=owner,
                )  # fmt: skip
                insert_rows(
                    PopulationMember._meta.db_table,
                    ["population_id", "learner_id", "added_at"],
                    ((population.pk, lid, db_datetime(START)) for lid in members),
                )
                assigned_at = START + timedelta(days=30 * p + 7 * e)
                due = (assigned_at + timedelta(days=60)).date()
                for version in versions:
                    rows = _assignment_rows(
                        engagement, version, population, members, rng, assigned_at, due
                    )
                    insert_rows(Assignment._meta.db_table, ASSIGNMENT_COLUMNS, rows)
                    data.assignments += len(members)
    data.timings["build"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        stats.rebuild([engagement.pk for engagement in data.engagements])
    data.timings["rebuild"] = time.perf_counter() - started
    at_rest()
    return data


def at_rest() -> None:
    """Leave the database as it is minutes after such a load: on PostgreSQL, autovacuum has
    analysed the tables (it does after 10 % of a table changed), so the planner has statistics;
    SQLite keeps none unless asked, and the product never asks, so nothing is done there."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (Learner, Population, PopulationMember, Assignment, *stats.CUBES)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
