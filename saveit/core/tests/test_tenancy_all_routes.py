"""One test for every route: nobody in organisation B reaches anything of organisation A."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from saveit.accounts import services as account_services
from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import AUDIT_READER_ROLES, OrganizationKind, Role
from saveit.api import api
from saveit.audit.models import AuditEvent
from saveit.catalog.models import Block, Item, Lesson, Module, ModuleVersion
from saveit.core.models import BackgroundJob
from saveit.documents.models import DocumentVersion, SourceDocument
from saveit.engagements.models import ProformaInvoice, Proposal, ScopingNote
from saveit.testing.factories import (
    make_document,
    make_engagement,
    make_member,
    make_organization,
    signed_in,
)
from saveit.testing.pdf import make_pdf

from .tenancy_registry import API_ROUTES, HTML_ROUTES, Call, World, quality_of

SKIPPED_NAMESPACES = {"admin", "api"}  # admin: staff only (own test); api: enumerated below


def _html_route_names(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace or ""
            if namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{prefix}{namespace}:" if namespace else prefix
            yield from _html_route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}"


def _api_operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="")
    return {
        operation["operationId"]: (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_every_url_route_is_in_the_tenancy_registry():
    missing = sorted(set(_html_route_names()) - set(HTML_ROUTES))
    assert not missing, f"add these routes to tenancy_registry.HTML_ROUTES: {missing}"


def test_every_api_operation_is_in_the_tenancy_registry():
    missing = sorted(set(_api_operations()) - set(API_ROUTES))
    assert not missing, f"add these operations to tenancy_registry.API_ROUTES: {missing}"


def _build_world(org: Organization) -> World:
    manager_role = Role.ADMIN if org.is_provider else Role.CLIENT_OWNER
    owner = make_member(org, manager_role)
    learner_role = Role.DESIGNER if org.is_provider else Role.LEARNER
    learner = make_member(org, learner_role)
    invitation = account_services.invite_member(
        organization=org, email="invitee@alpha.test", role=learner_role, by=owner
    ).invitation
    token = account_services.issue_api_token(membership=owner, name="alpha").token
    document = make_document(owner, roles=(manager_role,), title=org.name + " charter")
    world = World(org, owner, learner, invitation, token, document, marker=org.name)
    world.extra.update(_engagement_of(world))
    world.extra.update(_support_of(world))
    world.extra["job"] = _job_of(world)
    world.extra.update(quality_of(world))
    world.extra.update(_privacy_of(world))
    return world


def _support_of(world: World) -> dict[str, Any]:
    """A's support contract (A's own, or the client of the engagement A runs), with a ticket, an
    attachment, a report, an outage, a window and a register entry."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from saveit.support.models import (
        MaintenanceRecord,
        MaintenanceWindow,
        Outage,
        SlaReport,
        SupportContract,
        Ticket,
        TicketAttachment,
        TicketMessage,
    )  # fmt: skip

    client_org = world.extra["engagement"].client
    now = timezone.now()
    contract = SupportContract.objects.create(
        client=client_org, reference=f"SLA-{world.org.pk}", title=world.marker,
        starts_on=dt.date(2026, 1, 1),
    )  # fmt: skip
    contract.services.create(name=world.marker)
    ticket = Ticket.objects.create(
        organization=client_org, contract=contract, number=f"TK-{world.org.pk}",
        title=world.marker, description=world.marker, type="incident", severity="S1",
        opened_by=world.owner, opened_at=now,
    )  # fmt: skip
    message = TicketMessage.objects.create(ticket=ticket, author=world.owner, body=world.marker)
    attachment = TicketAttachment(message=message, original_name="a.pdf", size=1, sha256="0" * 64)
    attachment.file.save(f"t{world.org.pk}.pdf", ContentFile(b"%PDF"), save=True)
    report = SlaReport.objects.create(
        contract=contract, month=dt.date(2026, 1, 1), closed_at=now,
        figures={"marker": world.marker},
    )  # fmt: skip
    Outage.objects.create(contract=contract, started_at=now, cause=world.marker,
                          recorded_by=world.owner)  # fmt: skip
    MaintenanceWindow.objects.create(
        contract=contract, title=world.marker, kind="preventive", starts_at=now,
        ends_at=now + dt.timedelta(hours=1), created_by=world.owner,
    )  # fmt: skip
    MaintenanceRecord.objects.create(
        contract=contract, kind="inspection", performed_on=now.date(), duration_minutes=5,
        actions=world.marker, person_in_charge=world.owner,
    )  # fmt: skip
    return {
        "support_contract": contract,
        "support_ticket": ticket,
        "support_attachment": attachment,
        "sla_report": report,
    }


