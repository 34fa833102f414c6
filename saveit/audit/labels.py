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
}

OBJECT_LABELS = {
    "accounts.organization": _("Organisation"),
    "accounts.user": _("Account"),
    "accounts.membership": _("Membership"),
    "accounts.invitation": _("Invitation"),
    "accounts.apitoken": _("API token"),
    "audit.document": _("Document"),
    "audit.signature": _("Signature"),
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
