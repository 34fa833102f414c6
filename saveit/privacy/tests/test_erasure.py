"""Erasure leaves no trace of the person anywhere, yet proofs still verify and chains hold."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client

from saveit.accounts.roles import Role
from saveit.audit.models import AuditEvent, Signature
from saveit.audit.services import sign_document
from saveit.certificates.models import Attestation
from saveit.certificates.verification import check_signature
from saveit.core.request_context import Origin, reset_origin, set_origin
from saveit.learning.models import Activity, Assignment, Learner
from saveit.learning.services import access, attempts
from saveit.testing.factories import make_document
from saveit.testing.learning_setup import Form, answers_for

from ..models import DataSubjectRequest
from ..services import execute_request, receive_request

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")

EMAIL = "camille.lefevre@alpha.example"
NAMES = ("Camille Lefèvre", "Lefèvre Camille", "Lefèvre")
IP = "203.0.113.77"
AGENT = "Mozilla/5.0 (LefevreBrowser)"


@pytest.fixture
def learner_with_traces(assigned, owner):
    """Camille signed in (IP), passed (attestation) and signed a document (signature)."""
    learner = Learner.objects.get(email=EMAIL)
    document = make_document(owner, roles=(Role.LEARNER,), title="Charte")
    token = set_origin(Origin(ip=IP, user_agent=AGENT))
    try:
        url = access.new_sign_in_link(learner)
        user, membership = access.use_sign_in_link(token=url.rstrip("/").rsplit("/", 1)[-1], ip=IP)
        user.set_password("correct-horse-battery-staple")
        user.save()
        assignment = Assignment.objects.get(learner=learner)
        attempt = attempts.start_attempt(assignment=assignment)
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
        sign_document(
            document=document,
            by=membership,
            intent="Lu et approuvé par Camille Lefèvre",
            password="correct-horse-battery-staple",
        )
    finally:
        reset_origin(token)
    return learner


def _text_columns():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = connection.introspection.get_table_description(cursor, table)
            yield table, [c.name for c in columns]


def database_traces(needles: tuple[str, ...]) -> list[str]:
    """Every table, every column cast to text: where any needle still appears."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns in _text_columns():
            for column in columns:
                for needle in needles:
                    cast = (
                        f"CAST({quote(column)} AS TEXT)"
                        if connection.vendor == "postgresql"
                        else quote(column)
                    )
                    cursor.execute(
                        f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER({cast}) LIKE %s",  # noqa: S608
                        [f"%{needle.lower()}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append(f"{table}.{column} ~ {needle}")
    return found


def storage_traces(needles: tuple[str, ...]) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                content = handle.read()
            blobs = [content]
            if content[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    blobs += [archive.read(n) for n in archive.namelist()]
            for needle in needles:
                if any(needle.lower().encode() in blob.lower() for blob in blobs):
                    found.append(f"{path} ~ {needle}")
    return found


def test_erasure_leaves_no_trace_and_keeps_proofs_and_chains(learner_with_traces, owner):
    needles = (EMAIL, *NAMES, IP, "LefevreBrowser")
    assert database_traces(needles), "the set-up must leave traces to find"
    attestation = Attestation.objects.get(learner=learner_with_traces)
    assert AuditEvent.objects.filter(ip=IP).exists()
    assert Signature.objects.filter(signer_name__icontains="Lefèvre").exists()

    request = receive_request(
        organization=owner.organization, kind="erasure", email=EMAIL, by=owner
    )
    request = execute_request(request=request, by=owner, identity_note="pièce d'identité vue")

    left = database_traces(needles)
    assert left == [], [(e.action, e.actor_user_id) for e in AuditEvent.objects.filter(ip=IP)]
    assert storage_traces(needles) == []
    # The attestation still verifies, stating the pseudonym.
    attestation.refresh_from_db()
    assert check_signature(attestation).authentic
    code = request.report["pseudonym"]
    page = Client().get(f"/verify/{attestation.code}/").content.decode()
    assert 'class="alert alert-ok"' in page and "Personne P." in page  # masked pseudonym
    assert attestation.facts["holder_name"] == f"Personne {code}"
    # Every chain still verifies (the command fails on a broken one).
    call_command("audit_verify", stdout=io.StringIO())
    # What is kept, and until when, is part of the kept answer.
    kept = {k["table"] for k in request.report["kept"]}
    assert {"learning.Assignment", "certificates.Attestation"} <= kept
    assert "until" in request.answer or "jusqu" in request.answer
    assert Activity.objects.filter(ip__isnull=False, learner=learner_with_traces).count() == 0
    assert request.status == DataSubjectRequest.Status.DONE


def test_another_organisations_person_is_not_found(learner_with_traces, other_org):
    from django.http import Http404

    from saveit.testing.factories import make_member

    outsider = make_member(other_org, Role.CLIENT_OWNER)
    with pytest.raises(Http404):
        receive_request(organization=other_org, kind="access", email=EMAIL, by=outsider)


def test_erasure_never_rewrites_another_persons_identity_that_merely_resembles(
    learner_with_traces, owner
):
    """A namesake in the same organisation keeps their own name and address (a mention in free
    text is scrubbed; a row of someone else is not the person's)."""
    from saveit.learning.models import Learner

    namesake = Learner.objects.create(
        organization=owner.organization,
        email="homonyme@alpha.example",
        first_name="Camille",
        last_name=NAMES[-1],
    )
    request = receive_request(
        organization=owner.organization, kind="erasure", email=EMAIL, by=owner
    )
    execute_request(request=request, by=owner, identity_note="vu")
    namesake.refresh_from_db()
    assert namesake.email == "homonyme@alpha.example"
    assert (namesake.first_name, namesake.last_name) == ("Camille", NAMES[-1])