def _job_of(world: World) -> BackgroundJob:
    """A finished job A's owner started, with its file: B must not see it nor download it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("jobs/alpha/result.txt", ContentFile(world.marker.encode()))
    return BackgroundJob.objects.create(
        kind="core.test",
        title=world.marker + " export",
        organization_id=world.org.pk,
        requested_by_id=world.owner.user_id,
        status=BackgroundJob.Status.DONE,
        result_name=name,
        result_filename="result.txt",
    )


def _privacy_of(world: World) -> dict[str, Any]:
    """A's request of a person concerned and a breach that concerns A's client."""
    from django.utils import timezone

    from saveit.privacy.models import Breach, DataSubjectRequest, LegalHold, Reversibility

    learner = world.extra["learner_record"]
    now = timezone.now()
    request = DataSubjectRequest.objects.create(
        organization=learner.organization, kind="access", email=learner.email,
        person_name=learner.full_name, received_at=now, received_by=world.owner,
        due_on=now.date(),
    )  # fmt: skip
    breach = Breach.objects.create(
        number=f"VIO-{world.org.pk}", aware_at=now, nature=world.marker, data_categories="x",
        people_count=1, records_count=1, consequences="x", measures="x", risk="none",
        recorded_at=now, recorded_by=world.owner,
    )  # fmt: skip
    breach.organizations.add(learner.organization)
    hold = LegalHold.objects.create(
        organization=learner.organization, reason=world.marker, placed_at=now,
        placed_by=world.owner,
    )  # fmt: skip
    export = Reversibility.objects.create(
        organization=learner.organization, organization_name=world.marker,
        organization_slug=learner.organization.slug, exported_at=now, manifest_sha256="0" * 64,
    )  # fmt: skip
    return {"privacy_request": request, "breach": breach, "hold": hold, "reversibility": export}


def _engagement_of(world: World) -> dict[str, Any]:
    """An engagement whose data belongs to A: A's own when A is a client, else one A runs."""
    org = world.org
    client_org = make_organization(org.name + " client") if org.is_provider else org
    provider = org if org.is_provider else make_organization("Studio", OrganizationKind.PROVIDER)
    engagement = make_engagement(
        client_org, make_member(provider, Role.PROJECT_MANAGER), title=org.name + " mission"
    )
    client_owner = world.owner if not org.is_provider else make_member(client_org)
    note_document = make_document(
        client_owner, roles=(Role.CLIENT_OWNER,), title=org.name + " note"
    )
    ScopingNote.objects.create(engagement=engagement, document=note_document, objectives="x")
    proposal = Proposal.objects.create(engagement=engagement, valid_until="2026-12-31")
    proforma = ProformaInvoice.objects.create(
        engagement=engagement, proposal=proposal, number=f"PF-{engagement.pk}-{org.pk}",
        issued_on="2026-01-05", due_on="2026-02-04", total_excl=0, total_vat=0, total_incl=0,
        deposit=0, issued_by=world.owner,
        document=make_document(client_owner, roles=(Role.CLIENT_OWNER,), title=org.name + " pf"),
    )  # fmt: skip
    source = SourceDocument.objects.create(
        client=client_org, engagement=engagement, title=org.name + " procedure"
    )
    version = DocumentVersion.objects.create(
        source=source,
        client=client_org,
        number=1,
        version_label="1",
        file="sources/x",
        original_name="p.txt",
        kind="text",
        media_type="text/plain",
        size=1,
        sha256="0" * 64,
        outline={"title": org.name, "sections": []},
        uploaded_by=world.owner,
    )
    module = Module.objects.create(
        organization=client_org,
        engagement=engagement,
        code="MOD-01",
        title=org.name + " module",
        created_by=world.owner,
    )
    module_version = ModuleVersion.objects.create(
        module=module, title=module.title, created_by=world.owner, status="submitted"
    )
    lesson = Lesson.objects.create(version=module_version, key="L-a", title="x")
    block = Block.objects.create(lesson=lesson, kind="text", html="<p>x</p>", sha256="1" * 64)
    item = Item.objects.create(version=module_version, key="I-a", kind="true_false", prompt="x")
    return {
        **_deployment_of(world, engagement, module_version),
        **_billing_of(world, engagement),
        "engagement": engagement,
        "version": version,
        "note_document": note_document,
        "proforma": proforma,
        "module_version": module_version,
        "lesson": lesson,
        "block": block,
        "item": item,
    }


