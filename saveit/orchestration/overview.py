"""Everything the engagement page shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.catalog.selectors import outdated_versions, scope_versions
from saveit.engagements import selectors
from saveit.engagements.artefact_pages import has_page
from saveit.engagements.artefacts import artefact_kinds
from saveit.engagements.models import Engagement, Phase, Proposal, PurchaseOrder
from saveit.engagements.permissions import (
    can_add_sources,
    can_manage_engagement,
    is_client_owner_of,
    is_provider_staff,
)
from saveit.engagements.signing import (
    State,
    is_expired,
    owner_signature,
    proforma_is_intact,
    state_of,
)

from .gates import CLIENT, Check, awaited_people, gate_status


@dataclass
class ArtefactRow:
    code: str
    label: str
    artefact: Any
    state: State | None
    signature: Any = None
    has_page: bool = False  # its HTML page may be shown to this viewer
    expired: bool = False  # a proposal past its validity date, not signed in time


@dataclass
class Overview:
    engagement: Engagement
    unmet: list[Check]
    waiting: str | None
    artefacts: dict[str, ArtefactRow]
    proforma: Any
    proforma_intact: bool
    phases: list[dict[str, Any]] = field(default_factory=list)
    checklist: list[dict[str, Any]] = field(default_factory=list)
    awaited: str = ""
    can_manage: bool = False
    can_add_sources: bool = False
    is_client_owner: bool = False
    modules: list[Any] = field(default_factory=list)
    outdated: list[Any] = field(default_factory=list)

    @cached_property
    def pack(self) -> Any:
        from .services.closure import current_evidence_pack

        return current_evidence_pack(self.engagement)

    @property
    def closure_open(self) -> bool:
        """The closure artefacts can still be (re)issued by this member: the services' rule
        (phase 7, not closed), so the page offers only what they would accept."""
        engagement = self.engagement
        return (
            self.can_manage and engagement.phase == Phase.CLOSURE and engagement.closed_at is None
        )

    @property
    def waits_for_client(self) -> bool:
        return self.waiting == CLIENT


def _phases(current: int) -> list[dict[str, Any]]:
    return [
        {
            "number": phase.value,
            "label": phase.label,
            "state": "done" if phase < current else "current" if phase == current else "todo",
        }
        for phase in Phase
    ]


def person_name(member: Membership) -> str:
    return member.user.full_name or member.user.email


def awaited_names(engagement: Engagement, party: str | None) -> str:
    return ", ".join(person_name(m) for m in awaited_people(engagement, party))


def overview(engagement: Engagement, member: Membership) -> Overview:
    status = gate_status(engagement)
    unmet = status.unmet
    rows: dict[str, ArtefactRow] = {}
    for kind in artefact_kinds():
        artefact = kind.current(engagement)
        needs = kind.signed and not (
            isinstance(artefact, PurchaseOrder) and artefact.kind == PurchaseOrder.Kind.UPLOADED
        )
        state = state_of(artefact, needs_signature=needs)
        signature = owner_signature(artefact) if artefact is not None and needs else None
        label = kind.label
        if isinstance(artefact, PurchaseOrder):
            label = _("Agreement equivalent to a purchase order") if needs else _("Purchase order")
        page = (
            artefact is not None
            and has_page(artefact)
            and (artefact.is_issued or is_provider_staff(member))
        )
        expired = (
            isinstance(artefact, Proposal)
            and state == State.AWAITING_SIGNATURE
            and is_expired(artefact)
        )
        rows[kind.code] = ArtefactRow(
            kind.code, str(label), artefact, state, signature, page, expired
        )
    proposal = rows["proposal"].artefact
    proforma = selectors.proforma_for(proposal) if proposal else None
    return Overview(
        engagement=engagement,
        unmet=unmet,
        waiting=status.waiting_for,
        awaited=awaited_names(engagement, status.waiting_for),
        checklist=[
            {"check": check, "met": check not in unmet, "party": status.parties.get(check.name)}
            for check in status.checks
        ],
        artefacts=rows,
        proforma=proforma,
        proforma_intact=proforma is None or proforma_is_intact(proforma),
        phases=_phases(engagement.phase),
        can_manage=can_manage_engagement(member),
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
        status = gate_status(engagement)
        columns[engagement.phase]["items"].append(
            {
                "engagement": engagement,
                "unmet": status.unmet,
                "waiting": status.waiting_for,
                "awaited": awaited_names(engagement, status.waiting_for),
            }
        )
    return columns
