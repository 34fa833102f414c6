"""The acceptance record (PV): generated from the approved versions, activating them once signed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.audit.models import Document, Signature
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.services.common import issue_artefact, lock, require_manager, require_phase
from saveit.engagements.signing import State, state_of

from .. import selectors
from ..models import AcceptanceRecord, ModuleVersion
from ..pdf_data import render_acceptance_record

Status = ModuleVersion.Status


def _approved_scope(engagement: Engagement) -> list[ModuleVersion]:
    scope = selectors.scope_versions(engagement)
    if not scope:
        raise Refusal(_("No module is in the engagement's scope."), code="no_module")
    missing = [
        module.code
        for module, version in scope.items()
        if version is None or version.status not in (Status.APPROVED, Status.ACTIVE)
    ]
    if missing:
        raise Refusal(
            _("These modules have no approved version yet: %(codes)s.")
            % {"codes": ", ".join(missing)},
            code="not_approved",
        )
    return [version for version in scope.values() if version is not None]


def _check_replaceable(engagement: Engagement) -> None:
    """A signed record is evidence: a new revision replaces it only when the scope moved on."""
    current = selectors.current_acceptance_record(engagement)
    if current is None or state_of(current) != State.SIGNED:
        return
    if not selectors.record_lists_scope(engagement, current):
        return
    raise Refusal(
        _(
            "Revision %(revision)s of the record is signed and already lists every version in "
            "scope: a new revision would replace signed evidence without changing anything. "
            "It becomes possible once a new version of a module is approved."
        )
        % {"revision": current.revision},
        code="record_signed",
    )


@transaction.atomic
def generate_acceptance_record(*, engagement: Engagement, by: Membership) -> AcceptanceRecord:
    engagement = lock(engagement)
    require_manager(by)
    require_phase(engagement, Phase.VALIDATION)
    versions = _approved_scope(engagement)
    _check_replaceable(engagement)
    revision = (engagement.acceptance_records.aggregate(n=Max("revision"))["n"] or 0) + 1
    record = AcceptanceRecord.objects.create(
        engagement=engagement,
        revision=revision,
        snapshot={
            "modules": [
                {
                    "version_id": v.pk,
                    "code": v.module.code,
                    "title": v.title,
                    "version": v.label,
                    "content_sha256": v.content_sha256,
                    "sources": (v.snapshot or {}).get("sources", []),
                }
                for v in versions
            ]
        },
    )
    record.versions.set(versions)
    from saveit.catalog.artefacts import ACCEPTANCE_RECORD

    issue_artefact(
        artefact=record, kind=ACCEPTANCE_RECORD, by=by, pdf=render_acceptance_record(record)
    )
    return record


def activate_on_signature(document: Document, signature: Signature) -> None:
    """Runs in the signature's transaction: the owner's signature of the current PV activates it."""
    record = AcceptanceRecord.objects.filter(document=document).select_related("engagement").first()
    if record is None:
        return
    engagement = record.engagement
    current = selectors.current_acceptance_record(engagement)
    if current is None or current.pk != record.pk or state_of(record) != State.SIGNED:
        return  # an old revision, or a signature that does not count: nothing goes live
    listed = {m["version_id"]: m["content_sha256"] for m in record.snapshot["modules"]}
    versions = list(
        ModuleVersion.objects.select_for_update().filter(pk__in=listed, status=Status.APPROVED)
    )
    now = timezone.now()
    activated = []
    for version in versions:
        if version.content_sha256 != listed[version.pk]:
            continue
        ModuleVersion.objects.filter(module_id=version.module_id, status=Status.ACTIVE).update(
            status=Status.RETIRED
        )
        version.status = Status.ACTIVE
        version.activated_at = now
        version.save(update_fields=["status", "activated_at"])
        activated.append(version.pk)
    record_event(
        organization=engagement.client,
        action="module.versions_activated",
        actor=signature.membership,
        target=engagement,
        after={"record": record.pk, "revision": record.revision, "versions": activated},
    )
