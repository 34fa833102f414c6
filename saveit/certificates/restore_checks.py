"""What a restored backup must prove about the issued credentials (found by saveit.core.backup)."""

from __future__ import annotations

from saveit.core.backup import CheckResult, restore_check

from .models import Attestation
from .verification import check_signature


@restore_check("credentials")
def credentials() -> CheckResult:
    """Every issued Open Badges credential verifies with the restored keys and states what its
    row says: the public verification page's own check (an expired one still verifies)."""
    verified = 0
    problems = []
    for attestation in Attestation.objects.order_by("pk").iterator():
        check = check_signature(attestation)
        if not check.authentic:
            problems.append(f"attestation {attestation.number}: {check.reason}")
            continue
        verified += 1
    summary = f"{verified} issued credentials verify with the restored signing key"
    return CheckResult("credentials", not problems, summary, problems)
