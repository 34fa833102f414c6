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
    upload: bool = False  # multipart with a file, as the route expects


OWN = Call(kind="own")
OWN_POST = Call(kind="own", method="post")
PUBLIC = Call(kind="public")


def org(w: World) -> dict[str, Any]:
    return {"org_id": w.org.pk}


def owner_membership(w: World) -> dict[str, Any]:
    return {"membership_id": w.owner.pk}


def document(w: World) -> dict[str, Any]:
    return {"document_id": w.document.pk}


def engagement(w: World) -> dict[str, Any]:
    return {"engagement_id": w.extra["engagement"].pk}


def version(w: World) -> dict[str, Any]:
    return {"engagement_id": w.extra["engagement"].pk, "version_id": w.extra["version"].pk}


def module_version(w: World) -> dict[str, Any]:
    return {"version_id": w.extra["module_version"].pk}


def mv_post(extra: Callable[[World], dict[str, Any]] = _none, body: Args = _none) -> Call:
    return Call(kwargs=lambda w: {**module_version(w), **extra(w)}, method="post", body=body)


def lesson_of(w: World) -> dict[str, Any]:
    return {"lesson_id": w.extra["lesson"].pk}


def item_of(w: World) -> dict[str, Any]:
    return {"item_id": w.extra["item"].pk}


def engagement_post(body: Args = _none) -> Call:
    return Call(kwargs=engagement, method="post", body=body)


ENGAGEMENT_HTML: dict[str, Call] = {
    "engagements:list": OWN,
    "engagements:create": Call(kind="own", method="post", body=lambda w: {"title": "x"}),
    "engagements:to_sign": OWN,
    "engagements:contract_terms": Call(
        kwargs=lambda w: {"client_id": w.extra["engagement"].client_id},
        method="post",
        body=lambda w: {"payment_days": "1"},
    ),
    "engagements:detail": Call(kwargs=engagement),
    "engagements:advance": engagement_post(),
    "engagements:reopen": engagement_post(
        lambda w: {"to_phase": 0, "reason": "a good reason", "changes_scope": "no"}
    ),
    "engagements:interview_add": engagement_post(
        lambda w: {"held_on": "2026-01-05", "participants": "x", "notes": "y"}
    ),
    "engagements:note_edit": engagement_post(lambda w: {"objectives": "x"}),
    "engagements:note_issue": engagement_post(),
    "engagements:mapping_report": engagement_post(),
    "engagements:proposal_edit": engagement_post(lambda w: {"need": "x"}),
    "engagements:proposal_issue": engagement_post(),
    "engagements:proforma": engagement_post(),
    "engagements:proforma_page": Call(
        kwargs=lambda w: {**engagement(w), "proforma_id": w.extra["proforma"].pk}
    ),
    "engagements:purchase_order": engagement_post(),
    "engagements:purchase_agreement": engagement_post(),
    "engagements:pdf": Call(
        kwargs=lambda w: {**engagement(w), "document_id": w.extra["note_document"].pk}
    ),
    "engagements:read_and_sign": Call(
        kwargs=lambda w: {**engagement(w), "document_id": w.extra["note_document"].pk}
    ),
    "engagements:artefact": Call(
        kwargs=lambda w: {**engagement(w), "kind": "scoping_note", "revision": 1}
    ),
    "documents:sources": Call(kwargs=engagement),
    "documents:version": Call(kwargs=version),
    "documents:version_file": Call(kwargs=version),
    "documents:version_put_in_force": Call(kwargs=version, method="post"),
}

ENGAGEMENT_API: dict[str, Call] = {
    "saveit_orchestration_api_list_engagements": OWN,
    "saveit_orchestration_api_list_to_sign": OWN,
    "saveit_orchestration_api_get_contract_terms": Call(
        kwargs=lambda w: {"client_id": w.extra["engagement"].client_id}
    ),
    "saveit_orchestration_api_update_contract_terms": Call(
        kwargs=lambda w: {"client_id": w.extra["engagement"].client_id},
        method="put",
        body=lambda w: {"payment_days": 1},
    ),
    "saveit_orchestration_api_create_engagement": Call(
        method="post", body=lambda w: {"client_id": w.extra["engagement"].client_id, "title": "x"}
    ),
    "saveit_orchestration_api_get_engagement": Call(kwargs=engagement),
    "saveit_orchestration_api_advance_engagement": engagement_post(),
    "saveit_orchestration_api_reopen_engagement": engagement_post(
        lambda w: {"to_phase": 0, "reason": "a good reason", "changes_scope": False}
    ),
    "saveit_orchestration_api_engagement_timeline": Call(kwargs=engagement),
    "saveit_orchestration_api_record_interview": engagement_post(
        lambda w: {"held_on": "2026-01-05", "participants": "x", "notes": "y"}
    ),
    "saveit_orchestration_api_save_scoping_note": Call(
        kwargs=engagement, method="put", body=lambda w: {"objectives": "x"}
    ),
    "saveit_orchestration_api_issue_scoping_note": engagement_post(),
    "saveit_orchestration_api_generate_mapping_report": engagement_post(),
    "saveit_orchestration_api_save_proposal": Call(
        kwargs=engagement,
        method="put",
        body=lambda w: {"need": "x", "lines": [], "deliverables": []},
    ),
    "saveit_orchestration_api_issue_proposal": engagement_post(),
    "saveit_orchestration_api_issue_proforma": engagement_post(),
    "saveit_orchestration_api_upload_purchase_order": Call(
        kwargs=engagement, method="post", upload=True
    ),
    "saveit_orchestration_api_issue_purchase_agreement": engagement_post(),
    "saveit_documents_api_list_sources": Call(kwargs=engagement),
    "saveit_documents_api_upload_source": Call(
        kwargs=engagement, method="post", upload=True, body=lambda w: {"version_label": "2"}
    ),
    "saveit_documents_api_get_source_version": Call(kwargs=version),
    "saveit_documents_api_download_source_version": Call(kwargs=version),
    "saveit_documents_api_put_source_version_in_force": Call(kwargs=version, method="post"),
}

