"""The upload service: hostile files leave nothing behind; versions supersede and go in force."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.documents import selectors
from saveit.documents.models import DocumentVersion, SourceDocument
from saveit.documents.services import VersionInput, put_in_force, upload_version
from saveit.testing import sample_files as samples
from saveit.testing.factories import bearer, make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db

Status = DocumentVersion.Status


@pytest.fixture
def engagement(client_org, provider):
    from saveit.accounts.roles import Role

    return make_engagement(client_org, make_member(provider, Role.PROJECT_MANAGER))


def _upload(engagement, member, content, name, **overrides):
    data = {"title": "Hygiène", "version_label": "1.0", "scopes": ["Site de Lyon"]} | overrides
    return upload_version(
        engagement=engagement, by=member, uploaded_file=(content, name), data=VersionInput(**data)
    )


def _stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("content", "code", "words"),
    [
        (samples.renamed_exe(), "unsupported_type", "program"),
        (samples.malformed_docx(), "malformed", "damaged"),
        (samples.zip_bomb(), "zip_bomb", "suspicious size"),
    ],
    ids=["renamed executable", "malformed docx", "zip bomb"],
)
def test_a_hostile_file_is_refused_clearly_and_nothing_is_stored(
    engagement, owner, media, content, code, words
):
    events = AuditEvent.objects.filter(organization=engagement.client).count()
    files = _stored_files(media)
    with pytest.raises(Refusal) as refusal:
        _upload(engagement, owner, content, "procedure.docx")
    assert refusal.value.code == code
    assert words in refusal.value.message
    assert not DocumentVersion.objects.exists() and not SourceDocument.objects.exists()
    assert _stored_files(media) == files
    assert AuditEvent.objects.filter(organization=engagement.client).count() == events


def test_a_hostile_file_sent_through_the_page_shows_the_refusal_next_to_the_file(
    engagement, owner, media
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = signed_in(owner).post(
        reverse("documents:sources", args=[engagement.pk]),
        {
            "file": SimpleUploadedFile("procedure.docx", samples.renamed_exe()),
            "title": "Hygiène",
            "version_label": "1",
            "status": Status.IN_FORCE,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not DocumentVersion.objects.exists() and _stored_files(media) == []


def test_a_new_version_in_force_supersedes_the_previous_one(engagement, owner):
    first = _upload(engagement, owner, samples.sample_docx(), "p.docx")
    second = _upload(
        engagement,
        owner,
        samples.sample_docx(extra_paragraph="Une consigne ajoutée."),
        "p.docx",
        version_label="2.0",
        source_id=first.source_id,
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (Status.SUPERSEDED, Status.IN_FORCE)
    assert second.number == 2
    assert list(selectors.in_force_versions(engagement)) == [second]
    event = AuditEvent.objects.filter(action="source.version_uploaded").last()
    assert event.after["superseded"] == [first.pk]


def test_the_same_file_twice_for_one_procedure_is_refused(engagement, owner):
    first = _upload(engagement, owner, samples.sample_text(), "p.txt")
    with pytest.raises(Refusal) as refusal:
        _upload(
            engagement,
            owner,
            samples.sample_text(),
            "p.txt",
            version_label="2",
            source_id=first.source_id,
        )
    assert refusal.value.code == "duplicate_version"
    assert DocumentVersion.objects.count() == 1


def test_the_same_file_under_two_procedures_is_reported_as_a_duplicate(engagement, owner):
    one = _upload(engagement, owner, samples.sample_text(), "p.txt")
    two = _upload(engagement, owner, samples.sample_text(), "copie.txt", title="Copie")
    assert one.sha256 == two.sha256
    assert set(selectors.duplicate_hashes(engagement)[one.sha256]) == {one, two}
    html = signed_in(owner).get(reverse("documents:sources", args=[engagement.pk])).content
    assert html.count(b'class="badge badge-err"') == 2


def test_a_draft_is_put_in_force_and_supersedes_the_version_in_force(engagement, owner):
    current = _upload(engagement, owner, samples.sample_docx(), "p.docx")
    draft = _upload(
        engagement,
        owner,
        samples.sample_docx(extra_paragraph="Nouvelle étape."),
        "p.docx",
        version_label="2.0",
        source_id=current.source_id,
        status=Status.DRAFT,
    )
    current.refresh_from_db()
    assert current.status == Status.IN_FORCE  # a draft changes nothing yet
    put_in_force(version=draft, by=owner)
    current.refresh_from_db()
    draft.refresh_from_db()
    assert (current.status, draft.status) == (Status.SUPERSEDED, Status.IN_FORCE)
    event = AuditEvent.objects.filter(action="source.version_put_in_force").get()
    assert event.after == {
        "source": draft.source_id,
        "version": draft.pk,
        "superseded": [current.pk],
    }


def test_only_a_draft_by_an_uploader_can_be_put_in_force(engagement, owner, manager):
    version = _upload(engagement, owner, samples.sample_text(), "p.txt", status=Status.DRAFT)
    events = AuditEvent.objects.count()
    with pytest.raises(Refusal) as refusal:
        put_in_force(version=version, by=manager)
    assert refusal.value.code == "forbidden"
    put_in_force(version=version, by=owner)
    with pytest.raises(Refusal) as refusal:
        put_in_force(version=version, by=owner)
    assert refusal.value.code == "not_draft"
    assert AuditEvent.objects.count() == events + 1


def test_an_older_draft_cannot_replace_a_later_version_in_force(engagement, owner):
    draft = _upload(engagement, owner, samples.sample_text(), "p.txt", status=Status.DRAFT)
    _upload(
        engagement,
        owner,
        samples.sample_markdown(),
        "p.md",
        version_label="2",
        source_id=draft.source_id,
    )
    with pytest.raises(Refusal) as refusal:
        put_in_force(version=draft, by=owner)
    assert refusal.value.code == "not_latest"


def test_the_source_page_button_and_the_api_put_a_draft_in_force(engagement, owner):
    page_draft = _upload(engagement, owner, samples.sample_text(), "p.txt", status=Status.DRAFT)
    client = signed_in(owner)
    html = client.get(reverse("documents:sources", args=[engagement.pk])).content.decode()
    url = reverse("documents:version_put_in_force", args=[engagement.pk, page_draft.pk])
    assert f'action="{url}"' in html
    assert client.post(url).status_code == 302
    page_draft.refresh_from_db()
    assert page_draft.status == Status.IN_FORCE

    api_draft = _upload(
        engagement, owner, samples.sample_markdown(), "m.md", title="Annexe", status=Status.DRAFT
    )
    response = Client().post(
        f"/api/v1/engagements/{engagement.pk}/sources/versions/{api_draft.pk}/put-in-force",
        json.dumps({}),
        content_type="application/json",
        headers=bearer(owner),
    )
    assert response.status_code == 200 and response.json()["status"] == Status.IN_FORCE
    again = Client().post(
        f"/api/v1/engagements/{engagement.pk}/sources/versions/{api_draft.pk}/put-in-force",
        headers=bearer(owner),
    )
    assert again.status_code == 409 and again.json()["code"] == "not_draft"
