"""Demo data of the privacy app: a privacy contact, two requests to answer, a breach."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.learning.models import Learner
from saveit.privacy import breaches
from saveit.privacy.models import Breach, DataSubjectRequest, PrivacyContact
from saveit.privacy.services import receive_request

REQUESTS = (
    ("erasure", "eloise.durand@helios.demo", "Demande reçue par courrier le jour même."),
    ("access", "noe.martin@helios.demo", "Demande reçue par courriel au service RH."),
)


@transaction.atomic
def load_demo_privacy() -> None:
    """Idempotent: adds what is missing, never twice."""
    helios = Organization.objects.filter(name="Laboratoires Hélios").first()
    owner = Membership.objects.filter(user__email="responsable@helios.demo").first()
    admin = Membership.objects.filter(user__email="admin@saveit.demo").first()
    if helios is None or owner is None or admin is None:
        return
    PrivacyContact.objects.get_or_create(
        organization=helios,
        defaults={"name": "Délégué à la protection des données", "email": "dpo@helios.demo"},
    )
    for kind, email, details in REQUESTS:
        known = Learner.objects.filter(organization=helios, email=email).exists()
        if known and not DataSubjectRequest.objects.filter(organization=helios, kind=kind).exists():
            receive_request(organization=helios, kind=kind, email=email, by=owner, details=details)
    if not Breach.objects.exists():
        breaches.record_breach(
            by=admin,
            organizations=[helios],
            aware_at=timezone.now() - timedelta(hours=6),
            occurred_at=timezone.now() - timedelta(hours=9),
            nature="Un export de résultats a été envoyé par erreur à un destinataire externe.",
            data_categories="Noms, adresses électroniques, résultats d'évaluation",
            people_count=6,
            records_count=6,
            consequences="Divulgation limitée de résultats de formation.",
            measures="Demande de suppression au destinataire, confirmée par écrit.",
            risk="risk",
            provider_is_controller=False,
        )
