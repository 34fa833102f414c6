"""Phase 0 (scoping interview and note) and phase 1 (mapping report)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal

from .. import pdf_data, selectors
from ..artefacts import SCOPING_NOTE
from ..models import Engagement, Phase, ScopingInterview, ScopingNote
from .common import issue_artefact, lock, require_manager, require_phase

NOTE_FIELDS = ("objectives", "scope", "constraints", "expectations", "planning")


@transaction.atomic
def record_interview(
    *, engagement: Engagement, by: Membership, held_on: date, participants: str, notes: str
) -> ScopingInterview:
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.SCOPING)
    participants, notes = (participants or "").strip(), (notes or "").strip()
    if not participants or not notes:
        raise Refusal(
            _("Name the participants and write the notes of the interview."), code="empty"
        )
    interview = ScopingInterview.objects.create(
        engagement=engagement,
        held_on=held_on,
        participants=participants,
        notes=notes,
        recorded_by=by,
    )
    record_event(
        organization=engagement.client,
        action="engagement.interview_recorded",
        actor=by,
        target=engagement,
        after={"interview": interview.pk, "held_on": held_on.isoformat()},
    )
    return interview


@transaction.atomic
def save_scoping_note(*, engagement: Engagement, by: Membership, **fields: str) -> ScopingNote:
    """Edit the draft; once a revision is issued, saving starts the next revision."""
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.SCOPING)
    if unknown := set(fields) - set(NOTE_FIELDS):
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    note = selectors.current_scoping_note(engagement)
    if note is None or note.is_issued:
        note = ScopingNote(engagement=engagement, revision=note.revision + 1 if note else 1)
    for name, value in fields.items():
        setattr(note, name, (value or "").strip())
    note.save()
    record_event(
        organization=engagement.client,
        action="engagement.scoping_note_saved",
        actor=by,
        target=engagement,
        after={"revision": note.revision},
    )
    return note


@transaction.atomic
def issue_scoping_note(*, engagement: Engagement, by: Membership) -> ScopingNote:
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.SCOPING)
    note = selectors.current_scoping_note(engagement)
    if note is None or note.is_issued:
        raise Refusal(_("There is no draft of the scoping note to issue."), code="no_draft")
    if not note.objectives or not note.scope_items:
        raise Refusal(
            _("Write the objectives and the scope before issuing the note."), code="incomplete"
        )
    pdf = pdf_data.render_scoping_note(note)
    issue_artefact(artefact=note, kind=SCOPING_NOTE, by=by, pdf=pdf)
    return note
