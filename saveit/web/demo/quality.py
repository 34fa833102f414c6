"""Quality demo: the provider's profile and registers, survey answers, a complaint with its
answer, an improvement action and an initial Qualiopi audit with a minor non-conformity."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.accounts.selectors import provider_organization
from saveit.catalog.models import Module
from saveit.learning.models import Assignment
from saveit.quality import audits, complaints, services, surveys
from saveit.quality.models import Framework, Indicator, ProviderProfile

QM_EMAIL = "qualite@saveit.demo"
OFFER = {
    "prerequisites": "Aucun prérequis : le module s'adresse aux techniciens en poste.",
    "objectives": "Appliquer la procédure de nettoyage et de désinfection des paillasses.",
    "duration": "1 h 30 à distance, à son rythme",
    "access": "Accès sous 5 jours ouvrés après la signature ; lien personnel par e-mail.",
    "price": "Sur devis, selon le nombre d'apprenants (à partir de 45 € HT par apprenant)",
    "contacts": "Marc Dubois, responsable qualité — qualite@saveit.demo",
    "methods": "Leçons courtes tirées de la procédure du client, exemples, auto-évaluation.",
    "evaluation": "Questionnaire final tiré au sort, seuil de réussite 75 %, attestation délivrée.",
    "accessibility": "Plateforme conforme RGAA ; aménagements étudiés avec la référente handicap.",
}


@transaction.atomic
def load_demo_quality() -> None:
    """Idempotent: does nothing once the provider has a quality profile."""
    provider = provider_organization()
    qm = Membership.objects.filter(user__email=QM_EMAIL, organization=provider).first()
    if (
        provider is None
        or qm is None
        or ProviderProfile.objects.filter(organization=provider).exists()
    ):
        return
    services.save_profile(
        organization=provider, categories=["training"], activities=["subcontracting"], by=qm
    )
    today = timezone.localdate()
    _registers(provider, qm, today)
    _surveys(provider, qm)
    _complaints(provider, qm, today)
    _audit(provider, qm)
    services.refresh_evidence(provider=provider)


def _registers(provider, qm: Membership, today: date) -> None:
    sheet = services.create_offer_sheet(
        provider=provider, code="PROC-HYG", title="Procédures d'hygiène de laboratoire", by=qm
    )
    services.publish_offer_version(sheet=sheet, fields=OFFER, by=qm)
    modules = list(
        Module.objects.filter(title__icontains="paillasses").values_list("pk", flat=True)
    )
    services.link_offer(sheet=sheet, module_ids=modules, citable_client_ids=[], by=qm)
    services.add_watch_entry(
        provider=provider,
        kind="legal",
        observed_on=today - timedelta(days=40),
        source="Centre Inffo — évolution des règles du CPF",
        summary="Nouvelles mentions obligatoires sur les conventions de formation.",
        impact="Modèle de convention mis à jour.",
        module_id=None,
        by=qm,
    )
    services.add_watch_entry(
        provider=provider,
        kind="innovation",
        observed_on=today - timedelta(days=20),
        source="Salon Learning Technologies",
        summary="Micro-leçons et questions tirées au sort limitent la triche.",
        impact="Tirage aléatoire activé sur tous les modules.",
        module_id=None,
        by=qm,
    )
    services.add_subcontractor(
        provider=provider,
        by=qm,
        name="Studio Vidéo Rhône",
        siren="808080808",
        scope="Tournage des vidéos de démonstration.",
        contract_signed_on=today - timedelta(days=200),
        qualiopi_certified=False,
        last_review_on=today - timedelta(days=60),
    )
    services.add_disability_referent(
        provider=provider,
        by=qm,
        name="Léa Garnier",
        email="support@saveit.demo",
        phone="04 72 00 00 00",
        since=today - timedelta(days=365),
        trained_on=today - timedelta(days=300),
        partners="Cap emploi Rhône, Agefiph Auvergne-Rhône-Alpes",
    )
    services.record_accessibility_check(
        provider=provider,
        by=qm,
        checked_on=today - timedelta(days=30),
        scope="Pages apprenant (axe-core, RGAA)",
        result="Aucune anomalie bloquante.",
        passed=True,
    )
    for member in Membership.objects.filter(
        organization=provider, role__in=["designer", "project_manager"]
    ):
        services.record_competence(
            provider=provider,
            member=member,
            by=qm,
            competence="Ingénierie pédagogique à distance",
            evidence="Entretien annuel et revue d'un module",
            assessed_on=today - timedelta(days=90),
            next_review_on=today + timedelta(days=275),
        )


def _surveys(provider, qm: Membership) -> None:
    now = timezone.now()
    answers = [
        (5, 4, 4, 5, "Très concret, proche de notre procédure."),
        (4, 4, 3, 4, ""),
        (3, 4, 2, 3, "Les schémas sont trop petits sur téléphone."),
    ]
    learners = Assignment.objects.exclude(learner__email="apprenant@helios.demo").order_by("pk")[:3]
    for assignment, (o, m, ma, org, comment) in zip(learners, answers, strict=False):
        request = surveys.request_learner_survey(assignment, "hot", now)
        if request is not None:
            surveys.answer_survey(
                request=request,
                comment=comment,
                share_identity=bool(comment) and o == 5,
                scores={"objectives": o, "methods": m, "materials": ma, "organisation": org},
            )
    engagement = Assignment.objects.select_related("engagement").first()
    request = surveys.request_stakeholder_survey(
        provider=provider,
        respondent="client_manager",
        moment="hot",
        name="Julien Bernard",
        email="manager@helios.demo",
        engagement_id=engagement.engagement_id if engagement else None,
        client_id=engagement.organization_id if engagement else None,
        by=qm,
    )
    surveys.answer_survey(
        request=request,
        comment="Suivi réactif, tableau de bord utile.",
        share_identity=True,
        scores={"objectives": 4, "methods": 4, "materials": 4, "organisation": 5},
    )
    surveys.request_stakeholder_survey(
        provider=provider,
        respondent="funder",
        moment="cold",
        name="OPCO Santé",
        email="contact@opco.demo",
        engagement_id=None,
        client_id=None,
        by=qm,
    )


def _complaints(provider, qm: Membership, today: date) -> None:
    from saveit.accounts.models import Organization

    helios = Organization.objects.filter(name="Laboratoires Hélios").first()
    answered = complaints.file_complaint(
        provider=provider,
        kind="complaint",
        party="client",
        client=helios,
        name="Julien Bernard",
        email="manager@helios.demo",
        subject="Invitations reçues tardivement",
        description="Deux techniciens ont reçu leur lien la veille de l'échéance.",
    )
    complaints.acknowledge_complaint(complaint=answered, by=qm)
    complaints.answer_complaint(
        complaint=answered,
        by=qm,
        answer="Les invitations partent désormais dès l'affectation, avec une relance à J+7.",
    )
    complaints.open_action(
        provider=provider,
        title="Relancer automatiquement les apprenants inactifs",
        cause="complaint",
        owner=qm,
        due_on=today + timedelta(days=30),
        by=qm,
        complaint=answered,
        cause_detail="Les invitations dépendaient d'un envoi manuel par le chef de projet.",
    )
    complaints.file_complaint(
        provider=provider,
        kind="incident",
        party="learner",
        client=helios,
        name="Camille Lefèvre",
        email="camille.lefevre@helios.demo",
        subject="Vidéo interrompue",
        description="La vidéo de la leçon 2 s'arrête au bout d'une minute.",
    )


def _audit(provider, qm: Membership) -> None:
    framework = Framework.objects.get(code="qualiopi")
    held = timezone.localdate() - timedelta(days=120)
    audit = audits.record_audit(
        provider=provider,
        framework=framework,
        kind="initial",
        body="Certif Qualité Plus",
        held_on=held,
        decision_on=held + timedelta(days=21),
        by=qm,
    )
    audits.record_nonconformity(
        audit=audit,
        indicator=Indicator.objects.get(framework=framework, number=1),
        grade="minor",
        description="La fiche d'offre n'indiquait pas les délais d'accès.",
        by=qm,
    )
