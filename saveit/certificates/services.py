"""Attestations are issued at once on a pass, signed as Open Badges, and revoked with a reason."""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.accounts.selectors import attestation_signature_of
from saveit.accounts.selectors import provider_organization as provider
from saveit.attendance.selectors import attendance_is_sufficient
from saveit.audit.chain import record_event
from saveit.catalog.snapshot import snapshot_of
from saveit.core.dates import add_months, paris_date
from saveit.core.errors import Forbidden, Refusal
from saveit.core.numbering import next_number

from .credential import build_credential, sign_credential
from .facts import DEFAULT_ACTION_CATEGORY, AttestationFacts, SourceRef
from .models import Attestation, PublicAchievement, StatusList
from .pdf_data import best_qr_mask
from .status_list import sign_status_list


def absolute(name: str, *args: object) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def facts_to_json(facts: AttestationFacts) -> dict:
    return json.loads(json.dumps(asdict(facts), default=str))


def facts_from_json(data: dict) -> AttestationFacts:
    fields = dict(data)
    fields["sources"] = tuple(SourceRef(**s) for s in data["sources"])
    fields["objectives"] = tuple(data.get("objectives") or ())
    fields["issued_at"] = datetime.fromisoformat(data["issued_at"])
    for name in ("valid_until", "started_on", "completed_on"):
        value = data.get(name)
        fields[name] = date.fromisoformat(value) if value else None
    return AttestationFacts(**fields)


def _issuer_identity() -> dict[str, str]:
    """The provider as the attestation names it: name, SIREN, NDA, address, signatory."""
    issuer = provider()
    if issuer is None:
        return {"issuer_name": "SAVE IT"}
    identity = {
        "issuer_name": issuer.name,
        "issuer_siren": issuer.siren,
        "issuer_address": ", ".join(
            line.strip() for line in issuer.address.splitlines() if line.strip()
        ),
    }
    signature = attestation_signature_of(issuer)
    if signature is not None:
        identity |= {
            "issuer_activity_declaration": signature.activity_declaration,
            "signatory_name": signature.signatory_name,
            "signatory_role": signature.signatory_role,
            "signature_sha256": signature.image_sha256,
        }
    return identity


def _facts(
    assignment, attempt, *, number: str, code: str, achievement_token: str, status: tuple[str, int]
) -> AttestationFacts:
    version = assignment.module_version
    snapshot = snapshot_of(version)
    issued_at = attempt.submitted_at or timezone.now()
    months = snapshot["assessment"]["validity_months"]
    started_at = assignment.started_at or attempt.started_at or issued_at
    return AttestationFacts(
        number=number,
        code=code,
        # The learner record's name, the one every page, PDF and credential of it shows.
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
        verify_url=absolute("certificates:verify", code),
        credential_id=absolute("certificates:credential", code),
        issuer_id=absolute("certificates:issuer"),
        achievement_id=absolute("certificates:achievement", achievement_token),
        objectives=tuple(snapshot["objectives"]),
        language=settings.LANGUAGE_CODE,
        action_category=DEFAULT_ACTION_CATEGORY,
        started_on=paris_date(min(started_at, issued_at)),
        completed_on=paris_date(issued_at),
        distance_seconds=_time_on_task(assignment),
        attended_minutes=None,  # in-person sessions do not exist yet
        status_list_url=status[0],
        status_index=status[1],
        **_issuer_identity(),
    )


def _time_on_task(assignment) -> int:
    """The seconds recorded on the assignment, read fresh: heartbeats add to it in SQL."""
    return int(
        type(assignment).objects.filter(pk=assignment.pk).values_list("seconds_spent", flat=True)[0]
    )


def _achievement_token(version) -> str:
    """The version's public achievement token, made on its first attestation."""
    record, _created = PublicAchievement.objects.get_or_create(
        module_version=version, defaults={"token": secrets.token_urlsafe(18)}
    )
    return record.token


def status_list_url(status_list: StatusList) -> str:
    return absolute("certificates:status_list", status_list.pk)