ITEM_BODY = {"kind": "true_false", "prompt": "x", "correct": [0], "source_anchors": ["1"]}

CATALOG_HTML: dict[str, Call] = {
    "catalog:modules": Call(kwargs=engagement),
    "catalog:acceptance_record": engagement_post(),
    "catalog:version": Call(kwargs=module_version),
    "catalog:settings": mv_post(body=lambda w: {"title": "x"}),
    "catalog:lesson_add": mv_post(body=lambda w: {"title": "x"}),
    "catalog:lesson_edit": mv_post(lesson_of, body=lambda w: {"title": "x"}),
    "catalog:lesson_delete": mv_post(lesson_of),
    "catalog:lesson_move": mv_post(lesson_of, body=lambda w: {"direction": "up"}),
    "catalog:block_add": mv_post(lesson_of, body=lambda w: {"kind": "text", "html": "x"}),
    "catalog:block_delete": mv_post(lambda w: {"block_id": w.extra["block"].pk}),
    "catalog:block_edit": mv_post(
        lambda w: {"block_id": w.extra["block"].pk}, lambda w: {"html": "x"}
    ),
    "catalog:block_move": mv_post(
        lambda w: {"block_id": w.extra["block"].pk}, lambda w: {"direction": "up"}
    ),
    "catalog:item_add": mv_post(body=lambda w: ITEM_BODY),
    "catalog:item_edit": mv_post(item_of, body=lambda w: ITEM_BODY),
    "catalog:item_delete": mv_post(item_of),
    "catalog:accept": mv_post(body=lambda w: {"key": ["L-a"]}),
    "catalog:submit": mv_post(),
    "catalog:deletion_undo": mv_post(lambda w: {"deleted_id": 1}),
    "catalog:new_version": mv_post(),
    "catalog:preview": Call(kwargs=module_version),
    "catalog:comment": mv_post(body=lambda w: {"body": "x"}),
    "catalog:approve": mv_post(),
    "catalog:request_changes": mv_post(body=lambda w: {"reason": "x"}),
    "catalog:diff": Call(
        kwargs=lambda w: {**module_version(w), "other_id": module_version(w)["version_id"]}
    ),
    "catalog:scorm": Call(kwargs=module_version),
    "catalog:block_file": Call(kwargs=lambda w: {**module_version(w), "sha256": "1" * 64}),
}

CATALOG_API: dict[str, Call] = {
    "saveit_catalog_api_list_modules": Call(kwargs=engagement),
    "saveit_catalog_api_create_module": Call(
        kwargs=engagement,
        method="post",
        body=lambda w: {"source_version_ids": [w.extra["version"].pk]},
    ),
    "saveit_catalog_api_get_version": Call(kwargs=module_version),
    "saveit_catalog_api_diff_version_diff": Call(
        kwargs=module_version, query=lambda w: {"against": w.extra["module_version"].pk}
    ),
    "saveit_catalog_api_put_settings": Call(
        kwargs=module_version, method="put", body=lambda w: {"title": "x"}
    ),
    "saveit_catalog_api_add_lesson": mv_post(body=lambda w: {"title": "x"}),
    "saveit_catalog_api_put_lesson": Call(
        kwargs=lambda w: {**module_version(w), **lesson_of(w)},
        method="put",
        body=lambda w: {"title": "x"},
    ),
    "saveit_catalog_api_delete_lesson": Call(
        kwargs=lambda w: {**module_version(w), **lesson_of(w)}, method="delete"
    ),
    "saveit_catalog_api_move_lesson": mv_post(lesson_of, body=lambda w: {"direction": "up"}),
    "saveit_catalog_api_add_block": Call(
        kwargs=lambda w: {**module_version(w), **lesson_of(w)},
        method="post",
        upload=True,
        body=lambda w: {"kind": "attachment"},
    ),
    "saveit_catalog_api_put_block": Call(
        kwargs=lambda w: {**module_version(w), "block_id": w.extra["block"].pk},
        method="put",
        body=lambda w: {"html": "x"},
    ),
    "saveit_catalog_api_delete_block": Call(
        kwargs=lambda w: {**module_version(w), "block_id": w.extra["block"].pk}, method="delete"
    ),
    "saveit_catalog_api_move_block": mv_post(
        lambda w: {"block_id": w.extra["block"].pk}, lambda w: {"direction": "up"}
    ),
    "saveit_catalog_api_add_item": mv_post(body=lambda w: ITEM_BODY),
    "saveit_catalog_api_put_item": Call(
        kwargs=lambda w: {**module_version(w), **item_of(w)}, method="put", body=lambda w: ITEM_BODY
    ),
    "saveit_catalog_api_accept": mv_post(body=lambda w: {"keys": ["L-a"]}),
    "saveit_catalog_api_submit": mv_post(),
    "saveit_catalog_api_new_version": mv_post(body=lambda w: {"major": False}),
    "saveit_catalog_api_comment": mv_post(body=lambda w: {"body": "x"}),
    "saveit_catalog_api_approve": mv_post(),
    "saveit_catalog_api_changes": mv_post(body=lambda w: {"reason": "x"}),
    "saveit_catalog_api_acceptance_record": engagement_post(),
    "saveit_catalog_api_scorm": Call(kwargs=module_version),
}