def _deployment_of(world: World, engagement: Any, module_version: Any) -> dict[str, Any]:
    """A's population, import, learner, assignment, attempt and attestation."""
    from django.utils import timezone

    from saveit.certificates.models import Attestation
    from saveit.learning.models import (
        Assignment,
        Attempt,
        Learner,
        Population,
        PopulationImport,
        RecertificationCampaign,
    )

    client_org = engagement.client
    population = Population.objects.create(
        organization=client_org, engagement=engagement, name="Pop", created_by=world.owner
    )
    learner = Learner.objects.create(
        organization=client_org,
        email=world.owner.user.email,
        last_name=world.marker,
        first_name="A",
        user=world.learner.user if not world.org.is_provider else None,
    )
    population.members.create(learner=learner)
    batch = PopulationImport.objects.create(
        organization=client_org, population=population, filename="x.csv", sha256="0" * 64,
        file="imports/x", created_by=world.owner,
    )  # fmt: skip
    now = timezone.now()
    assignment = Assignment.objects.create(
        organization=client_org, engagement=engagement, module_version=module_version,
        learner=learner, assigned_at=now,
    )  # fmt: skip
    attempt = Attempt.objects.create(
        assignment=assignment, number=1, seed="s", drawn=[["I-a", [0, 1]]], started_at=now
    )
    attestation = Attestation.objects.create(
        organization=client_org, learner=learner, assignment=assignment,
        module_version=module_version, number=f"ATT-{world.org.pk}", code=f"c{world.org.pk}",
        score=90, issued_at=now, facts={"holder_name": world.marker}, credential="x.y.z",
    )  # fmt: skip
    campaign = RecertificationCampaign.objects.create(
        organization=client_org, module=module_version.module, version=module_version,
        due_on=now.date(),
    )  # fmt: skip
    from datetime import timedelta

    from saveit.attendance.models import Participant, Slot, TrainingSession

    session = TrainingSession.objects.create(
        organization=client_org, engagement=engagement, title=world.marker + " session",
        place="Lyon", token_key="k" * 64, created_by=engagement.project_manager,
    )  # fmt: skip
    session.trainers.add(engagement.project_manager)
    Participant.objects.create(session=session, learner=learner)
    slot = Slot.objects.create(session=session, starts_at=now, ends_at=now + timedelta(hours=3))
    return {
        "training_session": session,
        "slot": slot,
        "campaign": campaign,
        "population": population,
        "import": batch,
        "learner_record": learner,
        "assignment": assignment,
        "attempt": attempt,
        "attestation": attestation,
    }


def _billing_of(world: World, engagement: Any) -> dict[str, Any]:
    """An issued invoice of A's client (written directly: no PDF is needed to be refused)."""
    from saveit.billing.models import Invoice

    invoice = Invoice.objects.create(
        client=engagement.client, engagement=engagement, kind="standard", state="issued",
        number=f"FA-T-{world.org.pk}", reason=world.marker, created_by=world.owner,
        buyer={"name": world.marker},
    )  # fmt: skip
    from datetime import date
    from decimal import Decimal

    from saveit.billing.models import Subscription

    subscription = Subscription.objects.create(
        client=engagement.client, label=world.marker, annual_price=Decimal(100),
        activated_on=date(2026, 1, 1), committed_until=date(2026, 12, 31),
        created_by=world.owner,
    )  # fmt: skip
    from saveit.billing.models import FundingAgreement

    funding = FundingAgreement.objects.create(
        engagement=engagement, funder=engagement.client, reference=world.marker,
        amount_excl=Decimal(1), recorded_by=world.owner,
    )  # fmt: skip
    from saveit.billing.models import Amendment

    amendment = Amendment.objects.create(
        engagement=engagement, reason=world.marker, scope=world.marker, created_by=world.owner,
    )  # fmt: skip
    suspension = _suspension_of(world, engagement, invoice)
    return {
        "invoice": invoice,
        "subscription": subscription,
        "funding": funding,
        "amendment": amendment,
        "suspension": suspension,
    }


