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
from saveit.accounts.roles import OrganizationKind, Role
from saveit.api import api
from saveit.audit.models import AuditEvent
from saveit.testing.factories import make_document, make_member, make_organization, signed_in

from .tenancy_registry import API_ROUTES, HTML_ROUTES, Call, World

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
    return World(org, owner, learner, invitation, token, document, marker=org.name)


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
    if as_json:
        import json

        return sender(url, json.dumps(body), content_type="application/json")
    if call.method == "post":
        return client.post(url, body)
    return sender(url)


def _leak(response: Any, call: Call, world: World) -> str | None:
    status = response.status_code
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    if call.kind == "object" and status not in (403, 404):
        return f"answered {status} instead of 403/404"
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
            problem = _leak(
                _send(client, _url(name, call, world), call, world, as_json=False), call, world
            )
            if problem:
                failures.append(f"{member.role} → {name}: {problem}")
            client = signed_in(member)  # a route may have signed the user out
        for op_id, call in API_ROUTES.items():
            method, path = operations[op_id]
            assert method == call.method, f"{op_id}: registry says {call.method}, API {method}"
            response = _send(client, _api_url(path, call, world), call, world, as_json=True)
            problem = _leak(response, call, world)
            if problem:
                failures.append(f"{member.role} → API {op_id}: {problem}")
    assert not failures, "\n".join(failures)
    assert AuditEvent.objects.filter(organization=world.org).count() == events_before


def test_the_admin_site_is_closed_to_every_organisation_member(db):
    member = make_member(make_organization("Gamma"), Role.CLIENT_OWNER)
    response = signed_in(member).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
