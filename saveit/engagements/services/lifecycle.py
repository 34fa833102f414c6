"""Creating an engagement and recording its phase changes (the gate table moves them: see
saveit.orchestration.services.lifecycle)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import ENGAGEMENT_MANAGER_ROLES, Role, is_provider_staff
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.core.hooks import Hook
from saveit.core.numbering import next_number

from ..models import Engagement, PhaseChange
from .common import require_manager

# Called in the reopening's transaction, once the PhaseChange is written, with engagement=,
# change= (the PhaseChange), changes_scope= (the manager's answer: does the reopening change
# scope or price?) and by=. A handler refuses by raising Refusal, which rolls the reopening
# back; billing registers the rule that a change of scope or price needs a signed amendment.
reopening = Hook("engagements.reopening")


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
    require_manager(by)
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


def record_phase_change(
    engagement: Engagement,
    by: Membership,
    *,
    kind: str,
    before: int,
    reason: str,
    changes_scope: bool | None = None,
) -> PhaseChange:
    change = PhaseChange.objects.create(
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
    if changes_scope is not None:
        after["changes_scope"] = changes_scope
    record_event(
        organization=engagement.client,
        action=f"engagement.phase_{'advanced' if kind == PhaseChange.Kind.ADVANCE else 'reopened'}",
        actor=by,
        target=engagement,
        before={"phase": before},
        after=after,
    )
    return change
