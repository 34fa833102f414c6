"""Requests of the people concerned through the API, with a client owner's token."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core import mail
from django.test import Client

from saveit.accounts import services as account_services
from saveit.accounts.roles import Role
from saveit.learning.models import Assignment
from saveit.learning.services import access, attempts
from saveit.testing.factories import make_member
from saveit.testing.learning_setup import Form, answers_for

from ..models import DataSubjectRequest

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")

EMAIL = "camille.lefevre@alpha.example"


def api(member):
    token = account_services.issue_api_token(membership=member, name="privacy").secret
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def passed(assigned):
    assignment = Assignment.objects.get(learner__email=EMAIL)
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return assignment


def test_access_request_gives_a_zip_of_every_declared_table_with_a_manifest(passed, owner):
    client = api(owner)
    created = post(client, "/api/v1/privacy/requests", {"kind": "access", "email": EMAIL})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "received" and body["due_on"]
    request_id = body["id"]
    assert client.get(f"/api/v1/privacy/requests/{request_id}/export").status_code == 409
    done = post(client, f"/api/v1/privacy/requests/{request_id}/execute")
    assert done.status_code == 200 and done.json()["status"] == "done"
    response = client.get(f"/api/v1/privacy/requests/{request_id}/export")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    names = archive.namelist()
    assert "data/learning.Learner.json" in names and "data/learning.Learner.csv" in names
    assert "data/learning.Assignment.json" in names
    assert any(n.startswith("files/attestation-") and n.endswith(".pdf") for n in names)
    assert EMAIL in archive.read("data/learning.Learner.json").decode()
    assert "LISEZMOI.txt" in names
    request = DataSubjectRequest.objects.get(pk=request_id)
    assert request.identity_checked_at is not None and request.answer


def test_another_organisation_answers_404_for_the_request_and_the_person(passed, owner, other_org):
    request_id = post(
        api(owner), "/api/v1/privacy/requests", {"kind": "access", "email": EMAIL}
    ).json()["id"]
    outsider = api(make_member(other_org, Role.CLIENT_OWNER))
    assert outsider.get(f"/api/v1/privacy/requests/{request_id}").status_code == 404
    assert post(outsider, f"/api/v1/privacy/requests/{request_id}/execute").status_code == 404
    assert outsider.get(f"/api/v1/privacy/requests/{request_id}/export").status_code == 404
    refused = post(outsider, "/api/v1/privacy/requests", {"kind": "erasure", "email": EMAIL})
    assert refused.status_code == 404
    assert DataSubjectRequest.objects.count() == 1


def test_a_learner_cannot_record_requests(passed, client_org):
    learner = api(make_member(client_org, Role.LEARNER))
    response = post(learner, "/api/v1/privacy/requests", {"kind": "access", "email": EMAIL})
    assert response.status_code == 403


def test_an_extension_needs_a_reason_and_moves_the_deadline(passed, owner):
    client = api(owner)
    request_id = post(
        client, "/api/v1/privacy/requests", {"kind": "rectification", "email": EMAIL}
    ).json()["id"]
    assert (
        post(client, f"/api/v1/privacy/requests/{request_id}/extend", {"months": 3, "reason": "x"})
    ).status_code == 422
    extended = post(
        client, f"/api/v1/privacy/requests/{request_id}/extend", {"months": 2, "reason": "Volume"}
    )
    assert extended.status_code == 200
    assert extended.json()["extended_to"] > extended.json()["due_on"]


def test_an_objection_stops_reminders_and_leaves_the_person_out_of_exports(
    assigned, owner, django_capture_on_commit_callbacks
):
    client = api(owner)
    request_id = post(
        client, "/api/v1/privacy/requests", {"kind": "objection", "email": EMAIL}
    ).json()["id"]
    post(client, f"/api/v1/privacy/requests/{request_id}/execute")
    ids = list(Assignment.objects.values_list("pk", flat=True))
    Assignment.objects.update(invited_at=None)
    mail.outbox.clear()
    sent = access.invite_learners(assignment_ids=ids)
    assert sent == 2
    assert all(EMAIL not in message.to for message in mail.outbox)
    from saveit.reporting.exports import _learner_rows
    from saveit.reporting.selectors import Filters, Scope

    rows = list(_learner_rows(Scope(owner.organization_id), Filters()))
    assert rows and all(EMAIL not in row for row in rows)
