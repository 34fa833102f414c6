"""Demo invoicing, in one series: an engagement of Transports Ardent invoiced from its signed
proposal (deposit, paid by transfer) to its signed delivery note (balance, then a credit note
for a session not held), and a prorated licence subscription of Laboratoires Hélios."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.billing import amendments, contracts, services, subscriptions
from saveit.billing.models import BillingProfile, Invoice, LegalInterestRate, SalesTerms
from saveit.billing.services import LineInput
from saveit.documents.services import VersionInput, upload_version
from saveit.engagements import services as lifecycle
from saveit.engagements.artefacts import DELIVERY_NOTE
from saveit.engagements.models import DeliveryNote, Engagement
from saveit.engagements.services.common import issue_artefact
from saveit.orchestration import services as workflow
from saveit.orchestration.closure_data import render_delivery_note
from saveit.web.demo.catalog import sign_as

TITLE = "Prévention du risque routier des conducteurs-livreurs"
# A second engagement left for the provider to invoice: proposal signed, delivery note issued
# and awaiting the client's signature (the browser journey e2e/test_billing_journey.py).
TO_INVOICE = "Conduite des chariots élévateurs, recyclage 2027"
PROCEDURE = """# CONSIGNES DE CONDUITE DES CONDUCTEURS-LIVREURS

## 1. Objet

Réduire le risque routier lors des tournées de livraison.

## 2. Règles

- Le conducteur vérifie son véhicule avant chaque tournée.
- Le téléphone ne doit jamais être utilisé en conduisant.
- Une pause de 20 minutes est obligatoire toutes les deux heures.
"""
CGV = """Conditions générales de vente de SAVE IT Studio (démonstration).

