"""Readable names for audit actions and object types; the code stays the stable key."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "organization.created": _("Organisation created"),
    "organization.updated": _("Organisation details changed"),
    "user.created": _("Account created"),
    "user.totp_enrolled": _("Authenticator app set up"),
    "user.recovery_codes_regenerated": _("Recovery codes renewed"),
    "membership.granted": _("Role granted"),
    "membership.role_changed": _("Role changed"),
    "membership.deactivated": _("Access removed"),
    "membership.reactivated": _("Access restored"),
    "invitation.sent": _("Invitation sent"),
    "invitation.accepted": _("Invitation accepted"),
    "invitation.revoked": _("Invitation withdrawn"),
    "api_token.issued": _("API token created"),
    "api_token.revoked": _("API token revoked"),
    "document.uploaded": _("Document added"),
    "document.signed": _("Document signed"),
    "engagement.created": _("Engagement created"),
    "engagement.phase_advanced": _("Moved to the next phase"),
    "engagement.phase_reopened": _("Earlier phase reopened"),
    "engagement.interview_recorded": _("Scoping interview recorded"),
    "engagement.scoping_note_saved": _("Scoping note draft saved"),
    "engagement.artefact_issued": _("Issued for signature"),
    "engagement.proposal_saved": _("Proposal draft saved"),
    "engagement.proforma_issued": _("Proforma invoice issued"),
    "engagement.purchase_order_received": _("Purchase order received"),
    "engagement.contract_terms_updated": _("Contract terms changed"),
    "source.version_uploaded": _("Source document version uploaded"),
    "source.version_put_in_force": _("Source document version put in force"),
    "source.version_analysed": _("Source document version analysed"),
    "module.created": _("Module created"),
    "module.version_created": _("New module version started"),
    "module.settings_saved": _("Module settings saved"),
    "module.lesson_saved": _("Lesson saved"),
    "module.lesson_deleted": _("Lesson deleted"),
    "module.block_saved": _("Lesson content saved"),
    "module.block_deleted": _("Lesson content deleted"),
    "module.item_saved": _("Question saved"),
    "module.item_deleted": _("Question deleted"),
    "module.proposals_accepted": _("Proposed content accepted"),
    "module.version_submitted": _("Module version submitted to the client"),
    "module.comment_added": _("Client comment on a module"),
    "module.changes_requested": _("Changes requested by the client"),
    "module.version_approved": _("Module version approved by the client"),
    "module.versions_activated": _("Module versions activated"),
    "population.created": _("Population created"),
    "population.imported": _("Learners imported into a population"),
    "population.learner_added": _("Learner added to a population"),
    "population.learner_removed": _("Learner removed from a population"),
    "assignment.population": _("Module assigned to a population"),
    "assignment.learners": _("Module assigned to learners"),
    "learner.signed_in_by_link": _("Learner signed in with an e-mailed link"),
    "user.password_set": _("Password chosen"),
    "user.reauth_locked": _("Identity confirmation locked after wrong attempts"),
    "organization.second_factor_policy_changed": _("Second-factor rule changed"),
    "attempt.submitted": _("Assessment attempt submitted"),
    "attestation.issued": _("Attestation issued"),
    "attestation_signature.updated": _("Attestation signature changed"),
    "attestation.revoked": _("Attestation revoked"),
    "recertification.launched": _("Re-certification campaign launched"),
    "module.version_outdated": _("Module version outdated by a procedure change"),
    "engagement.evidence_sealed": _("Evidence pack sealed"),
    "engagement.closed": _("Engagement closed"),
    "engagement.reopened": _("Closed engagement reopened"),
    "learner.updated": _("Learner details changed"),
    "recertification.due_date_changed": _("Re-certification due date changed"),
    "attendance.session_created": _("Training session planned"),
    "attendance.slot_added": _("Half-day added to a session"),
    "attendance.participants_added": _("Participants added to a session"),
    "attendance.session_cancelled": _("Training session cancelled"),
    "attendance.convocations_sent": _("Convocations sent"),
    "attendance.signed": _("Attendance signed by the learner"),
    "attendance.recorded": _("Attendance recorded by the trainer"),
    "attendance.trainer_signed": _("Attendance sheet signed by the trainer"),
    "attendance.paper_sheet_uploaded": _("Signed paper attendance sheet uploaded"),
    "recertification.expiry": _("Expired attestations: active version assigned again"),
    "attestation.withheld": _("Attestation withheld for insufficient attendance"),
}

OBJECT_LABELS = {
    "accounts.organization": _("Organisation"),
    "accounts.user": _("Account"),
    "accounts.membership": _("Membership"),
    "accounts.invitation": _("Invitation"),
    "accounts.apitoken": _("API token"),
    "audit.document": _("Document"),
    "audit.signature": _("Signature"),
    "engagements.engagement": _("Engagement"),
    "engagements.contractterms": _("Contract terms"),
    "catalog.moduleversion": _("Module version"),
    "learning.population": _("Population"),
    "learning.learner": _("Learner"),
    "learning.attempt": _("Attempt"),
    "learning.recertificationcampaign": _("Re-certification campaign"),
    "certificates.attestation": _("Attestation"),
    "attendance.trainingsession": _("Training session"),
    "attendance.slot": _("Half-day"),
    "learning.assignment": _("Assignment"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def object_label(code: str) -> str:
    return str(OBJECT_LABELS.get(code, code))


# The reasons verify_chain gives (stable English for the command and the API), for the pages.
CHAIN_REASONS = {
    "missing or reordered event": _("missing or reordered event"),
    "previous hash does not match": _("previous hash does not match"),
    "event content was modified": _("event content was modified"),
    "origin (IP or user agent) was modified": _("origin (IP or user agent) was modified"),
    "events missing at the end of the chain": _("events missing at the end of the chain"),
}


def chain_reason(reason: str) -> str:
    return str(CHAIN_REASONS.get(reason, reason))
