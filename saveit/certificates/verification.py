"""What the public verification page checks before it calls an attestation authentic.

The row in the database is not proof on its own (a restore with another key, or an edited row,
would still say "valid"): the page verifies the signed credential stored at issue with the
installation's public key, and checks that what it signed is what the page is about to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from .credential import InvalidCredential, _iso, end_of_validity, verify_credential
from .facts import end_of_training
from .models import Attestation


@dataclass(frozen=True)
class SignatureCheck:
    authentic: bool
    reason: str = ""  # InvalidCredential.code, or "mismatch" when the signed facts differ


def check_signature(attestation: Attestation) -> SignatureCheck:
    """Whether the attestation's credential is signed by this installation and states its facts.

    Validity in time is the page's business (it shows "expired"): the signature is checked as
    of the day of issue.
    """
    try:
        signed = verify_credential(
            attestation.credential, now=attestation.issued_at + timedelta(seconds=1)
        )
    except InvalidCredential as error:
        return SignatureCheck(False, error.code)
    if not _states_the_same_facts(signed, attestation):
        return SignatureCheck(False, "mismatch")
    return SignatureCheck(True)


def public_state(attestation: Attestation) -> str:
    """The state shown to the public (page and status.json): the attestation's own state once
    its signed credential proves it ("valid", "expired", "revoked"), else "unverified"."""
    return attestation.state() if check_signature(attestation).authentic else "unverified"


def _states_the_same_facts(signed: dict[str, Any], attestation: Attestation) -> bool:
    facts = attestation.facts
    try:
        subject = signed["credentialSubject"]
        achievement = subject["achievement"]
        names = [
            i["identityHash"] for i in subject.get("identifier", []) if i["identityType"] == "name"
        ]
        valid_until = (
            _iso(end_of_validity(attestation.valid_until)) if attestation.valid_until else None
        )
        return (
            signed["id"] == facts["credential_id"]
            and signed["validFrom"] == _iso(attestation.issued_at)
            and signed.get("validUntil") == valid_until
            and subject["result"][0]["value"] == str(attestation.score)
            and achievement["name"] == facts["module_title"]
            and achievement["version"] == facts["version_label"]
            and all(name == facts["holder_name"] for name in names)
        )
    except (KeyError, IndexError, TypeError):
        return False


def verification_details(facts_json: dict[str, Any]) -> dict[str, str]:
    """The end-of-training facts the public page shows (nothing personal beyond the masked name)."""
    from .services import facts_from_json

    return end_of_training(facts_from_json(facts_json))
