"""What a restored backup must prove about the issued credentials (found by saveit.core.backup)."""

from __future__ import annotations

from saveit.core.backup import CheckResult, restore_check

from .credential import InvalidCredential, verify_credential
from .models import Attestation

# Codes of a credential that is authentic but out of its validity: the signature held.
STILL_AUTHENTIC = {"expired", "not_yet"}


@restore_check("credentials")
def credentials() -> CheckResult:
    """Every issued Open Badges credential verifies with the restored keys."""
    verified = 0
    problems = []
    rows = Attestation.objects.order_by("pk").values_list("number", "credential")
    for number, token in rows.iterator():
        try:
            verify_credential(token)
        except InvalidCredential as refusal:
            if refusal.code not in STILL_AUTHENTIC:
                problems.append(f"attestation {number}: {refusal.code} ({refusal})")
                continue
        verified += 1
    summary = f"{verified} issued credentials verify with the restored signing key"
    return CheckResult("credentials", not problems, summary, problems)
