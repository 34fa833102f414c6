"""The Hélios demo engagement goes live: PV signed, a population imported and assigned."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.catalog import services as catalog
from saveit.catalog.models import ModuleVersion
from saveit.engagements.models import Engagement, Phase
from saveit.learning.hooks import shifting
from saveit.learning.models import Assignment, Learner
from saveit.learning.services import assignments, populations
from saveit.orchestration import services as workflow
from saveit.web.demo.catalog import TITLE, sign_as

POPULATION = "Techniciens de Lyon"
LATE_LEARNER = "hugo.petit@helios.demo"
PEOPLE = [
    ("Lefèvre", "Camille", "camille.lefevre@helios.demo", "H-1001", "Technicienne"),
    ("Durand", "Éloïse", "eloise.durand@helios.demo", "H-1002", "Technicienne"),
    ("Martin", "Noé", "noe.martin@helios.demo", "H-1003", "Technicien"),
    ("Bernard", "Léa", "lea.bernard@helios.demo", "H-1004", "Technicienne"),
    ("Petit", "Hugo", "hugo.petit@helios.demo", "H-1005", "Technicien"),
    ("Apprenant", "Alex", "apprenant@helios.demo", "H-1006", "Technicien"),
]


def people_csv() -> bytes:
    lines = ["Nom;Prénom;E-mail;Matricule;Site;Poste;Manager"]
    lines += [f"{n};{p};{e};{m};Lyon;{j};Sophie Martin" for n, p, e, m, j in PEOPLE]
    return ("\n".join(lines) + "\n").encode()


@transaction.atomic
def load_demo_deployment() -> Engagement | None:
    """Idempotent: acts only on the Hélios demo engagement still waiting in phase 4."""
    engagement = Engagement.objects.filter(title=TITLE, phase=Phase.VALIDATION).first()
    manager = Membership.objects.filter(user__email="cheffe.projet@saveit.demo").first()
    if engagement is None or manager is None or engagement.client_owner is None:
        return None
    owner = engagement.client_owner
    version = ModuleVersion.objects.filter(
        module__engagement=engagement, status=ModuleVersion.Status.SUBMITTED
    ).first()
    if version is None:
        return None
    catalog.approve_version(version=version, by=owner)
    sign_as(catalog.generate_acceptance_record(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    population = populations.create_population(
        engagement=engagement,
        name=POPULATION,
        description="Techniciens de paillasse du site de Lyon.",
        by=owner,
    )
    batch = populations.preview_import(
        population=population, content=people_csv(), filename="techniciens-lyon.csv", by=owner
    )
    populations.commit_import(batch=batch, by=owner)
    # The demo learner already has an account: link it as a first sign-in by link would.
    for member in Membership.objects.filter(organization=engagement.client, role="learner"):
        Learner.objects.filter(organization=engagement.client, email=member.user.email).update(
            user=member.user
        )
    version.refresh_from_db()
    assignments.assign_population(
        version=version,
        population=population,
        due_on=timezone.localdate() + timedelta(days=30),
        by=owner,
        invite=False,  # the demo sends no e-mail; learners sign in with the demo password
    )
    # One technician let the due date pass without starting: the dashboards, the learner list's
    # "overdue only" filter and the client's inbox have someone late to show.
    late = Assignment.objects.filter(engagement=engagement, learner__email=LATE_LEARNER)
    with shifting(late.values_list("pk", flat=True)):  # the dashboards count by due date
        late.update(due_on=timezone.localdate() - timedelta(days=6))
    return engagement
