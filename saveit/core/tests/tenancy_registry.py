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
    "engagements:reopen": engagement_post(lambda w: {"to_phase": 0, "reason": "a good reason"}),
    "engagements:interview_add": engagement_post(
        lambda w: {"held_on": "2026-01-05", "participants": "x", "notes": "y"}
    ),
    "engagements:note_edit": engagement_post(lambda w: {"objectives": "x"}),
    "engagements:note_issue": engagement_post(),
    "engagements:mapping_report": engagement_post(),
    "engagements:proposal_edit": engagement_post(lambda w: {"need": "x"}),
    "engagements:proposal_issue": engagement_post(),
    "engagements:proforma": engagement_post(),
    "engagements:purchase_order": engagement_post(),
    "engagements:purchase_agreement": engagement_post(),
    "engagements:pdf": Call(
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
        lambda w: {"to_phase": 0, "reason": "a good reason"}
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
    "certificates:engagement_zip": Call(kwargs=engagement),
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
    "saveit_certificates_api_engagement_attestations_zip": Call(kwargs=engagement),
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
    "reporting:engagement_export": Call(kwargs=export("versions", "csv")),
}
REPORTING_API: dict[str, Call] = {
    "saveit_reporting_api_engagement_dashboard": Call(kwargs=engagement),
    "saveit_reporting_api_client_dashboard": Call(kwargs=client),
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
