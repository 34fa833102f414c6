"""When an engagement's artefact may be signed, whatever the way in (reading page, evidence page,
API): registered with audit's signing_refusal, so the rule is written once."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saveit.audit.models import Document

from .artefacts import artefact_kinds
from .models import Proposal
from .signing import State, is_expired, state_of


def artefact_signing_refusal(document: Document) -> str | None:
    """Why the artefact issued as this document cannot be signed now, or None (not an artefact,
    or signable)."""
    for kind in artefact_kinds():
        artefact = kind.model._default_manager.filter(document=document).first()
        if artefact is not None:
            break
    else:
        return None
    if state_of(artefact) == State.ALTERED:
        return _("This document changed after it was issued: it can no longer be signed.")
    current = kind.current(artefact.engagement)
    if current is None or current.pk != artefact.pk:
        return _("A newer revision replaces this document: sign the current one.")
    if artefact.engagement.closed_at is not None:
        return _("The engagement is closed: nothing more is signed in it.")
    if isinstance(artefact, Proposal) and is_expired(artefact):
        return _("The proposal's validity date has passed: ask for a new revision.")
    return None
