"""Everything the engagement page shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.catalog.selectors import outdated_versions, scope_versions

from . import selectors
from .artefact_kinds import ARTEFACT_KINDS
from .gates import CLIENT, Check, _not_available_yet, unmet_checks, waiting_for
from .models import Engagement, Phase, PurchaseOrder
from .permissions import can_add_sources, can_manage_engagement, is_client_owner_of
from .signing import State, owner_signature, state_of


@dataclass
class ArtefactRow:
    code: str
    label: str
    artefact: Any
    state: State | None
    signature: Any = None


@dataclass
class Overview:
    engagement: Engagement
    unmet: list[Check]
    waiting: str | None
    artefacts: dict[str, ArtefactRow]
    proforma: Any
    phases: list[dict[str, Any]] = field(default_factory=list)
    can_manage: bool = False
    can_add_sources: bool = False
    is_client_owner: bool = False
    modules: list[Any] = field(default_factory=list)
    outdated: list[Any] = field(default_factory=list)

    @property
    def waits_for_client(self) -> bool:
        return self.waiting == CLIENT

    @property
    def cannot_be_met(self) -> bool:
        """A check no action on this platform can satisfy yet: the move button is disabled."""
        return any(check.holds is _not_available_yet for check in self.unmet)


def _phases(current: int) -> list[dict[str, Any]]:
    return [
        {
            "number": phase.value,
            "label": phase.label,
            "state": "done" if phase < current else "current" if phase == current else "todo",
        }
        for phase in Phase
    ]


def overview(engagement: Engagement, member: Membership) -> Overview:
    unmet = unmet_checks(engagement)
    rows: dict[str, ArtefactRow] = {}
    for kind in ARTEFACT_KINDS:
        artefact = kind.current(engagement)
        needs = not (
            isinstance(artefact, PurchaseOrder) and artefact.kind == PurchaseOrder.Kind.UPLOADED
        )
        state = state_of(artefact, needs_signature=needs)
        signature = owner_signature(artefact) if artefact is not None and needs else None
        label = kind.label if needs else _("Purchase order")
        if isinstance(artefact, PurchaseOrder) and needs:
            label = _("Agreement equivalent to a purchase order")
        rows[kind.code] = ArtefactRow(kind.code, str(label), artefact, state, signature)
    proposal = rows["proposal"].artefact
    return Overview(
        engagement=engagement,
        unmet=unmet,
        waiting=waiting_for(unmet),
        artefacts=rows,
        proforma=selectors.proforma_for(proposal) if proposal else None,
        phases=_phases(engagement.phase),
        can_manage=can_manage_engagement(member, engagement),
        can_add_sources=can_add_sources(member, engagement),
        is_client_owner=is_client_owner_of(member, engagement),
        modules=_modules(engagement),
        outdated=list(outdated_versions(engagement)),
    )


def _modules(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {"module": module, "version": version}
        for module, version in scope_versions(engagement).items()
    ]


def board(engagements: list[Engagement]) -> list[dict[str, Any]]:
    """Engagements grouped by phase, each with what it waits for and from whom."""
    columns: list[dict[str, Any]] = [{"phase": phase, "items": []} for phase in Phase]
    for engagement in engagements:
        unmet = unmet_checks(engagement)
        columns[engagement.phase]["items"].append(
            {"engagement": engagement, "unmet": unmet, "waiting": waiting_for(unmet)}
        )
    return columns
