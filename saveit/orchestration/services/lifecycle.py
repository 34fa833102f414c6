"""Moving an engagement between phases through the gate table."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal
from saveit.engagements.models import Engagement, Phase, PhaseChange
from saveit.engagements.services.common import (
    engagement_url,
    lock,
    notify,
    require_manager,
    require_open,
)
from saveit.engagements.services.lifecycle import record_phase_change, reopening

from ..gates import Check, awaited_people, gate_status, unmet_checks


class GateClosed(Refusal):
    """The gate of the current phase does not hold; `unmet` names every missing check."""

    def __init__(self, *, phase: int, unmet: list[Check]) -> None:
        self.phase = phase
        self.unmet = unmet
        message = _("Phase %(phase)s cannot be left yet: %(missing)s") % {
            "phase": phase,
            "missing": " ".join(str(check.message) for check in unmet),
        }
        super().__init__(message, code="gate_closed")

    def details(self) -> dict[str, object]:
        return {
            "phase": self.phase,
            "unmet": [{"check": c.name, "message": str(c.message)} for c in self.unmet],
        }


@transaction.atomic
def advance_phase(*, engagement: Engagement, by: Membership) -> Engagement:
    """Move to the next phase, or refuse with every unmet check and change nothing."""
    require_manager(by)
    engagement = lock(engagement)
    require_open(engagement)
    if unmet := unmet_checks(engagement):
        raise GateClosed(phase=engagement.phase, unmet=unmet)
    if engagement.phase == Phase.CLOSURE:
        from .closure import close_engagement

        return close_engagement(engagement=engagement, by=by)
    before = engagement.phase
    engagement.phase = before + 1
    engagement.save(update_fields=["phase", "updated_at"])
    record_phase_change(engagement, by, kind=PhaseChange.Kind.ADVANCE, before=before, reason="")
    _tell_who_is_next(engagement, by)
    return engagement


@transaction.atomic
def reopen_phase(
    *,
    engagement: Engagement,
    by: Membership,
    to_phase: int,
    reason: str,
    changes_scope: bool = False,
) -> Engagement:
    """Go back to an earlier phase: an explicit, reasoned and recorded act. When it changes
    the scope or the price, the `reopening` hook's handlers decide (billing asks for a signed
    amendment) and may refuse it, which rolls everything back."""
    require_manager(by)
    engagement = lock(engagement)
    require_open(engagement)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise Refusal(
            _("Explain why the phase is reopened (10 characters at least)."), code="reason"
        )
    if not 0 <= to_phase < engagement.phase:
        raise Refusal(
            _("Only an earlier phase can be reopened (the engagement is in phase %(phase)s).")
            % {"phase": engagement.phase},
            code="to_phase",
        )
    before = engagement.phase
    engagement.phase = to_phase
    engagement.save(update_fields=["phase", "updated_at"])
    change = record_phase_change(
        engagement,
        by,
        kind=PhaseChange.Kind.REOPEN,
        before=before,
        reason=reason,
        changes_scope=changes_scope,
    )
    reopening(engagement=engagement, change=change, changes_scope=changes_scope, by=by)
    return engagement


def _tell_who_is_next(engagement: Engagement, by: Membership) -> None:
    """E-mail whoever the new phase waits for first (not the person who just moved it)."""
    status = gate_status(engagement)
    unmet = status.unmet
    recipients = [m for m in awaited_people(engagement, status.waiting_for) if m.pk != by.pk]
    if not recipients:
        return
    with override("fr"):
        notify(
            recipients,
            subject=_("%(ref)s: phase %(phase)s has started")
            % {"ref": engagement.reference, "phase": engagement.phase},
            body=_(
                "The engagement “%(title)s” is now in phase %(phase)s (%(label)s).\n"
                "What it waits for:\n%(missing)s\n\nFollow it here: %(url)s\n"
            )
            % {
                "title": engagement.title,
                "phase": engagement.phase,
                "label": Phase(engagement.phase).label,
                "missing": "\n".join(f"- {c.message}" for c in unmet),
                "url": engagement_url(engagement),
            },
        )
