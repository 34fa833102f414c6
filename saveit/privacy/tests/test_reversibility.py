"""Reversibility: the export loads back (same counts and hashes, chains verify); the import
refuses a modified zip or an organisation already here, changing nothing."""

from __future__ import annotations

import io
import json
import shutil
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from saveit.accounts.models import Organization
from saveit.accounts.roles import Role
from saveit.audit.evidence import verify_pack
from saveit.audit.models import AuditEvent, Document
from saveit.audit.services import sign_document
from saveit.learning.models import Assignment, Learner
from saveit.learning.services import attempts
from saveit.testing.factories import make_document, make_member
from saveit.testing.learning_setup import Form, answers_for

from ..destruction import destroy_organization
from ..models import LegalHold, Reversibility

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


@pytest.fixture
def client_data(assigned, owner):
    assignment = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    owner.user.set_password("correct-horse-battery-staple")
    owner.user.save()
    document = make_document(owner, roles=(Role.CLIENT_OWNER,), title="Charte")
    sign_document(
        document=document,
        by=owner,
        intent="Bon pour accord",
        password="correct-horse-battery-staple",
    )
    return owner.organization


def export(org: Organization, path) -> dict:
    call_command("reversibility_export", org=org.slug, output=str(path), stdout=io.StringIO())
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def table_digests(manifest: dict) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in manifest["files"] if f["path"].startswith("tables/")}


def test_the_export_is_sealed_and_complete(client_data, tmp_path):
    path = tmp_path / "export.zip"
    manifest = export(client_data, path)
    assert verify_pack(str(path)).ok
    assert manifest["schema_version"] == 1
    assert manifest["tables"]["learning.Assignment"]["rows"] == Assignment.objects.count()
    names = zipfile.ZipFile(path).namelist()
    for expected in ("LISEZMOI.txt", "dictionnaire.csv", "audit/chain.jsonl", "seal.json",
                     "audit/verifier/verify.py", "scorm/LICENCE.txt",
                     "tables/learning.Learner.csv", "tables/learning.Learner.jsonl"):  # fmt: skip
        assert expected in names, expected
    assert any(n.startswith("pdf/attestations/") for n in names)
    assert any(n.startswith("scorm/") and n.endswith(".zip") for n in names)
    assert any(n.startswith("files/documents/") for n in names)
    assert "password" not in zipfile.ZipFile(path).read("tables/accounts.User.jsonl").decode()


def test_round_trip_after_destruction_gives_the_same_counts_and_hashes(
    client_data, provider, tmp_path
):
    first = tmp_path / "first.zip"
    manifest = export(client_data, first)
    slug = client_data.slug
    admin = make_member(provider, Role.ADMIN)
    record = Reversibility.objects.get(organization=client_data)
    destroy_organization(export=record, by=admin)
    assert not Organization.objects.filter(slug=slug).exists()
    assert not Learner.objects.exists()
    record.refresh_from_db()
    assert record.certificate is not None and record.destroyed_at
    assert AuditEvent.objects.filter(
        organization=provider, action="privacy.organization_destroyed"
    ).exists()

    call_command("reversibility_import", input=str(first), stdout=io.StringIO())
    again = export(Organization.objects.get(slug=slug), tmp_path / "second.zip")
    assert again["tables"] == manifest["tables"]
    assert table_digests(again) == table_digests(manifest)
    call_command("audit_verify", stdout=io.StringIO())
    # Loading it a second time is refused: the organisation is here now.
    with pytest.raises(CommandError):
        call_command("reversibility_import", input=str(first), stdout=io.StringIO())


def test_a_modified_zip_is_refused_and_nothing_changes(client_data, provider, tmp_path):
    original = tmp_path / "export.zip"
    export(client_data, original)
    admin = make_member(provider, Role.ADMIN)
    destroy_organization(export=Reversibility.objects.get(organization=client_data), by=admin)
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(tampered, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "tables/learning.Learner.jsonl":
                content = content.replace(b"Camille", b"Camilla")
            target.writestr(info, content)
    counts = (Organization.objects.count(), Learner.objects.count(), Document.objects.count())
    with pytest.raises(CommandError):
        call_command("reversibility_import", input=str(tampered), stdout=io.StringIO())
    assert counts == (
        Organization.objects.count(),
        Learner.objects.count(),
        Document.objects.count(),
    )


def test_a_legal_hold_forbids_the_destruction(client_data, provider, tmp_path):
    from django.utils import timezone

    from saveit.core.errors import Refusal

    export(client_data, tmp_path / "export.zip")
    admin = make_member(provider, Role.ADMIN)
    LegalHold.objects.create(
        organization=client_data, reason="Litige", placed_at=timezone.now(), placed_by=admin
    )
    with pytest.raises(Refusal):
        destroy_organization(export=Reversibility.objects.get(organization=client_data), by=admin)
    assert Learner.objects.exists()


def test_a_tampered_installation_is_not_exported(client_data, tmp_path):
    AuditEvent.objects.filter(organization=client_data, seq=1).update(action="forged")
    with pytest.raises(CommandError):
        export(client_data, tmp_path / "export.zip")


def test_the_standalone_verifier_checks_the_chain(client_data, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "export.zip"
    export(client_data, path)
    with zipfile.ZipFile(path) as archive:
        archive.extractall(tmp_path / "out")
    shutil.rmtree(tmp_path / "out" / "files", ignore_errors=True)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "out/audit/verifier/verify.py"),
         str(tmp_path / "out/audit/chain.jsonl")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.startswith("ok:"), done.stderr
