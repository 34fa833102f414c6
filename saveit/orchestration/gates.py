"""The gate table: what must hold before an engagement leaves each phase (SPEC §2).

The whole workflow is readable here. Each check has a name (stable, used by the API and tests),
a message for the user, and who the engagement waits for while it is unmet. Checks of phases
3 to 7 refer to data that later parts of the platform add (modules, acceptance records,
assignments, closure documents); until those exist the checks cannot hold, so no engagement can
go past phase 3 by mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership
from saveit.catalog.models import ModuleVersion
from saveit.catalog.selectors import current_acceptance_record, scope_versions
from saveit.documents.selectors import in_force_versions
from saveit.engagements import selectors
from saveit.engagements.models import Engagement, Phase, PurchaseOrder
from saveit.engagements.signing import (
    State,
    is_expired,
    proforma_is_intact,
    signed_in_time,
    state_of,
)
from saveit.reporting.artefacts import current_completion_report


def in_force_version_ids(engagement: Engagement) -> list[int]:
    return [version.pk for version in in_force_versions(engagement)]


CLIENT = "client"
PROVIDER = "provider"


class GateContext:
    """One engagement and its current artefacts, each fetched once per evaluation."""

    def __init__(self, engagement: Engagement) -> None:
        self.engagement = engagement

    @cached_property
    def note_state(self) -> State | None:
        return state_of(selectors.current_scoping_note(self.engagement))

    @cached_property
    def report(self):
        return selectors.current_mapping_report(self.engagement)

    @cached_property
    def report_state(self) -> State | None:
        return state_of(self.report)

    @cached_property
    def proposal(self):
        return selectors.current_proposal(self.engagement)

    @cached_property
    def proposal_state(self) -> State | None:
        return state_of(self.proposal)

    @cached_property
    def proposal_accepted(self) -> bool:
        """Signed by the client, on or before its validity date."""
        return self.proposal_state == State.SIGNED and signed_in_time(self.proposal)

    @cached_property
    def proforma(self):
        return selectors.proforma_for(self.proposal) if self.proposal is not None else None

    @cached_property
    def proforma_intact(self) -> bool:
        return self.proforma is not None and proforma_is_intact(self.proforma)

    @cached_property
    def order(self) -> PurchaseOrder | None:
        return selectors.current_purchase_order(self.engagement)

    @cached_property
    def order_state(self) -> State | None:
        order = self.order
        if order is None:
            return None
        return state_of(order, needs_signature=order.kind == PurchaseOrder.Kind.AGREEMENT)

    @cached_property
    def scope(self):
        return scope_versions(self.engagement)

    @cached_property
    def record(self):
        return current_acceptance_record(self.engagement)

    @cached_property
    def record_state(self) -> State | None:
        return state_of(self.record)

    @cached_property
    def completion_report(self):
        return current_completion_report(self.engagement)

    @cached_property
    def delivery_note(self):
        return selectors.current_delivery_note(self.engagement)

    @cached_property
    def delivery_note_state(self) -> State | None:
        return state_of(self.delivery_note)


@dataclass(frozen=True)
class Check:
    name: str
    message: str | Promise
    holds: Callable[[GateContext], bool]
    waits_for: str = PROVIDER
    done: str | Promise = ""  # what the checklist says once the check holds
    # For a client's signature: the client can act only once the provider has issued the
    # artefact (and it is still valid); until then the check waits for the provider.
    client_can_act: Callable[[GateContext], bool] | None = None

    def party(self, ctx: GateContext) -> str:
        """Who must act now for this check to hold."""
        if self.waits_for == CLIENT and self.client_can_act and not self.client_can_act(ctx):
            return PROVIDER
        return self.waits_for


def _not_altered(state: State | None) -> bool:
    return state != State.ALTERED


def _report_is_current(ctx: GateContext) -> bool:
    report = ctx.report
    if report is None:
        return True  # reported by mapping_report_signed
    listed = set(report.snapshot.get("version_ids", []))
    return listed == set(in_force_version_ids(ctx.engagement))


def _proposal_in_time(ctx: GateContext) -> bool:
    state = ctx.proposal_state
    if state == State.SIGNED:
        return ctx.proposal_accepted
    if state == State.AWAITING_SIGNATURE:
        return not is_expired(ctx.proposal)
    return True  # no proposal, a draft, or an altered one: reported by the other checks


def _proforma_for_signed_proposal(ctx: GateContext) -> bool:
    return ctx.proforma is not None and ctx.proforma_intact


def _order_for_proposal(ctx: GateContext) -> bool:
    order = ctx.order
    return (
        order is not None
        and ctx.proposal is not None
        and order.proposal_id == ctx.proposal.pk
        and ctx.order_state == State.SIGNED
    )


def _scope_approved(ctx: GateContext) -> bool:
    done = (ModuleVersion.Status.APPROVED, ModuleVersion.Status.ACTIVE)
    return bool(ctx.scope) and all(v is not None and v.status in done for v in ctx.scope.values())


def _record_lists_scope(ctx: GateContext) -> bool:
    record = ctx.record
    if record is None or ctx.record_state != State.SIGNED:
        return True  # reported by acceptance_record_signed
    listed = {m["version_id"] for m in record.snapshot["modules"]}
    scope = ctx.scope.values()
    return all(
        v is not None and v.pk in listed and v.status == ModuleVersion.Status.ACTIVE for v in scope
    )


def _completion_report_current(ctx: GateContext) -> bool:
    from .services.closure import report_is_current

    return ctx.completion_report is None or report_is_current(ctx.engagement)


def _pack_is_current(ctx: GateContext) -> bool:
    from .services.closure import pack_is_current

    return pack_is_current(ctx.engagement)


def _population_assigned(ctx: GateContext) -> bool:
    return ctx.engagement.assignments.filter(population__isnull=False).exists()


GATES: dict[int, list[Check]] = {
    Phase.SCOPING: [
        Check(
            "scoping_interview_recorded",
            _("The scoping interview has not been recorded."),
            lambda ctx: ctx.engagement.interviews.exists(),
            done=_("The scoping interview is recorded."),
        ),
        Check(
            "scoping_note_signed",
            _("The scoping note has not been signed by the client's content owner."),
            lambda ctx: ctx.note_state == State.SIGNED,
            CLIENT,
            done=_("The scoping note is signed by the client's content owner."),
            client_can_act=lambda ctx: ctx.note_state == State.AWAITING_SIGNATURE,
        ),
        Check(
            "scoping_note_intact",
            _("The scoping note changed after it was issued: issue a new revision for signature."),
            lambda ctx: _not_altered(ctx.note_state),
            done=_("The scoping note is unchanged since it was issued."),
        ),
    ],
    Phase.MAPPING: [
        Check(
            "sources_uploaded",
            _("No source document in force has been uploaded."),
            lambda ctx: bool(in_force_version_ids(ctx.engagement)),
            CLIENT,
            done=_("Source documents in force are uploaded."),
        ),
        Check(
            "mapping_report_signed",
            _("The mapping report has not been acknowledged (signed) by the client."),
            lambda ctx: ctx.report_state == State.SIGNED,
            CLIENT,
            done=_("The mapping report is acknowledged (signed) by the client."),
            client_can_act=lambda ctx: ctx.report_state == State.AWAITING_SIGNATURE,
        ),
        Check(
            "mapping_report_current",
            _("Source documents changed after the mapping report: generate it again."),
            _report_is_current,
            done=_("The mapping report covers the source documents in force."),
        ),
        Check(
            "mapping_report_intact",
            _("The mapping report changed after it was issued: generate a new one."),
            lambda ctx: _not_altered(ctx.report_state),
            done=_("The mapping report is unchanged since it was issued."),
        ),
    ],
    Phase.CONTRACT: [
        Check(
            "proposal_signed",
            _("The technical proposal has not been validated (signed) by the client."),
            lambda ctx: ctx.proposal_accepted,
            CLIENT,
            done=_("The technical proposal is validated (signed) by the client."),
            client_can_act=lambda ctx: (
                ctx.proposal_state == State.AWAITING_SIGNATURE and not is_expired(ctx.proposal)
            ),
        ),
        Check(
            "proposal_valid",
            _(
                "The proposal's validity date passed before the client signed it: issue a new "
                "revision with a new validity date."
            ),
            _proposal_in_time,
            done=_("The proposal was signed within its validity date."),
        ),
        Check(
            "proposal_intact",
            _("The proposal changed after it was issued: issue a new revision for signature."),
            lambda ctx: _not_altered(ctx.proposal_state),
            done=_("The proposal is unchanged since it was issued."),
        ),
        Check(
            "proforma_issued",
            _("No proforma invoice has been issued for the signed proposal."),
            _proforma_for_signed_proposal,
            done=_("The proforma invoice is issued for the signed proposal."),
        ),
        Check(
            "proforma_intact",
            _("The proforma invoice changed after it was issued: it is no longer valid."),
            lambda ctx: ctx.proforma is None or ctx.proforma_intact,
            done=_("The proforma invoice is unchanged since it was issued."),
        ),
        Check(
            "purchase_order_received",
            _("No purchase order or signed equivalent agreement has been received."),
            _order_for_proposal,
            CLIENT,
            done=_("The purchase order (or signed equivalent agreement) is received."),
        ),
        Check(
            "purchase_order_intact",
            _("The purchase order changed after it was received: receive it again."),
            lambda ctx: _not_altered(ctx.order_state),
            done=_("The purchase order is unchanged since it was received."),
        ),
    ],
    Phase.PRODUCTION: [
        Check(
            "modules_defined",
            _("No certifying module has been created for the engagement's scope."),
            lambda ctx: bool(ctx.scope),
            done=_("The engagement's certifying modules are created."),
        ),
        Check(
            "modules_submitted",
            _("Every module in scope must have a version submitted for the client's validation."),
            lambda ctx: bool(ctx.scope) and all(v is not None for v in ctx.scope.values()),
            done=_("Every module in scope has a version submitted for validation."),
        ),
    ],
    Phase.VALIDATION: [
        Check(
            "modules_approved",
            _("The client has not approved the version in scope of every module."),
            _scope_approved,
            CLIENT,
            done=_("The client approved the version in scope of every module."),
        ),
        Check(
            "acceptance_record_signed",
            _("The validation and activation record has not been signed by the client."),
            lambda ctx: ctx.record_state == State.SIGNED,
            CLIENT,
            done=_("The validation and activation record is signed."),
            client_can_act=lambda ctx: ctx.record_state == State.AWAITING_SIGNATURE,
        ),
        Check(
            "acceptance_record_current",
            _("The signed record does not list the versions in scope: generate it again."),
            _record_lists_scope,
            done=_("The record lists exactly the versions in scope, now active."),
        ),
        Check(
            "acceptance_record_intact",
            _("The validation record changed after it was issued: generate a new one."),
            lambda ctx: _not_altered(ctx.record_state),
            done=_("The validation record is unchanged since it was issued."),
        ),
    ],
    Phase.DEPLOYMENT: [
        Check(
            "population_assigned",
            _("No population has been assigned a module yet."),
            _population_assigned,
            CLIENT,
            done=_("A population has been assigned a module."),
        ),
    ],
    # Leaving tracking is the provider's decision: no precondition beyond making it.
    Phase.TRACKING: [],
    Phase.CLOSURE: [
        Check(
            "completion_report_generated",
            _("The completion report has not been generated."),
            lambda ctx: ctx.completion_report is not None,
            done=_("The completion report is generated."),
        ),
        Check(
            "completion_report_current",
            _(
                "Figures changed after the completion report (a learner progressed) or the report "
                "was altered: generate it again."
            ),
            _completion_report_current,
            done=_("The completion report gives the current figures."),
        ),
        Check(
            "delivery_note_signed",
            _("The delivery note has not been signed by the client."),
            lambda ctx: ctx.delivery_note_state == State.SIGNED,
            CLIENT,
            done=_("The delivery note is signed by the client."),
            client_can_act=lambda ctx: ctx.delivery_note_state == State.AWAITING_SIGNATURE,
        ),
        Check(
            "delivery_note_intact",
            _("The delivery note changed after it was issued: issue a new one."),
            lambda ctx: _not_altered(ctx.delivery_note_state),
            done=_("The delivery note is unchanged since it was issued."),
        ),
        Check(
            "evidence_pack_sealed",
            _(
                "The evidence pack has not been sealed with the current completion report and "
                "signed delivery note."
            ),
            lambda ctx: _pack_is_current(ctx),
            done=_("The evidence pack is sealed."),
        ),
    ],
}


@dataclass(frozen=True)
class GateStatus:
    """The gate of an engagement's current phase, evaluated once."""

    checks: list[Check]
    unmet: list[Check]
    parties: dict[str, str]  # name of each unmet check → who must act now

    @property
    def waiting_for(self) -> str | None:
        """Whose action the engagement waits for: that of the first unmet check, in table order."""
        return self.parties[self.unmet[0].name] if self.unmet else None


def gate_status(engagement: Engagement) -> GateStatus:
    ctx = GateContext(engagement)
    checks = GATES[engagement.phase]
    unmet = [check for check in checks if not check.holds(ctx)]
    return GateStatus(checks, unmet, {check.name: check.party(ctx) for check in unmet})


def unmet_checks(engagement: Engagement) -> list[Check]:
    return gate_status(engagement).unmet


def awaited_people(engagement: Engagement, party: str | None) -> list[Membership]:
    """The people behind a party: the client's named content owner (else every current owner),
    or the engagement's project manager."""
    if party == CLIENT:
        return selectors.awaited_client_owners(engagement)
    if party == PROVIDER:
        return [engagement.project_manager]
    return []
