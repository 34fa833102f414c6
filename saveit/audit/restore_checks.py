"""What a restored backup must prove about the audit trail (found by saveit.core.backup)."""

from __future__ import annotations

from saveit.accounts.models import Organization
from saveit.core.backup import CheckResult, restore_check

from .checkpoints import verify_anchored


@restore_check("audit chains")
def audit_chains() -> CheckResult:
    """audit_verify on the restored copy: every chain whole, and whole up to its checkpoints."""
    organizations = events = anchored = 0
    problems = []
    for organization in Organization.objects.order_by("slug").iterator():
        report, checked = verify_anchored(organization)
        organizations += 1
        events += report.events
        anchored += bool(checked.latest_seq)
        problems += [f"{organization.slug}: {problem}" for problem in checked.problems]
    summary = (
        f"{organizations} organisations, {events} events, "
        f"{anchored} chains with a signed checkpoint"
    )
    return CheckResult("audit chains", not problems, summary, problems)
