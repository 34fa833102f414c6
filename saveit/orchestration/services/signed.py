"""What follows a client's signature of an engagement artefact (a signature hook)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.roles import Role
from saveit.audit.models import Document, Signature
from saveit.engagements.artefacts import MAPPING_REPORT, PROPOSAL, PURCHASE_ORDER, SCOPING_NOTE
from saveit.engagements.models import Engagement, Phase
from saveit.engagements.services.common import engagement_url, notify

from ..gates import CLIENT, gate_status

# The artefacts of phases 0–2; the acceptance record's signature is the catalogue's business.
KINDS = (SCOPING_NOTE, MAPPING_REPORT, PROPOSAL, PURCHASE_ORDER)


def tell_manager_on_signature(document: Document, signature: Signature) -> None:
    """Runs in the signature's transaction: once the client's owner has signed the current
    artefact of the current phase, e-mail the project manager if the gate now waits for them."""
    if signature.role != Role.CLIENT_OWNER:
        return
    for kind in KINDS:
        artefact = (
            kind.model._default_manager.filter(document=document)
            .select_related("engagement")
            .first()
        )
        if artefact is not None:
            break
    else:
        return
    engagement: Engagement = artefact.engagement
    current = kind.current(engagement)
    if engagement.phase != kind.phase or current is None or current.pk != artefact.pk:
        return
    status = gate_status(engagement)
    if status.waiting_for == CLIENT:
        return
    with override("fr"):
        if status.unmet:
            next_step = "\n".join(f"- {check.message}" for check in status.unmet)
        else:
            next_step = _("Every check of phase %(phase)s holds: move it to the next phase.") % {
                "phase": f"{engagement.phase} ({Phase(engagement.phase).label})"
            }
        notify(
            [engagement.project_manager],
            subject=_("Signed: %(what)s (%(ref)s)")
            % {"what": kind.label, "ref": engagement.reference},
            body=_(
                "%(who)s signed %(what)s of the engagement “%(title)s”.\n\n"
                "What it waits for now:\n%(next)s\n\nFollow it here: %(url)s\n"
            )
            % {
                "who": signature.signer_name,
                "what": kind.label,
                "title": engagement.title,
                "next": next_step,
                "url": engagement_url(engagement),
            },
        )
