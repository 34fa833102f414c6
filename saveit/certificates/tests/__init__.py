"""Tests of the attestation PDF and of its Open Badges credential."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from saveit.certificates.facts import AttestationFacts, SourceRef

HOST = "https://saveit.example.fr"


def make_facts(**changes: Any) -> AttestationFacts:
    """Realistic facts of one attestation; keyword arguments replace fields."""
    facts = AttestationFacts(
        number="ATT-2026-000042",
        code="Xk3pQ9vR2mT8wLsN",
        holder_name="Camille Lefèvre",
        holder_email="Camille.Lefevre@laboratoires-alpha.fr",
        organization="Laboratoires Alpha",
        module_code="MOD-01",
        module_title="Consignation électrique des armoires de distribution",
        version_label="1.0",
        sources=(
            SourceRef(
                document="Procédure de consignation électrique",
                version_label="2.0",
                sha256="3f7a9c1e5b2d4f6a8c0e1b3d5f7a9c1e5b2d4f6a8c0e1b3d5f7a9c1e5b2d4f6a",
            ),
        ),
        score=87,
        pass_mark=80,
        issued_at=datetime(2025, 11, 23, 9, 30, 12, 345678, tzinfo=UTC),
        valid_until=date(2026, 11, 23),
        issuer_name="SAVE IT Studio",
        verify_url=f"{HOST}/verify/Xk3pQ9vR2mT8wLsN/",
        credential_id=f"{HOST}/verify/Xk3pQ9vR2mT8wLsN/credential",
        issuer_id=f"{HOST}/badges/issuer",
        achievement_id=f"{HOST}/badges/achievements/q3JzX0vYt1cQp2LmN8aRw5eK",
        objectives=(
            "Identifier les sources d'énergie d'une armoire",
            "Poser et vérifier une consignation",
        ),
        language="fr",
        action_category="training",
        started_on=date(2025, 11, 18),
        completed_on=date(2025, 11, 23),
        distance_seconds=5 * 3600 + 25 * 60 + 10,
        attended_minutes=None,
        issuer_siren="552100554",
        issuer_activity_declaration="11755555575",
        issuer_address="12 rue des Ateliers, 75011 Paris",
        signatory_name="Hélène Marchand",
        signatory_role="Directrice de la formation",
        signature_sha256="",
        status_list_url=f"{HOST}/badges/status/1",
        status_index=94_567,
    )
    return replace(facts, **changes)