HTML_ROUTES: dict[str, Call] = {
    "web:home": OWN,
    "core:health": PUBLIC,
    "core:javascript_catalog": PUBLIC,
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
    "accounts:organization_second_factor": Call(
        kwargs=org, method="post", body=lambda w: {"second_factor_rule": "everyone"}
    ),
    "accounts:organization_signature": Call(
        kwargs=org,
        method="post",
        body=lambda w: {"signatory_name": "x", "signatory_role": "y"},
    ),
    "accounts:organization_signature_image": Call(kwargs=org),
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
    "accounts:security_events": OWN,
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
    "saveit_audit_api_trail_export": Call(query=lambda w: {"org_id": w.org.pk}),
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


def population(w: World) -> dict[str, Any]:
    return {"population_id": w.extra["population"].pk}


def batch(w: World) -> dict[str, Any]:
    return {"import_id": w.extra["import"].pk}


def assignment(w: World) -> dict[str, Any]:
    return {"assignment_id": w.extra["assignment"].pk}


def attestation(w: World) -> dict[str, Any]:
    return {"attestation_id": w.extra["attestation"].pk}


def campaign(w: World) -> dict[str, Any]:
    return {"campaign_id": w.extra["campaign"].pk}


LEARNING_HTML: dict[str, Call] = {
    "learning:deployment": Call(kwargs=engagement),
    "learning:assign": engagement_post(lambda w: {"version": w.extra["module_version"].pk}),
    "learning:population": Call(kwargs=population),
    "learning:import_upload": Call(kwargs=population, method="post", upload=True),
    "learning:member_remove": Call(
        kwargs=lambda w: {**population(w), "learner_id": w.extra["learner_record"].pk},
        method="post",
    ),
    "learning:member_edit": Call(
        kwargs=lambda w: {**population(w), "learner_id": w.extra["learner_record"].pk},
        method="post",
        body=lambda w: {"last_name": "x", "first_name": "y", "email": "x@beta-transports.fr"},
    ),
    "learning:campaign_due": Call(
        kwargs=campaign, method="post", body=lambda w: {"due_on": "2099-01-01"}
    ),
    "learning:import": Call(kwargs=batch),
    "learning:import_commit": Call(kwargs=batch, method="post"),
    "learning:import_discard": Call(kwargs=batch, method="post"),
    "learning:import_rejected": Call(kwargs=lambda w: {**batch(w), "fmt": "csv"}),
    # The blank template: no data of anyone.
    "learning:import_template": Call(kind="own", kwargs=lambda w: {"fmt": "csv"}),
    # The link carries its own secret: whoever holds it may open it, by design.
    "learning:sign_in_link": Call(kind="public", kwargs=lambda w: {"token": "forged"}),
    "learning:link_request": PUBLIC,
    "learning:my_trainings": OWN,
    "learning:password": OWN,
    "learning:training": Call(kwargs=assignment),
    "learning:lesson": Call(kwargs=lambda w: {**assignment(w), "key": "L-a"}),
    "learning:heartbeat": Call(kwargs=lambda w: {**assignment(w), "view_id": 1}, method="post"),
    "learning:file": Call(kwargs=lambda w: {**assignment(w), "sha256": "1" * 64}),
    "learning:assessment": Call(kwargs=assignment),
    "learning:submit": Call(kwargs=lambda w: {**assignment(w), "number": 1}, method="post"),
    "learning:result": Call(kwargs=lambda w: {**assignment(w), "number": 1}),
    "certificates:detail": Call(kwargs=attestation),
    "certificates:pdf": Call(kwargs=attestation),
    "certificates:badge": Call(kwargs=attestation),
    "certificates:revoke": Call(kwargs=attestation, method="post", body=lambda w: {"reason": "x"}),
    "certificates:engagement_zip": Call(kwargs=engagement, method="post"),
    # Public by design: verification shows a masked name, status JSON no personal data.
    "certificates:verify_form": PUBLIC,
    "certificates:verify": Call(kind="public", kwargs=lambda w: {"code": "forged"}),
    "certificates:credential": Call(kind="public", kwargs=lambda w: {"code": "forged"}),
    "certificates:issuer": PUBLIC,
    "certificates:achievement": Call(kind="public", kwargs=lambda w: {"token": "forged"}),
    # The revocation list: bits only, no personal data, public so verifiers can read it.
    "certificates:status_list": Call(kind="public", kwargs=lambda w: {"list_id": 1}),
    "certificates:jwks": PUBLIC,
}

LEARNING_API: dict[str, Call] = {
    "saveit_learning_api_list_populations": Call(kwargs=engagement),
    "saveit_learning_api_create_population": engagement_post(lambda w: {"name": "x"}),
    "saveit_learning_api_upload_import": Call(kwargs=population, method="post", upload=True),
    "saveit_learning_api_list_learners": Call(kwargs=population),
    "saveit_learning_api_commit_import": Call(kwargs=batch, method="post"),
    "saveit_learning_api_update_learner": Call(
        kwargs=lambda w: {**population(w), "learner_id": w.extra["learner_record"].pk},
        method="patch",
        body=lambda w: {"site": "x"},
    ),
    "saveit_learning_api_update_campaign": Call(
        kwargs=campaign, method="patch", body=lambda w: {"due_on": "2099-01-01"}
    ),
    "saveit_learning_api_assign": engagement_post(
        lambda w: {"version_id": w.extra["module_version"].pk, "learner_ids": [1]}
    ),
    "saveit_learning_api_my_assignments": OWN,
    "saveit_learning_api_start_attempt": Call(kwargs=assignment, method="post"),
    "saveit_learning_api_submit_attempt": Call(
        kwargs=lambda w: {**assignment(w), "number": 1},
        method="post",
        body=lambda w: {"answers": {}},
    ),
    "saveit_certificates_api_get_attestation": Call(kwargs=attestation),
    "saveit_certificates_api_revoke": Call(
        kwargs=attestation, method="post", body=lambda w: {"reason": "x"}
    ),
    "saveit_certificates_api_engagement_attestations_zip": engagement_post(),
}

HTML_ROUTES.update(ENGAGEMENT_HTML)
HTML_ROUTES.update(LEARNING_HTML)
API_ROUTES.update(LEARNING_API)
API_ROUTES.update(ENGAGEMENT_API)
HTML_ROUTES.update(CATALOG_HTML)
API_ROUTES.update(CATALOG_API)


def client(w: World) -> dict[str, Any]:
    return {"organization_id": w.org.pk}


def export(table: str, fmt: str) -> Args:
    return lambda w: {**engagement(w), "table": table, "fmt": fmt}


REPORTING_HTML: dict[str, Call] = {
    "reporting:overview": OWN,
    "reporting:client": Call(kwargs=client),
    "reporting:client_learners": Call(kwargs=client),
    "reporting:client_export": Call(
        kwargs=lambda w: {**client(w), "table": "learners", "fmt": "csv"}
    ),
    "reporting:engagement": Call(kwargs=engagement),
    "reporting:engagement_learners": Call(kwargs=engagement),
    "reporting:engagement_remind": Call(
        kwargs=lambda w: {**engagement(w), "learner_id": w.extra["learner_record"].pk},
        method="post",
    ),
    "reporting:client_remind": Call(
        kwargs=lambda w: {**client(w), "learner_id": w.extra["learner_record"].pk},
        method="post",
    ),
    "reporting:engagement_export": Call(kwargs=export("versions", "csv")),
}
REPORTING_API: dict[str, Call] = {
    "saveit_reporting_api_engagement_dashboard": Call(kwargs=engagement),
    "saveit_reporting_api_client_dashboard": Call(kwargs=client),
    "saveit_reporting_api_engagement_export": Call(
        kwargs=lambda w: {**engagement(w), "table": "learners"}, query=lambda w: {"format": "csv"}
    ),
    "saveit_reporting_api_client_export": Call(
        kwargs=lambda w: {**client(w), "table": "learners"}, query=lambda w: {"format": "csv"}
    ),
}
HTML_ROUTES.update(REPORTING_HTML)
API_ROUTES.update(REPORTING_API)


def pack(w: World) -> dict[str, Any]:
    return {**engagement(w), "revision": 1}


CLOSURE_HTML: dict[str, Call] = {
    "engagements:completion_report": engagement_post(),
    "engagements:delivery_note": engagement_post(),
    "engagements:seal": engagement_post(),
    "engagements:evidence_pack": Call(kwargs=pack),
    "engagements:reopen_closed": engagement_post(lambda w: {"reason": "x" * 20}),
}
CLOSURE_API: dict[str, Call] = {
    "saveit_orchestration_api_closure_generate_completion_report": engagement_post(),
    "saveit_orchestration_api_closure_issue_delivery_note": engagement_post(),
    "saveit_orchestration_api_closure_seal_evidence_pack": engagement_post(),
    "saveit_orchestration_api_closure_list_evidence_packs": Call(kwargs=engagement),
    "saveit_orchestration_api_closure_download_evidence_pack": Call(kwargs=pack),
    "saveit_orchestration_api_closure_reopen_closed": engagement_post(
        lambda w: {"reason": "x" * 20}
    ),
}
HTML_ROUTES.update(CLOSURE_HTML)
API_ROUTES.update(CLOSURE_API)


def invoice(w: World) -> dict[str, Any]:
    return {"invoice_id": w.extra["invoice"].pk}


def amendment(w: World) -> dict[str, Any]:
    return {"engagement_id": w.extra["engagement"].pk, "amendment_id": w.extra["amendment"].pk}


def invoice_post(body: Args = _none) -> Call:
    return Call(kwargs=invoice, method="post", body=body)


BILLING_HTML: dict[str, Call] = {
    "billing:invoices": OWN,
    "billing:invoice": Call(kwargs=invoice),
    "billing:invoice_pdf": Call(kwargs=invoice),
    "billing:invoice_xml": Call(kwargs=invoice),
    "billing:edit": Call(kwargs=invoice),
    "billing:issue": invoice_post(),
    "billing:delete": invoice_post(),
    "billing:credit_note": invoice_post(lambda w: {"reason": "x"}),
    "billing:record_payment": invoice_post(
        lambda w: {"method": "transfer", "amount": "1", "received_on": "2026-12-01"}
    ),
    "billing:engagement": Call(kwargs=engagement),
    "billing:create_deposit": engagement_post(),
    "billing:create_balance": engagement_post(),
    "billing:payments": OWN,
    "billing:receivables": OWN,
    "billing:exports": OWN,
    "billing:subscriptions": OWN,
    "billing:subscription_next_year": Call(
        kwargs=lambda w: {"subscription_id": w.extra["subscription"].pk}, method="post"
    ),
    "billing:subscription_terminate": Call(
        kwargs=lambda w: {"subscription_id": w.extra["subscription"].pk},
        method="post",
        body=lambda w: {"received_on": "2026-11-01"},
    ),
    "billing:indexes": OWN,
    "billing:sales_terms": OWN,
    "billing:add_funding": engagement_post(
        lambda w: {"funder": w.org.pk, "reference": "x", "amount_excl": "1"}
    ),
    "billing:invoice_funder": Call(
        kwargs=lambda w: {**engagement(w), "agreement_id": w.extra["funding"].pk}, method="post"
    ),
    "billing:funder_refused": Call(
        kwargs=lambda w: {**engagement(w), "agreement_id": w.extra["funding"].pk}, method="post"
    ),
    "billing:penalties": invoice_post(),
    "billing:suspend": invoice_post(lambda w: {"reason": "x"}),
    "billing:lift": invoice_post(),
    "billing:cancel": engagement_post(
        lambda w: {"start": "2026-12-30", "received_on": "2026-12-01"}
    ),
    "billing:export": Call(kind="own", kwargs=lambda w: {"kind": "journal", "fmt": "csv"}),
    "billing:amendments": Call(kwargs=engagement),
    "billing:amendment": Call(kwargs=amendment),
    "billing:amendment_issue": Call(kwargs=amendment, method="post"),
    "billing:amendment_delete": Call(kwargs=amendment, method="post"),
}
BILLING_API: dict[str, Call] = {
    "saveit_billing_api_list_invoices": OWN,
    "saveit_billing_api_get_invoice": Call(kwargs=invoice),
    "saveit_billing_api_invoice_pdf": Call(kwargs=invoice),
    "saveit_billing_api_create_invoice": Call(
        kind="object",
        method="post",
        body=lambda w: {
            "client_id": w.extra["engagement"].client_id,
            "lines": [
                {"label": "x", "quantity": "1", "unit_price_excl_vat": "1", "vat_rate": "20"}
            ],
        },
    ),
    "saveit_billing_api_update_invoice": Call(
        kwargs=invoice, method="patch", body=lambda w: {"reason": "x"}
    ),
    "saveit_billing_api_issue_invoice": invoice_post(),
    "saveit_billing_api_create_credit_note": invoice_post(lambda w: {"reason": "x"}),
    "saveit_billing_api_create_deposit": engagement_post(),
    "saveit_billing_api_create_balance": engagement_post(),
    "saveit_billing_api_list_payments": OWN,
    "saveit_billing_api_record_payment": Call(
        method="post",
        body=lambda w: {
            "client_id": w.extra["engagement"].client_id,
            "method": "transfer",
            "amount": "1",
            "received_on": "2026-12-01",
            "allocations": [{"invoice_id": w.extra["invoice"].pk, "amount": "1"}],
        },
    ),
    "saveit_billing_api_list_subscriptions": OWN,
    "saveit_billing_api_changes_list_amendments": Call(kwargs=engagement),
    "saveit_billing_api_changes_create_amendment": engagement_post(
        lambda w: {"reason": "x", "scope": "x", "lines": []}
    ),
    "saveit_billing_api_changes_get_amendment": Call(kwargs=amendment),
    "saveit_billing_api_changes_issue_amendment": Call(kwargs=amendment, method="post"),
    "saveit_billing_api_changes_record_cancellation": engagement_post(
        lambda w: {"start": "2026-12-30", "received_on": "2026-12-01"}
    ),
    "saveit_billing_api_changes_invoice_penalties": invoice_post(lambda w: {}),
    "saveit_billing_api_changes_list_suspensions": OWN,
    "saveit_billing_api_changes_suspend_client": Call(
        method="post",
        body=lambda w: {"client_id": w.extra["engagement"].client_id, "reason": "x"},
    ),
    "saveit_billing_api_changes_lift_suspension": Call(
        kwargs=lambda w: {"suspension_id": w.extra["suspension"].pk}, method="post"
    ),
}
HTML_ROUTES.update(BILLING_HTML)
API_ROUTES.update(BILLING_API)


def background_job(w: World) -> dict[str, Any]:
    return {"job_id": w.extra["job"].pk}


JOB_HTML: dict[str, Call] = {
    "core:job": Call(kwargs=background_job),
    "core:job_download": Call(kwargs=background_job),
    "core:job_retry": Call(kwargs=background_job, method="post"),
}
JOB_API: dict[str, Call] = {
    "saveit_core_api_jobs_get_job": Call(kwargs=background_job),
    "saveit_core_api_jobs_get_job_result": Call(kwargs=background_job),
    "saveit_core_api_jobs_post_job_retry": Call(kwargs=background_job, method="post"),
}
HTML_ROUTES.update(JOB_HTML)
API_ROUTES.update(JOB_API)


def ticket(w: World) -> dict[str, Any]:
    return {"ticket_id": w.extra["support_ticket"].pk}


def support_contract(w: World) -> dict[str, Any]:
    return {"contract_id": w.extra["support_contract"].pk}


def sla_report(w: World) -> dict[str, Any]:
    return {"report_id": w.extra["sla_report"].pk}


def ticket_post(body: Args = _none) -> Call:
    return Call(kwargs=ticket, method="post", body=body)


SUPPORT_HTML: dict[str, Call] = {
    "support:tickets": OWN,
    "support:ticket_new": OWN,
    "support:contracts": OWN,
    "support:notices": OWN,
    "support:ticket": Call(kwargs=ticket),
    "support:ticket_message": ticket_post(lambda w: {"body": "x"}),
    "support:ticket_status": ticket_post(lambda w: {"status": "closed"}),
    "support:ticket_criticity": ticket_post(lambda w: {"criticity": "C1"}),
    "support:ticket_take": ticket_post(),
    "support:ticket_exclusion": ticket_post(lambda w: {"exclusion": "", "note": ""}),
    "support:attachment": Call(
        kwargs=lambda w: {"attachment_id": w.extra["support_attachment"].pk}
    ),
    "support:register": Call(kwargs=support_contract),
    "support:contract_reversibility": Call(
        kwargs=support_contract, method="post", body=lambda w: {"in_progress": "1"}
    ),
    "support:outage_add": Call(
        kwargs=support_contract, method="post", body=lambda w: {"cause": "x"}
    ),
    "support:calendar": Call(kwargs=support_contract),
    "support:reports": Call(kwargs=support_contract),
    "support:report": Call(kwargs=sla_report),
    "support:report_pdf": Call(kwargs=sla_report),
    "support:report_xlsx": Call(kwargs=sla_report),
}
SUPPORT_API: dict[str, Call] = {
    "saveit_support_api_create_ticket": Call(
        kind="own",
        method="post",
        body=lambda w: {"title": "x", "description": "y", "type": "incident", "severity": "S1"},
    ),
    "saveit_support_api_list_tickets": OWN,
    "saveit_support_api_get_ticket": Call(kwargs=ticket),
    "saveit_support_api_update_ticket": Call(
        kwargs=ticket, method="patch", body=lambda w: {"status": "closed"}
    ),
    "saveit_support_api_list_messages": Call(kwargs=ticket),
    "saveit_support_api_post_message": ticket_post(lambda w: {"body": "x"}),
    "saveit_support_api_list_reports": Call(kwargs=support_contract),
    "saveit_support_api_get_report": Call(kwargs=sla_report),
    "saveit_support_api_report_pdf": Call(kwargs=sla_report),
    "saveit_support_api_report_xlsx": Call(kwargs=sla_report),
    "saveit_support_api_list_register": Call(kwargs=support_contract),
    "saveit_support_api_add_register_entry": Call(
        kwargs=support_contract,
        method="post",
        body=lambda w: {
            "kind": "inspection",
            "performed_on": "2026-01-05",
            "duration_minutes": 5,
            "actions": "x",
        },
    ),
    "saveit_support_api_list_outages": Call(kwargs=support_contract),
    "saveit_support_api_add_outage": Call(
        kwargs=support_contract,
        method="post",
        body=lambda w: {"started_at": "2026-01-05T10:00:00+01:00", "cause": "x"},
    ),
    "saveit_support_api_list_notices": Call(kwargs=support_contract),
    "saveit_support_api_add_notice": Call(
        kwargs=support_contract,
        method="post",
        body=lambda w: {
            "title": "x",
            "kind": "corrective",
            "urgent_security": True,
            "starts_at": "2099-01-05T10:00:00+01:00",
            "ends_at": "2099-01-05T11:00:00+01:00",
        },
    ),
}
HTML_ROUTES.update(SUPPORT_HTML)
API_ROUTES.update(SUPPORT_API)


def _q(key: str, arg: str) -> Args:
    return lambda w: {arg: w.extra[key].pk}


QUALITY_HTML: dict[str, Call] = {
    "quality:home": OWN,
    "quality:profile": OWN,
    "quality:framework": Call(kind="own", kwargs=lambda w: {"code": "qualiopi"}),
    "quality:indicator": Call(kind="own", kwargs=lambda w: {"code": "qualiopi", "number": 1}),
    "quality:refresh": OWN_POST,
    "quality:offers": OWN,
    "quality:offer": Call(kwargs=_q("q_offer", "offer_id")),
    "quality:watch": OWN,
    "quality:subcontractors": OWN,
    "quality:disability": OWN,
    "quality:competences": OWN,
    "quality:survey_results": OWN,
    "quality:my_surveys": OWN,
    "quality:my_survey": Call(kwargs=_q("q_survey", "request_id")),
    "quality:complaints": OWN,
    "quality:complaint_new": OWN,
    "quality:complaint": Call(kwargs=_q("q_complaint", "complaint_id")),
    "quality:complaint_acknowledge": Call(kwargs=_q("q_complaint", "complaint_id"), method="post"),
    "quality:complaint_answer": Call(
        kwargs=_q("q_complaint", "complaint_id"), method="post", body=lambda w: {"answer": "x" * 20}
    ),
    "quality:complaint_mediation": Call(kwargs=_q("q_complaint", "complaint_id"), method="post"),
    "quality:actions": OWN,
    "quality:action": Call(kwargs=_q("q_action", "action_id")),
    "quality:audits": OWN,
    "quality:audit": Call(kwargs=_q("q_audit", "audit_id")),
    "quality:nc_resolve": Call(
        kwargs=_q("q_nc", "nc_id"),
        method="post",
        body=lambda w: {"plan": "x", "resolved_on": "2026-01-01"},
    ),
    "quality:binder": OWN,
    "quality:binder_start": Call(kind="own", method="post", kwargs=lambda w: {"code": "qualiopi"}),
    # Public by design: dated counts per offer (no personal data), the complaint form, and the
    # survey link whose signed token is its only key.
    "quality:offer_results": Call(kind="public", kwargs=_q("q_offer", "offer_id")),
    "quality:complaint_public": PUBLIC,
    "quality:survey_answer": Call(kind="public", kwargs=lambda w: {"token": "forged"}),
}
QUALITY_API: dict[str, Call] = {
    "saveit_quality_api_list_frameworks": OWN,
    "saveit_quality_api_get_framework": Call(kind="own", kwargs=lambda w: {"code": "qualiopi"}),
    "saveit_quality_api_get_profile": OWN,
    "saveit_quality_api_update_profile": Call(
        kind="own", method="put", body=lambda w: {"categories": ["training"]}
    ),
    "saveit_quality_api_self_assessment": OWN,
    "saveit_quality_api_assess": Call(
        kind="own", method="put", kwargs=lambda w: {"number": 1}, body=lambda w: {"level": 1}
    ),
    "saveit_quality_api_refresh": OWN_POST,
    "saveit_quality_api_survey_results": OWN,
    "saveit_quality_api_survey_answers": OWN,
    "saveit_quality_api_list_complaints": OWN,
    "saveit_quality_api_create_complaint": OWN_POST,
    "saveit_quality_api_get_complaint": Call(kwargs=_q("q_complaint", "complaint_id")),
    "saveit_quality_api_acknowledge": Call(kwargs=_q("q_complaint", "complaint_id"), method="post"),
    "saveit_quality_api_answer": Call(
        kwargs=_q("q_complaint", "complaint_id"), method="post", body=lambda w: {"answer": "x" * 20}
    ),
    "saveit_quality_api_mediation": Call(kwargs=_q("q_complaint", "complaint_id"), method="post"),
    "saveit_quality_api_list_actions": OWN,
    "saveit_quality_api_create_action": OWN_POST,
    "saveit_quality_api_get_action": Call(kwargs=_q("q_action", "action_id")),
    "saveit_quality_api_update_action": Call(
        kwargs=_q("q_action", "action_id"), method="patch", body=lambda w: {"status": "done"}
    ),
    "saveit_quality_api_list_audits": OWN,
    "saveit_quality_api_create_audit": OWN_POST,
    "saveit_quality_api_get_audit": Call(kwargs=_q("q_audit", "audit_id")),
    "saveit_quality_api_create_nonconformity": Call(
        kwargs=_q("q_audit", "audit_id"),
        method="post",
        body=lambda w: {"indicator": 1, "grade": "minor", "description": "x"},
    ),
    "saveit_quality_api_resolve_nonconformity": Call(
        kwargs=_q("q_nc", "nc_id"),
        method="post",
        body=lambda w: {"plan": "x", "resolved_on": "2026-01-01"},
    ),
    "saveit_quality_api_start_binder": OWN_POST,
}
HTML_ROUTES.update(QUALITY_HTML)
API_ROUTES.update(QUALITY_API)


def quality_of(world: World) -> dict[str, Any]:
    """A's quality records: its own when A is the provider, those about A when A is a client."""
    from datetime import date

    from django.utils import timezone

    from saveit.accounts.models import Organization
    from saveit.accounts.roles import OrganizationKind
    from saveit.quality.models import (
        Audit,
        Complaint,
        Framework,
        ImprovementAction,
        Indicator,
        NonConformity,
        OfferSheet,
        SurveyRequest,
    )

    org = world.org
    provider = (
        org
        if org.is_provider
        else Organization.objects.filter(kind=OrganizationKind.PROVIDER).order_by("pk").first()
    )
    assert provider is not None
    client = None if org.is_provider else org
    now = timezone.now()
    complaint = Complaint.objects.create(
        organization=provider,
        number=f"REC-{org.pk}",
        kind="complaint",
        party="client",
        client=client,
        name=world.marker,
        email=world.owner.user.email,
        subject=world.marker,
        description=world.marker,
        received_at=now,
        acknowledge_by=now.date(),
        answer_by=now.date(),
    )
    survey = SurveyRequest.objects.create(
        organization=provider,
        moment="hot",
        respondent="learner",
        client=client,
        user=world.learner.user,
        name=world.marker,
        email=world.owner.user.email,
        created_at=now,
    )
    action = ImprovementAction.objects.create(
        organization=provider,
        number=f"AMQ-{org.pk}",
        title=world.marker,
        cause="other",
        owner=world.owner,
        due_on=date(2030, 1, 1),
    )
    framework = Framework.objects.get(code="qualiopi")
    audit = Audit.objects.create(
        organization=provider,
        framework=framework,
        kind="initial",
        body=world.marker,
        held_on=date(2026, 1, 1),
    )
    nc = NonConformity.objects.create(
        audit=audit,
        organization=provider,
        indicator=Indicator.objects.get(framework=framework, number=1),
        grade="minor",
        description=world.marker,
        deadline=date(2026, 7, 1),
    )
    offer = OfferSheet.objects.create(organization=provider, code=f"O{org.pk}", title=world.marker)
    return {
        "q_complaint": complaint,
        "q_survey": survey,
        "q_action": action,
        "q_audit": audit,
        "q_nc": nc,
        "q_offer": offer,
    }


def training_session(w: World) -> dict[str, Any]:
    return {"session_id": w.extra["training_session"].pk}


def slot(w: World) -> dict[str, Any]:
    return {"slot_id": w.extra["slot"].pk}


def slot_post(body: Args = _none) -> Call:
    return Call(kwargs=slot, method="post", body=body)


def realisation_of(w: World) -> dict[str, Any]:
    return {**engagement(w), "learner_id": w.extra["learner_record"].pk}


ATTENDANCE_ROUTES: dict[str, Call] = {
    "attendance:sessions": Call(kwargs=engagement),
    "attendance:session": Call(kwargs=training_session),
    "attendance:add_slot": Call(
        kwargs=training_session,
        method="post",
        body=lambda w: {"starts_at": "2099-01-01T09:00", "ends_at": "2099-01-01T12:00"},
    ),
    "attendance:add_population": Call(
        kwargs=training_session,
        method="post",
        body=lambda w: {"population": w.extra["population"].pk},
    ),
    "attendance:convene": Call(kwargs=training_session, method="post"),
    "attendance:cancel": Call(
        kwargs=training_session, method="post", body=lambda w: {"reason": "x"}
    ),
    "attendance:qr": Call(kwargs=slot),
    "attendance:record": slot_post(
        lambda w: {"learner": w.extra["learner_record"].pk, "status": "present"}
    ),
    "attendance:trainer_sign": slot_post(),
    "attendance:paper_upload": Call(kwargs=slot, method="post", upload=True),
    "attendance:sheet_pdf": Call(kwargs=slot),
    # The token is the key: a forged one is refused, a real one signs only one's own presence.
    "attendance:sign": Call(kind="own", kwargs=lambda w: {"token": "1.1.forged"}),
    "attendance:my_sessions": OWN,
    "attendance:hours": Call(kwargs=engagement),
    "attendance:trace": Call(kwargs=lambda w: {**realisation_of(w), "fmt": "csv"}),
    "certificates:realisation": Call(kwargs=realisation_of),
    "certificates:my_realisation": Call(kwargs=engagement),
}
ATTENDANCE_API: dict[str, Call] = {
    "saveit_attendance_api_list_sessions": Call(kwargs=engagement),
    "saveit_attendance_api_create_session": engagement_post(
        lambda w: {"title": "x", "place": "Lyon"}
    ),
    "saveit_attendance_api_get_session": Call(kwargs=training_session),
    "saveit_attendance_api_add_slot": Call(
        kwargs=training_session,
        method="post",
        body=lambda w: {"starts_at": "2099-01-01T09:00:00Z", "ends_at": "2099-01-01T12:00:00Z"},
    ),
    "saveit_attendance_api_add_participants": Call(
        kwargs=training_session,
        method="post",
        body=lambda w: {"learner_ids": [w.extra["learner_record"].pk]},
    ),
    "saveit_attendance_api_send_convocations": Call(kwargs=training_session, method="post"),
    "saveit_attendance_api_get_sheet": Call(kwargs=slot),
    "saveit_attendance_api_get_sheet_pdf": Call(kwargs=slot),
    "saveit_attendance_api_record_presence": slot_post(
        lambda w: {"learner_id": w.extra["learner_record"].pk, "status": "present"}
    ),
    "saveit_attendance_api_trainer_signature": slot_post(),
    "saveit_attendance_api_sign": Call(
        kind="own", method="post", body=lambda w: {"token": "1.1.forged"}
    ),
    "saveit_certificates_api_certificate_of_completion": Call(kwargs=realisation_of),
}
HTML_ROUTES.update(ATTENDANCE_ROUTES)
API_ROUTES.update(ATTENDANCE_API)


def privacy_request(w: World) -> dict[str, Any]:
    return {"request_id": w.extra["privacy_request"].pk}


def breach(w: World) -> dict[str, Any]:
    return {"breach_id": w.extra["breach"].pk}


PRIVACY_API: dict[str, Call] = {
    "saveit_privacy_api_list_requests": OWN,
    "saveit_privacy_api_create_request": Call(
        kind="own", method="post", body=lambda w: {"kind": "access", "email": w.owner.user.email}
    ),
    "saveit_privacy_api_get_request": Call(kwargs=privacy_request),
    "saveit_privacy_api_execute": Call(kwargs=privacy_request, method="post"),
    "saveit_privacy_api_extend": Call(
        kwargs=privacy_request, method="post", body=lambda w: {"months": 1, "reason": "x"}
    ),
    "saveit_privacy_api_export": Call(kwargs=privacy_request),
    "saveit_privacy_api_processing_register": OWN,
    "saveit_privacy_api_list_breaches": OWN,
    "saveit_privacy_api_record_breach": Call(
        kind="own",
        method="post",
        body=lambda w: {
            "aware_at": "2026-01-01T10:00:00Z",
            "nature": "x",
            "data_categories": "x",
            "people_count": 1,
            "records_count": 1,
            "consequences": "x",
            "measures": "x",
            "risk": "none",
            "organization_ids": [w.org.pk],
        },
    ),
    "saveit_privacy_api_get_breach": Call(kwargs=breach),
    "saveit_privacy_api_notify_breach": Call(kwargs=breach, method="post"),
    "saveit_privacy_api_notify_authority": Call(
        kwargs=breach, method="post", body=lambda w: {"reference": "CNIL"}
    ),
}
PRIVACY_HTML: dict[str, Call] = {}
API_ROUTES.update(PRIVACY_API)
HTML_ROUTES.update(PRIVACY_HTML)


def hold(w: World) -> dict[str, Any]:
    return {"hold_id": w.extra["hold"].pk}


def reversibility(w: World) -> dict[str, Any]:
    return {"export_id": w.extra["reversibility"].pk}


PRIVACY_HTML.update(
    {
        "privacy:requests": OWN,
        "privacy:request": Call(kwargs=privacy_request),
        "privacy:request_execute": Call(kwargs=privacy_request, method="post"),
        "privacy:request_extend": Call(
            kwargs=privacy_request, method="post", body=lambda w: {"months": 1, "reason": "x"}
        ),
        "privacy:request_export": Call(kwargs=privacy_request),
        "privacy:contact": Call(
            kind="own", method="post", body=lambda w: {"name": "x", "email": "x@example.org"}
        ),
        "privacy:register": OWN,
        "privacy:register_pdf": OWN,
        "privacy:breaches": OWN,
        "privacy:breach": Call(kwargs=breach),
        "privacy:breach_notify": Call(kwargs=breach, method="post"),
        "privacy:breaches_download": Call(kind="own", kwargs=lambda w: {"fmt": "csv"}),
        "privacy:retention": OWN,
        "privacy:hold_lift": Call(kwargs=hold, method="post"),
        "privacy:reversibility": OWN,
        "privacy:reversibility_destroy": Call(
            kwargs=reversibility, method="post", body=lambda w: {"confirm": w.org.slug}
        ),
    }
)
HTML_ROUTES.update(PRIVACY_HTML)