def allocate_status_index() -> tuple[StatusList, int]:
    """The next free bit of the open revocation list, under its row lock (no two share one).

    Runs in the transaction that issues: a rollback hands the index back with the counter.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_status_index runs inside the transaction that issues.")
    while True:
        latest = StatusList.objects.filter(purpose="revocation").order_by("-number").first()
        number = 1 if latest is None else latest.number + (1 if latest.is_full else 0)
        # get_or_create survives a race on the unique (purpose, number): the loser reads the
        # winner's list.
        StatusList.objects.get_or_create(purpose="revocation", number=number)
        status_list = StatusList.objects.select_for_update().get(
            purpose="revocation", number=number
        )
        if status_list.is_full:  # filled while this one waited for the lock
            continue
        index = status_list.next_index
        status_list.next_index = index + 1
        status_list.save(update_fields=["next_index"])
        return status_list, index


def refresh_status_list(status_list: StatusList) -> StatusList:
    """Rebuild and sign the published list from the revocations recorded now."""
    revoked = Attestation.objects.filter(
        status_list=status_list, revoked_at__isnull=False, status_index__isnull=False
    ).values_list("status_index", flat=True)
    now = timezone.now()
    status_list.signed = sign_status_list(
        list_url=status_list_url(status_list),
        issuer_id=absolute("certificates:issuer"),
        revoked=[i for i in revoked if i is not None],
        size=StatusList.SIZE,
        now=now,
    )
    status_list.signed_at = now
    status_list.save(update_fields=["signed", "signed_at"])
    return status_list


def issue_attestation(*, assignment, attempt) -> Attestation | None:
    """Runs in the transaction that records the pass: no pass without its attestation, unless
    the learner's attendance in the engagement's sessions is below the terms (none issued)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("issue_attestation runs inside the transaction of the pass.")
    existing = Attestation.objects.filter(assignment=assignment).first()
    if existing is not None:
        return existing
    if not attendance_is_sufficient(assignment.learner, engagement_id=assignment.engagement_id):
        record_event(
            organization=assignment.learner.organization,
            action="attestation.withheld",
            target=assignment,
            after={"reason": "insufficient_attendance", "assignment": assignment.pk},
        )
        return None
    issued_at = attempt.submitted_at or timezone.now()
    number = next_number("ATT", paris_date(issued_at).year, width=6)
    code = secrets.token_urlsafe(12)
    status_list, index = allocate_status_index()
    facts = _facts(
        assignment,
        attempt,
        number=number,
        code=code,
        achievement_token=_achievement_token(assignment.module_version),
        status=(status_list_url(status_list), index),
    )
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
        status_list=status_list,
        status_index=index,
    )
    if not status_list.signed:
        refresh_status_list(status_list)  # published from its first bit on
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
            "status_list": status_list.pk,
            "status_index": index,
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
    if attestation.status_list_id is not None:
        # Locked like an issue: two revocations at once rebuild the list one after the other.
        refresh_status_list(
            StatusList.objects.select_for_update().get(pk=attestation.status_list_id)
        )
    record_event(
        organization=attestation.organization,
        action="attestation.revoked",
        actor=by,
        target=attestation,
        after={"number": attestation.number, "reason": reason},
    )
    return attestation


# --- Privacy (declared on Attestation, called by the privacy app) -----------------------------


def pseudonymise_attestation(attestation: Attestation, pseudonym: Any) -> None:
    """Erasure: the frozen facts and the signed credential name the pseudonym from now on.

    The credential is signed again with the installation's key over the same facts but the
    holder's name and address, so the public page and the Open Badges credential still verify
    (as of the day of issue), stating the pseudonym. Number, code, score and dates are unchanged.
    """
    facts = replace(
        facts_from_json(attestation.facts),
        holder_name=pseudonym.name,
        holder_email=pseudonym.email,
    )
    attestation.facts = facts_to_json(facts)
    attestation.credential = sign_credential(build_credential(facts))
    attestation.save(update_fields=["facts", "credential"])


def attestation_files(attestation: Attestation) -> list[tuple[str, bytes]]:
    """The attestation's PDF, as its download gives it, for a person's access export."""
    from .pdf_data import render_attestation_pdf

    pdf = render_attestation_pdf(
        facts_from_json(attestation.facts), status=attestation.state(), qr_mask=attestation.qr_mask
    )
    return [(f"attestation-{attestation.number}.pdf", pdf)]