1. Les prix sont exprimés hors taxes ; la TVA applicable est celle en vigueur à la signature de
la proposition.
2. Un acompte de 20 % du total TTC est demandé à la commande lorsque le total HT dépasse
2 000 € ; le solde est facturé dans les 20 jours suivant la livraison.
3. Les factures sont payables à réception, au plus tard à 30 jours. Tout retard entraîne des
pénalités égales à trois fois le taux d'intérêt légal et une indemnité forfaitaire de 40 €.
"""
INDEX_SOURCE = "Fédération Syntec, indice publié (valeur saisie pour la démonstration)"


def _member(email: str) -> Membership | None:
    return Membership.objects.filter(user__email=email).select_related("organization").first()


@transaction.atomic
def load_demo_billing() -> list[Invoice]:
    """Idempotent: does nothing once the demo engagement exists or a login is missing."""
    client = Organization.objects.filter(name="Transports Ardent").first()
    helios = Organization.objects.filter(name="Laboratoires Hélios").first()
    manager = _member("cheffe.projet@saveit.demo")
    admin = _member("admin@saveit.demo")
    owner = Membership.objects.filter(
        user__email="responsable@ardent.demo", organization=client
    ).first()
    if not (client and helios and manager and admin and owner):
        return []
    if Engagement.objects.filter(client=client, title=TITLE).exists():
        return []
    BillingProfile.objects.update_or_create(
        organization=manager.organization,
        defaults={
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP",
            "activity_declaration": "84 69 12345 69",
        },
    )
    if not SalesTerms.objects.exists():
        contracts.publish_sales_terms(
            version=f"{timezone.localdate().year}-1",
            effective_on=date(timezone.localdate().year, 1, 1),
            body=CGV,
            by=admin,
        )
    year = timezone.localdate().year
    for half in (1, 2):
        if not LegalInterestRate.objects.filter(year=year, half=half).exists():
            LegalInterestRate.objects.create(
                year=year,
                half=half,
                rate=Decimal("6.65"),
                entered_by=admin,
                source="Taux saisi pour la démonstration (à remplacer par l'arrêté publié)",
            )
    engagement = _signed_engagement(client, manager, owner, TITLE, LINES)
    deposit = services.issue_invoice(
        invoice=services.create_deposit_invoice(engagement=engagement, by=manager), by=manager
    )
    assert deposit.issued_on is not None
    services.record_payment(
        client=client,
        by=manager,
        method="transfer",
        amount=deposit.total_incl,
        received_on=deposit.issued_on,
        reference="VIR ARDENT ACOMPTE",
        allocations=[(deposit, deposit.total_incl)],
    )
    # The client added a night-driving module after signing: an amendment it signed, which the
    # balance invoice follows (the deposit already invoiced stays).
    amendment = amendments.create_amendment(
        engagement=engagement,
        by=manager,
        reason="Le client souhaite couvrir aussi les tournées de nuit.",
        scope="Ajout d'un module certifiant « Conduite de nuit » au périmètre.",
        lines=[
            LineInput(
                "Module complémentaire : conduite de nuit", Decimal(1), Decimal(600), Decimal(20)
            )
        ],
    )
    sign_as(amendments.issue_amendment(amendment=amendment, by=manager), owner)
    _delivered(engagement, manager, owner)
    balance = services.issue_invoice(
        invoice=services.create_balance_invoice(engagement=engagement, by=manager), by=manager
    )
    credit = services.issue_invoice(
        invoice=services.create_credit_note(
            invoice=balance,
            by=manager,
            reason="Session de Rennes non tenue (accord du client)",
            lines=[
                LineInput(
                    "Session de déploiement sur site", Decimal(1), Decimal("450"), Decimal("20")
                )
            ],
        ),
        by=manager,
    )
    subscription = _licence(helios, manager, admin)
    licence = services.issue_invoice(invoice=subscription.periods.get().invoice, by=manager)
    waiting = _signed_engagement(client, manager, owner, TO_INVOICE, FORKLIFT_LINES)
    _delivered(waiting, manager, owner, signed=False)
    return [deposit, balance, credit, licence]


LINES = [
    lifecycle.LineInput("Conception du module certifiant", Decimal(1), Decimal("3200")),
    lifecycle.LineInput("Session de déploiement sur site", Decimal(3), Decimal("450")),
]
FORKLIFT_LINES = [
    lifecycle.LineInput("Adaptation du module certifiant", Decimal(1), Decimal("1900")),
    lifecycle.LineInput("Session de recyclage sur site", Decimal(2), Decimal("400")),
]


def _signed_engagement(
    client: Organization, manager: Membership, owner: Membership, title: str, lines: list
) -> Engagement:
    engagement = lifecycle.create_engagement(
        client=client,
        by=manager,
        title=title,
        client_owner=owner,
        summary="Sensibiliser les 60 conducteurs-livreurs aux consignes de conduite.",
    )
    lifecycle.record_interview(
        engagement=engagement,
        by=manager,
        held_on=date(2026, 10, 5),
        participants="Thomas Girard, responsable sûreté\nInès Moreau, cheffe de projet",
        notes="60 conducteurs sur trois sites ; sessions sur site en complément du module.",
    )
    lifecycle.save_scoping_note(
        engagement=engagement,
        by=manager,
        objectives="Chaque conducteur applique les consignes.",
        scope="Site de Nantes\nSite de Rennes\nSite d'Angers",
        constraints="Code de la route.",
        expectations="Une attestation par conducteur.",
        planning="Déploiement : janvier 2027",
    )
    sign_as(lifecycle.issue_scoping_note(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    version = upload_version(
        engagement=engagement,
        by=owner,
        uploaded_file=(PROCEDURE.encode(), "consignes-conduite.md"),
        data=VersionInput(
            title="Consignes de conduite",
            version_label="2.0",
            scopes=["Site de Nantes"],
            owner_name="Thomas Girard",
        ),
    )
    sign_as(workflow.generate_mapping_report(engagement=engagement, by=manager), owner)
    engagement = workflow.advance_phase(engagement=engagement, by=manager)
    lifecycle.save_proposal(
        engagement=engagement,
        by=manager,
        need="Un module certifiant et trois sessions sur site.",
        valid_until=timezone.localdate() + timedelta(days=30),
        planning="Conception : janvier 2027",
        lines=lines,
        deliverables=[lifecycle.DeliverableInput("Consignes de conduite", "", [version.source_id])],
    )
    sign_as(lifecycle.issue_proposal(engagement=engagement, by=manager), owner)
    return engagement


def _delivered(
    engagement: Engagement, manager: Membership, owner: Membership, *, signed: bool = True
) -> None:
    """The delivery note as the client signed it (the demo skips production and deployment)."""
    note = DeliveryNote.objects.create(
        engagement=engagement,
        snapshot={
            "modules": [],
            "training": {
                "populations": 0,
                "assigned": 0,
                "completed": 0,
                "passed": 0,
                "attestations": 0,
            },
            "documents": [],
        },
    )
    issue_artefact(artefact=note, kind=DELIVERY_NOTE, by=manager, pdf=render_delivery_note(note))
    if signed:
        sign_as(note, owner)


def _licence(client: Organization, manager: Membership, admin: Membership):
    today = timezone.localdate()
    for month, value in ((date(today.year - 1, 9, 1), "297.5"), (date(today.year, 9, 1), "303.1")):
        if not subscriptions.SyntecIndex.objects.filter(month=month).exists():
            subscriptions.enter_syntec_index(
                month=month, value=Decimal(value), source=INDEX_SOURCE, by=admin
            )
    return subscriptions.create_subscription(
        client=client,
        by=manager,
        label="Licence de la plateforme SAVE IT (120 apprenants)",
        annual_price=Decimal("3600"),
        activated_on=today.replace(day=1),
    )
