"""The modules API: from a procedure to an active version, refusals as 409 with nothing changed."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from saveit.testing.catalog_setup import procedure_version
from saveit.testing.factories import PASSWORD, bearer

from ..models import ModuleVersion

pytestmark = pytest.mark.django_db


def _call(client, method, url, headers, body=None):
    return getattr(client, method)(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_a_procedure_becomes_an_active_module_through_the_api(
    in_production, designer_member, pm, owner
):
    client = Client()
    designer, manager, client_owner = bearer(designer_member), bearer(pm), bearer(owner)
    eid = in_production.pk
    created = _call(
        client,
        "post",
        f"/api/v1/engagements/{eid}/modules",
        designer,
        {"title": "Nettoyage", "source_version_ids": [procedure_version(in_production).pk]},
    )
    assert created.status_code == 201, created.content
    version = created.json()
    vid = version["id"]
    assert version["status"] == "draft" and version["unreviewed"] > 0
    assert (
        _call(client, "post", f"/api/v1/module-versions/{vid}/submit", designer).status_code == 409
    )
    keys = [lesson["key"] for lesson in version["snapshot"]["lessons"]]
    keys += [item["key"] for item in version["snapshot"]["items"]]
    accepted = _call(
        client, "post", f"/api/v1/module-versions/{vid}/accept", designer, {"keys": keys}
    )
    assert accepted.json()["unreviewed"] == 0
    settings = _call(
        client,
        "put",
        f"/api/v1/module-versions/{vid}/settings",
        designer,
        {"title": "Nettoyage", "objectives": ["Appliquer le nettoyage."], "items_per_attempt": 2},
    )
    assert settings.status_code == 200, settings.content
    added = _call(
        client,
        "post",
        f"/api/v1/module-versions/{vid}/items",
        designer,
        {
            "kind": "single",
            "prompt": "Qui signe le registre ?",
            "choices": ["La cheffe d'équipe", "Le technicien"],
            "correct": [0],
            "source_anchors": ["s-2"],
        },
    )
    assert added.status_code == 201, added.content
    submitted = _call(client, "post", f"/api/v1/module-versions/{vid}/submit", designer)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    frozen = _call(
        client, "put", f"/api/v1/module-versions/{vid}/settings", designer, {"title": "Autre"}
    )
    assert frozen.status_code == 409 and frozen.json()["code"] == "frozen"
    assert _call(client, "post", f"/api/v1/engagements/{eid}/advance", manager).status_code == 200
    item_key = submitted.json()["snapshot"]["items"][0]["key"]
    comment = _call(
        client,
        "post",
        f"/api/v1/module-versions/{vid}/comments",
        client_owner,
        {"body": "Clair.", "item_key": item_key},
    )
    assert comment.status_code == 201
    forged = _call(
        client,
        "post",
        f"/api/v1/module-versions/{vid}/comments",
        client_owner,
        {"body": "x", "item_key": "I-forged"},
    )
    assert forged.status_code == 409
    assert (
        _call(client, "post", f"/api/v1/module-versions/{vid}/approve", manager).status_code == 403
    )
    approved = _call(client, "post", f"/api/v1/module-versions/{vid}/approve", client_owner)
    assert approved.json()["status"] == "approved"
    assert client.get(f"/api/v1/module-versions/{vid}/scorm", headers=designer).status_code == 404
    record = _call(client, "post", f"/api/v1/engagements/{eid}/acceptance-record", manager)
    assert record.status_code == 201, record.content
    signed = _call(
        client,
        "post",
        f"/api/v1/documents/{record.json()['document_id']}/sign",
        client_owner,
        {"intent": "Lu et approuvé", "password": PASSWORD},
    )
    assert signed.status_code == 201, signed.content
    assert ModuleVersion.objects.get(pk=vid).status == "active"
    package = client.get(f"/api/v1/module-versions/{vid}/scorm", headers=designer)
    assert package.status_code == 200
    assert "imsmanifest.xml" in zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert _call(client, "post", f"/api/v1/engagements/{eid}/advance", manager).json()["phase"] == 5


def test_the_client_does_not_see_drafts(in_production, designer_member, owner):
    client = Client()
    created = _call(
        client,
        "post",
        f"/api/v1/engagements/{in_production.pk}/modules",
        bearer(designer_member),
        {"source_version_ids": [procedure_version(in_production).pk]},
    )
    vid = created.json()["id"]
    assert client.get(f"/api/v1/module-versions/{vid}", headers=bearer(owner)).status_code == 404
    listed = client.get(f"/api/v1/engagements/{in_production.pk}/modules", headers=bearer(owner))
    assert listed.json()[0]["versions"] == []


def test_a_settings_put_without_objectives_keeps_them(in_production, designer_member):
    client = Client()
    designer = bearer(designer_member)
    created = _call(
        client,
        "post",
        f"/api/v1/engagements/{in_production.pk}/modules",
        designer,
        {"source_version_ids": [procedure_version(in_production).pk]},
    )
    vid = created.json()["id"]
    url = f"/api/v1/module-versions/{vid}/settings"
    full = {
        "title": "Nettoyage",
        "objectives": ["Appliquer le nettoyage.", "Tracer le nettoyage."],
        "summary": "Le nettoyage des paillasses.",
        "pass_mark": 90,
        "time_limit_minutes": 15,
    }
    assert _call(client, "put", url, designer, full).status_code == 200
    renamed = _call(client, "put", url, designer, {"title": "Nettoyage et désinfection"})
    assert renamed.status_code == 200, renamed.content
    kept = ModuleVersion.objects.get(pk=vid)
    assert kept.title == "Nettoyage et désinfection"
    assert kept.objectives == full["objectives"]
    assert kept.summary == full["summary"]
    assert (kept.pass_mark, kept.time_limit_minutes) == (90, 15)
    # An explicit empty list or null time limit is a deliberate change, and is applied.
    cleared = _call(client, "put", url, designer, {"objectives": [], "time_limit_minutes": None})
    assert cleared.status_code == 200
    kept.refresh_from_db()
    assert kept.objectives == [] and kept.time_limit_minutes is None and kept.pass_mark == 90
    # A null where a value is required is refused, and changes nothing.
    refused = _call(client, "put", url, designer, {"title": None, "pass_mark": 50})
    assert refused.status_code == 422
    kept.refresh_from_db()
    assert kept.title == "Nettoyage et désinfection" and kept.pass_mark == 90
