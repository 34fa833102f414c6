"""Creating an engagement and moving it between phases through the gate table."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import ENGAGEMENT_MANAGER_ROLES, Role, is_provider_staff
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal

from ..gates import Check, awaited_people, gate_status, unmet_checks
from ..models import Engagement, Phase, PhaseChange
from .common import engagement_url, lock, notify, require_manager, require_open
from .numbering import next_number


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


def _check_people(
    client: Organization, project_manager: Membership, client_owner: Membership | None
) -> None:
    if not (
        is_provider_staff(project_manager) and project_manager.role in ENGAGEMENT_MANAGER_ROLES
    ):
        raise Refusal(
            _("The project manager must be a current project manager of the provider."),
            code="project_manager",
        )
    if client_owner is not None and (
        client_owner.organization_id != client.pk
        or client_owner.role != Role.CLIENT_OWNER
        or not client_owner.is_current()
    ):
        raise Refusal(
            _("The client owner must be a current content owner of this client."),
            code="client_owner",
        )


@transaction.atomic
def create_engagement(
    *,
    client: Organization,
    by: Membership,
    title: str,
    summary: str = "",
    project_manager: Membership | None = None,
    client_owner: Membership | None = None,
    started_on: date | None = None,
    target_end_on: date | None = None,
) -> Engagement:
    require_manager(None, by)
    if client.is_provider or not client.is_active:
        raise Refusal(_("An engagement is for an active client organisation."), code="client")
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Refusal(_("Give the engagement a title (200 characters at most)."), code="title")
    project_manager = project_manager or by
    _check_people(client, project_manager, client_owner)
    started_on = started_on or timezone.localdate()
    if target_end_on and target_end_on < started_on:
        raise Refusal(_("The planned end cannot be before the start."), code="dates")
    engagement = Engagement.objects.create(
        client=client,
        reference=next_number("M", started_on.year, width=3),
        title=title,
        summary=(summary or "").strip(),
        project_manager=project_manager,
        client_owner=client_owner,
        started_on=started_on,
        target_end_on=target_end_on,
        created_by=by,
    )
    record_event(
        organization=client,
        action="engagement.created",
        actor=by,
        target=engagement,
        after={
            "reference": engagement.reference,
            "project_manager": project_manager.pk,
            "client_owner": client_owner.pk if client_owner else None,
        },
    )
    return engagement


@transaction.atomic
def advance_phase(*, engagement: Engagement, by: Membership) -> Engagement:
    """Move to the next phase, or refuse with every unmet check and change nothing."""
    require_manager(engagement, by)
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
    _record_change(engagement, by, kind=PhaseChange.Kind.ADVANCE, before=before, reason="")
    _tell_who_is_next(engagement, by)
    return engagement


@transaction.atomic
def reopen_phase(
    *, engagement: Engagement, by: Membership, to_phase: int, reason: str
) -> Engagement:
    """Go back to an earlier phase: an explicit, reasoned and recorded act."""
    require_manager(engagement, by)
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
    _record_change(engagement, by, kind=PhaseChange.Kind.REOPEN, before=before, reason=reason)
    return engagement


def _record_change(
    engagement: Engagement, by: Membership, *, kind: str, before: int, reason: str
) -> None:
    PhaseChange.objects.create(
        engagement=engagement,
        kind=kind,
        from_phase=before,
        to_phase=engagement.phase,
        reason=reason[:2000],
        by=by,
        at=timezone.now(),
    )
    after: dict[str, object] = {"phase": engagement.phase}
    if reason:
        after["reason"] = reason[:2000]
    record_event(
        organization=engagement.client,
        action=f"engagement.phase_{'advanced' if kind == PhaseChange.Kind.ADVANCE else 'reopened'}",
        actor=by,
        target=engagement,
        before={"phase": before},
        after=after,
    )


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
