"""An engagement in phase 5 with one active module version, a population and its learners."""

from __future__ import annotations

import pytest

from saveit.catalog import services as catalog
from saveit.catalog.models import ModuleVersion
from saveit.catalog.selectors import proposal_keys
from saveit.catalog.snapshot import family_count
from saveit.learning.services import assignments, populations
from saveit.orchestration import services as workflow
from saveit.testing.catalog_setup import (
    PROCEDURE_V1,
    procedure_version,
    to_production,
)
from saveit.testing.engagement_setup import sign, upload_procedure
from saveit.testing.factories import make_engagement

CSV = (
    "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager\n"
    "Lefèvre;Camille;camille.lefevre@alpha.example;M001;Lyon;Technicienne;Inès Roux\n"
    "Durand;Éloïse;eloise.durand@alpha.example;M002;Lyon;Technicienne;Inès Roux\n"
    "Martin;Noé;noe.martin@alpha.example;M003;Grenoble;Technicien;Paul Petit\n"
).encode()


def build_version(
    target,
    designer,
    *,
    attempts: int = 3,
    time_limit: int | None = None,
):
    version = catalog.create_module(
        engagement=target,
        by=designer,
        title="Nettoyage des paillasses",
        source_version_ids=[procedure_version(target).pk],
    )
    catalog.accept_proposals(version=version, by=designer, keys=proposal_keys(version))
    catalog.update_settings(
        version=version,
        by=designer,
        data=catalog.VersionSettings(
            title=version.title,
            objectives=version.objectives or ["Appliquer la procédure de nettoyage."],
            items_per_attempt=min(4, family_count(version.items.all())),
            pass_mark=75,
            max_attempts=attempts,
            time_limit_minutes=time_limit,
            validity_months=24,
        ),
    )
    return catalog.submit_version(version=version, by=designer)


def activate(target, version, pm, owner):
    catalog.approve_version(version=version, by=owner)
    record = catalog.generate_acceptance_record(engagement=target, by=pm)
    sign(record, owner)
    return ModuleVersion.objects.get(pk=version.pk)


def deploy(target, designer, pm, owner):
    """From production (phase 3) to deployment (phase 5) with one active module version."""
    version = build_version(target, designer)
    moved = workflow.advance_phase(engagement=target, by=pm)
    version = activate(moved, version, pm, owner)
    moved = workflow.advance_phase(engagement=moved, by=pm)
    assert moved.phase == 5 and version.status == ModuleVersion.Status.ACTIVE
    return moved, version


@pytest.fixture
def deployed(in_production, designer_member, pm, owner):
    return deploy(in_production, designer_member, pm, owner)


@pytest.fixture
def other_deployed(other_org, outsider, designer_member, pm):
    """Another client (Transports Beta) in deployment too, with its own owner and module."""
    target = to_production(
        make_engagement(other_org, pm, title="Hygiène des ateliers"), pm, outsider
    )
    upload_procedure(target, outsider, content=PROCEDURE_V1, name="nettoyage.txt", version="1.0")
    target.refresh_from_db()
    return deploy(target, designer_member, pm, outsider)


@pytest.fixture
def population(deployed, owner):
    current, _version = deployed
    population = populations.create_population(engagement=current, name="Techniciens", by=owner)
    batch = populations.preview_import(
        population=population, content=CSV, filename="techniciens.csv", by=owner
    )
    populations.commit_import(batch=batch, by=owner)
    return population


@pytest.fixture
def assigned(deployed, population, owner, django_capture_on_commit_callbacks):
    _engagement, version = deployed
    with django_capture_on_commit_callbacks(execute=True):
        assignments.assign_population(version=version, population=population, due_on=None, by=owner)
    return version


def answers_for(attempt, *, right: bool) -> dict[str, list[str]]:
    """The form a learner posts: every drawn item answered right (or wrong)."""
    from saveit.catalog.snapshot import snapshot_of

    items = {i["key"]: i for i in snapshot_of(attempt.assignment.module_version)["items"]}
    form: dict[str, list[str]] = {}
    for key, order in attempt.drawn:
        item = items[key]
        name = f"item-{key}"
        if item["kind"] == "numeric":
            value = item["answer"] if right else str(float(item["answer"]) + 1000)
            form[name] = [value.replace(".", ",")]
        elif item["kind"] == "ordering":
            ranks = [order.index(i) for i in range(len(order))]
            form[name] = [str(p) for p in (ranks if right else list(reversed(ranks)))]
        elif item["kind"] == "multiple":
            wrong = set(range(len(order))) - set(item["correct"]) or set(item["correct"][1:])
            wanted = set(item["correct"]) if right else wrong
            form[name] = [str(order.index(i)) for i in sorted(wanted)]
        else:
            target = item["correct"][0]
            if not right:
                target = next(i for i in range(len(order)) if i != target)
            form[name] = [str(order.index(target))]
    return form


class Form(dict):
    """What request.POST offers the service: getlist."""

    def getlist(self, name, default=None):
        return self.get(name, default or [])


def set_due_on(assignment, day) -> None:
    """Move a due date where the services never put one (they refuse a past date), keeping the
    dashboards' cubes exact."""
    from django.db import transaction

    from saveit.learning.models import Assignment
    from saveit.reporting import stats

    with transaction.atomic(), stats.tracking(assignment.pk):
        Assignment.objects.filter(pk=assignment.pk).update(due_on=day)


OTHER_CSV = (
    "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager\n"
    "Dupont;Léa;lea.dupont@beta.example;B001;Lyon;Agente;Marc Blanc\n"
).encode()


def assign_csv(engagement, version, owner, content: bytes, *, name: str = "Agents"):
    """A population of `engagement` imported from `content` and assigned `version`."""
    population = populations.create_population(engagement=engagement, name=name, by=owner)
    batch = populations.preview_import(
        population=population, content=content, filename="agents.csv", by=owner
    )
    populations.commit_import(batch=batch, by=owner)
    assignments.assign_population(version=version, population=population, due_on=None, by=owner)
    return population
