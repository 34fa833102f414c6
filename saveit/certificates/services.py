"""Attestations are issued at once on a pass, signed as Open Badges, and revoked with a reason."""

from __future__ import annotations

import calendar
import json
import secrets
from dataclasses import asdict
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.accounts.selectors import provider_organization as provider
from saveit.audit.chain import record_event
from saveit.catalog.snapshot import snapshot_of
from saveit.core.dates import paris_date
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number

from .credential import build_credential, sign_credential
from .facts import AttestationFacts, SourceRef
from .models import Attestation
from .pdf_data import best_qr_mask


def add_months(day: date, months: int) -> date:
    """Same day n months later, or the month's last day (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def absolute(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def facts_to_json(facts: AttestationFacts) -> dict:  # type: ignore[type-arg]
    return json.loads(json.dumps(asdict(facts), default=str))


def facts_from_json(data: dict) -> AttestationFacts:  # type: ignore[type-arg]
    fields = dict(data)
    fields["sources"] = tuple(SourceRef(**s) for s in data["sources"])
    fields["objectives"] = tuple(data.get("objectives") or ())
    fields["issued_at"] = datetime.fromisoformat(data["issued_at"])
    fields["valid_until"] = date.fromisoformat(data["valid_until"]) if data["valid_until"] else None
    return AttestationFacts(**fields)


def _facts(assignment, attempt, number: str, code: str) -> AttestationFacts:  # type: ignore[no-untyped-def]
    version = assignment.module_version
    snapshot = snapshot_of(version)
    issued_at = attempt.submitted_at or timezone.now()
    months = snapshot["assessment"]["validity_months"]
    issuer = provider()
    return AttestationFacts(
        number=number,
        code=code,
        holder_name=assignment.learner.full_name,
        holder_email=assignment.learner.email,
        organization=assignment.learner.organization.name,
        module_code=snapshot["module"]["code"],
        module_title=snapshot["title"],
        version_label=snapshot["version"],
        sources=tuple(
            SourceRef(document=s["document"], version_label=s["version_label"], sha256=s["sha256"])
            for s in snapshot["sources"]
        ),
        score=attempt.score,
        pass_mark=snapshot["assessment"]["pass_mark"],
        issued_at=issued_at,
        valid_until=add_months(paris_date(issued_at), months) if months else None,
        issuer_name=issuer.name if issuer else "SAVE IT",
        verify_url=absolute("certificates:verify", code),
        credential_id=absolute("certificates:credential", code),
        issuer_id=absolute("certificates:issuer"),
        achievement_id=absolute("certificates:achievement", version.pk),
        objectives=tuple(snapshot["objectives"]),
    )


def issue_attestation(*, assignment, attempt) -> Attestation:  # type: ignore[no-untyped-def]
    """Runs in the transaction that records the pass: no pass without its attestation."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_attestation runs inside the transaction of the pass.")
    existing = Attestation.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    issued_at = attempt.submitted_at or timezone.now()
    number = next_number("ATT", paris_date(issued_at).year, width=6)
    code = secrets.token_urlsafe(12)
    facts = _facts(assignment, attempt, number, code)
    attestation = Attestation.objects.create(
        organization_id=assignment.organization_id,
        learner_id=assignment.learner_id,
        assignment=assignment,
        module_version_id=assignment.module_version_id,
        number=number,
        code=code,
        score=facts.score,
        issued_at=facts.issued_at,
        valid_until=facts.valid_until,
        facts=facts_to_json(facts),
        credential=sign_credential(build_credential(facts)),
        qr_mask=best_qr_mask(facts.verify_url),
    )
    record_event(
        organization=assignment.learner.organization,
        action="attestation.issued",
        target=attestation,
        after={
            "number": number,
            "assignment": assignment.pk,
            "version": assignment.module_version_id,
            "score": facts.score,
            "valid_until": facts.valid_until.isoformat() if facts.valid_until else None,
        },
    )
    return attestation


def can_revoke(member: Membership | None) -> bool:
    from saveit.accounts.roles import Role, is_provider_staff

    return is_provider_staff(member) and member is not None and member.role in (
        Role.ADMIN, Role.PROJECT_MANAGER, Role.QUALITY_MANAGER
    )  # fmt: skip


@transaction.atomic
def revoke_attestation(*, attestation: Attestation, reason: str, by: Membership) -> Attestation:
    if not by.is_current() or not can_revoke(by):
        raise Forbidden(
            _("Only the provider's administrators, project and quality managers can revoke.")
        )
    attestation = Attestation.objects.select_for_update().get(pk=attestation.pk)
    reason = reason.strip()
    if not reason:
        raise Refusal(_("Say why the attestation is revoked."), code="invalid")
    if attestation.revoked_at is not None:
        raise Refusal(_("This attestation is already revoked."), code="revoked")
    attestation.revoked_at = timezone.now()
    attestation.revoked_reason = reason
    attestation.revoked_by = by
    attestation.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    record_event(
        organization=attestation.organization,
        action="attestation.revoked",
        actor=by,
        target=attestation,
        after={"number": attestation.number, "reason": reason},
    )
    return attestation