def _suspension_of(world: World, engagement: Any, invoice: Any) -> Any:
    from django.utils import timezone

    from saveit.billing.models import Suspension

    suspension = Suspension.objects.create(
        client=engagement.client,
        reason=world.marker,
        suspended_at=timezone.now(),
        suspended_by=world.owner,
        lifted_at=timezone.now(),
        lifted_by=world.owner,
    )  # fmt: skip  (lifted: A's own users keep working while B's are refused)
    suspension.invoices.set([invoice])
    return suspension


def _url(name: str, call: Call, world: World) -> str:
    return reverse(name, kwargs=call.kwargs(world))


def _api_url(path: str, call: Call, world: World) -> str:
    values = call.kwargs(world)
    return "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _send(client: Client, url: str, call: Call, world: World, *, as_json: bool) -> Any:
    query = call.query(world)
    if call.method == "get":
        return client.get(url, query)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    body = call.body(world)
    sender = getattr(client, call.method)
    if call.upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("file.pdf", make_pdf("x"), content_type="application/pdf")
        return client.post(url, {**body, "file": upload})
    if as_json:
        import json

        return sender(url, json.dumps(body), content_type="application/json")
    if call.method == "post":
        return client.post(url, body)
    return sender(url)


# Routes a role may not use at all refuse with 403 before looking at the object (the refusal says
# nothing about it); every other route answers another organisation's object with 404.
_TRAIL_ROUTES = {
    "audit:trail", "audit:trail_verify", "audit:trail_json", "audit:trail_csv",
    "audit:object_trail", "saveit_audit_api_trail_verify", "saveit_audit_api_trail_list_events",
    "saveit_audit_api_trail_export",
}  # fmt: skip
_PROVIDER_ONLY_ROUTES = {
    "engagements:contract_terms",
    "saveit_orchestration_api_get_contract_terms",
    "saveit_orchestration_api_update_contract_terms",
}


def _expected_refusal(name: str, role: str) -> int:
    if name in _PROVIDER_ONLY_ROUTES:
        return 403
    if name in _TRAIL_ROUTES and role not in AUDIT_READER_ROLES:
        return 403
    return 404


def _leak(response: Any, call: Call, world: World, expected: int = 404) -> str | None:
    status = response.status_code
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    if call.kind == "object" and status != expected:
        return f"answered {status} instead of {expected}"
    if world.marker in body or world.owner.user.email in body:
        return f"answered {status} with data of the other organisation"
    return None


def _b_members(org: Organization) -> list[Membership]:
    return [
        make_member(org, role)
        for role in (Role.CLIENT_OWNER, Role.CLIENT_MANAGER, Role.LEARNER, Role.AUDITOR)
    ]


@pytest.mark.parametrize("a_kind", [OrganizationKind.CLIENT, OrganizationKind.PROVIDER])
def test_no_role_of_another_client_reaches_anything_of_organisation_a(db, a_kind):
    world = _build_world(make_organization("Alpha Marqueur Secret", a_kind))
    events_before = AuditEvent.objects.filter(organization=world.org).count()
    members_b = _b_members(make_organization("Beta Transports"))
    operations = _api_operations()
    failures = []
    for member in members_b:
        client = signed_in(member)
        for name, call in HTML_ROUTES.items():
            if call.kind == "public":
                continue
            response = _send(client, _url(name, call, world), call, world, as_json=False)
            problem = _leak(response, call, world, _expected_refusal(name, member.role))
            if problem:
                failures.append(f"{member.role} → {name}: {problem}")
            client = signed_in(member)  # a route may have signed the user out
        for op_id, call in API_ROUTES.items():
            method, path = operations[op_id]
            assert method == call.method, f"{op_id}: registry says {call.method}, API {method}"
            response = _send(client, _api_url(path, call, world), call, world, as_json=True)
            problem = _leak(response, call, world, _expected_refusal(op_id, member.role))
            if problem:
                failures.append(f"{member.role} → API {op_id}: {problem}")
    assert not failures, "\n".join(failures)
    assert AuditEvent.objects.filter(organization=world.org).count() == events_before


def test_the_admin_site_is_closed_to_every_organisation_member(db):
    member = make_member(make_organization("Gamma"), Role.CLIENT_OWNER)
    response = signed_in(member).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
