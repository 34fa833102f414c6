"""Every URL route and API operation, with how to aim it at another organisation's data.

The tenancy test fails for any route missing here, so a new route cannot escape it: add an
entry that builds the route's arguments from the World's objects of organisation A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saveit.accounts.models import ApiToken, Invitation, Membership, Organization
from saveit.audit.models import Document


@dataclass
class World:
    """Organisation A with one object of each kind; its members' data must never leak."""

    org: Organization
    owner: Membership
    learner: Membership
    invitation: Invitation
    token: ApiToken
    document: Document
    marker: str
    extra: dict[str, Any] = field(default_factory=dict)


Args = Callable[[World], dict[str, Any]]


def _none(world: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Call:
    """How to call a route: path arguments, method, query and body built from the World.

    kind:
      "object" — the call targets A's object: a user of B must get 403 or 404;
      "own"    — the call takes no id of A (lists, own pages): it must not show A's data;
      "public" — reachable without an account (sign-in, health, token links).
    """

    kwargs: Args = _none
    method: str = "get"
    query: Args = _none
    body: Args = _none
    kind: str = "object"


OWN = Call(kind="own")
OWN_POST = Call(kind="own", method="post")
PUBLIC = Call(kind="public")


def org(w: World) -> dict[str, Any]:
    return {"org_id": w.org.pk}


def owner_membership(w: World) -> dict[str, Any]:
    return {"membership_id": w.owner.pk}


def document(w: World) -> dict[str, Any]:
    return {"document_id": w.document.pk}


HTML_ROUTES: dict[str, Call] = {
    "core:home": OWN,
    "core:health": PUBLIC,
    "set_language": Call(kind="public", method="post"),
    "accounts:login": PUBLIC,
    "accounts:logout": OWN_POST,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": Call(
        kind="public", kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "accounts:password_reset_complete": PUBLIC,
    "accounts:otp_verify": OWN,
    "accounts:otp_recovery_codes": OWN,
    "accounts:security": OWN,
    "accounts:switch": Call(method="post", body=lambda w: {"membership": w.owner.pk}),
    # The link carries its own secret: whoever holds it may open it, by design.
    "accounts:invitation_accept": Call(kind="public", kwargs=lambda w: {"token": "forged"}),
    "accounts:organization_list": OWN,
    "accounts:organization_create": Call(
        kind="own", method="post", body=lambda w: {"kind": "client", "name": w.marker + " bis"}
    ),
    "accounts:organization_detail": Call(kwargs=org),
    "accounts:organization_edit": Call(kwargs=org, method="post", body=lambda w: {"name": "x"}),
    "accounts:member_invite": Call(
        kwargs=org,
        method="post",
        body=lambda w: {"email": "someone@beta-transports.fr", "role": "learner"},
    ),
    "accounts:member_role": Call(
        kwargs=owner_membership, method="post", body=lambda w: {"role": "learner"}
    ),
    "accounts:member_active": Call(
        kwargs=owner_membership, method="post", body=lambda w: {"active": "0"}
    ),
    "accounts:invitation_revoke": Call(
        kwargs=lambda w: {"invitation_id": w.invitation.pk}, method="post"
    ),
    "accounts:token_list": OWN,
    "accounts:token_revoke": Call(kwargs=lambda w: {"token_id": w.token.pk}, method="post"),
    "audit:trail": Call(query=lambda w: {"org": w.org.pk}),
    "audit:object_trail": Call(
        kwargs=lambda w: {"object_type": "accounts.organization", "object_id": str(w.org.pk)},
        query=lambda w: {"org": w.org.pk},
    ),
    "audit:trail_csv": Call(query=lambda w: {"org": w.org.pk}),
    "audit:trail_json": Call(query=lambda w: {"org": w.org.pk}),
    "audit:trail_verify": Call(
        method="post", query=lambda w: {"org": w.org.pk}, body=lambda w: {"org": w.org.pk}
    ),
    "audit:document_list": OWN,
    "audit:document_detail": Call(kwargs=document),
    "audit:document_file": Call(kwargs=document),
    "audit:document_sign": Call(
        kwargs=document,
        method="post",
        body=lambda w: {"intent": "ok", "password": "correct-horse-battery-staple"},
    ),
}

API_ROUTES: dict[str, Call] = {
    "saveit_accounts_api_me": OWN,
    "saveit_accounts_api_list_organizations": OWN,
    "saveit_accounts_api_create_organization": Call(
        kind="own", method="post", body=lambda w: {"name": "x", "kind": "client"}
    ),
    "saveit_accounts_api_get_organization": Call(kwargs=org),
    "saveit_accounts_api_update_organization": Call(
        kwargs=org, method="patch", body=lambda w: {"name": "x"}
    ),
    "saveit_accounts_api_list_members": Call(kwargs=org),
    "saveit_accounts_api_update_membership": Call(
        kwargs=owner_membership, method="patch", body=lambda w: {"role": "learner"}
    ),
    "saveit_accounts_api_list_invitations": Call(kwargs=org),
    "saveit_accounts_api_invite": Call(
        kwargs=org,
        method="post",
        body=lambda w: {"email": "someone@beta-transports.fr", "role": "learner"},
    ),
    "saveit_accounts_api_revoke_invitation": Call(
        kwargs=lambda w: {"invitation_id": w.invitation.pk}, method="delete"
    ),
    "saveit_accounts_api_list_tokens": OWN,
    "saveit_accounts_api_create_token": Call(
        kind="own", method="post", body=lambda w: {"name": "t"}
    ),
    "saveit_accounts_api_revoke_token": Call(
        kwargs=lambda w: {"token_id": w.token.pk}, method="delete"
    ),
    "saveit_audit_api_trail_list_events": Call(query=lambda w: {"org_id": w.org.pk}),
    "saveit_audit_api_trail_verify": Call(query=lambda w: {"org_id": w.org.pk}),
    "saveit_audit_api_documents_list_documents": OWN,
    "saveit_audit_api_documents_upload_document": OWN_POST,
    "saveit_audit_api_documents_get_document": Call(kwargs=document),
    "saveit_audit_api_documents_sign_document": Call(
        kwargs=document,
        method="post",
        body=lambda w: {"intent": "ok", "password": "correct-horse-battery-staple"},
    ),
    "saveit_audit_api_documents_verify_document": Call(kwargs=document),
}
