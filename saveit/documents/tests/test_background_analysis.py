"""Large uploads are analysed by the worker: the request stores the file and answers at once; the
version stays a draft without outline until the analysis succeeds, and only then supersedes the
version in force (so nothing built on it is marked outdated before its successor is usable)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.core.models import BackgroundJob
from saveit.documents import services
from saveit.documents.models import DocumentVersion
from saveit.documents.services import VersionInput, put_in_force, upload_version
from saveit.testing import sample_files as samples
from saveit.testing.factories import bearer, make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db

Status = DocumentVersion.Status
Extraction = DocumentVersion.Extraction


@pytest.fixture
def engagement(client_org, provider):
    from saveit.accounts.roles import Role

    return make_engagement(client_org, make_member(provider, Role.PROJECT_MANAGER))


@pytest.fixture
def in_background(settings):
    settings.INGEST_INLINE_MAX_BYTES = 0  # every file is "large"


def _upload(engagement, member, content, name="procedure.txt", **overrides):
    data = {"title": "Hygiène", "version_label": "1.0", "scopes": []} | overrides
    return upload_version(
        engagement=engagement, by=member, uploaded_file=(content, name), data=VersionInput(**data)
    )


def _text(marker: str) -> bytes:
    return samples.sample_text(extra_paragraph=f"Marque {marker}.")


def test_a_small_file_is_analysed_in_the_request(engagement, owner):
    version = _upload(engagement, owner, _text("a"))
    assert version.extraction == Extraction.READY and version.status == Status.IN_FORCE
    assert version.outline["sections"] and version.extraction_job_id is None
    assert not BackgroundJob.objects.exists()


def test_a_large_file_waits_for_the_worker_before_superseding_anything(
    engagement, owner, in_background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _upload(engagement, owner, _text("v1"))
    first.refresh_from_db()
    assert first.status == Status.IN_FORCE and first.is_analysed

    superseded_calls: list[dict] = []
    handler = services.version_superseded.register(lambda **kw: superseded_calls.append(kw))
    try:
        with django_capture_on_commit_callbacks(execute=False) as queued:
            second = _upload(
                engagement, owner, _text("v2"), source_id=first.source_id, version_label="2.0"
            )
        # Stored, fingerprinted, a draft without outline; the version in force is untouched.
        assert (second.status, second.extraction, second.outline) == (
            Status.DRAFT,
            Extraction.PENDING,
            {},
        )
        assert second.requested_status == Status.IN_FORCE
        first.refresh_from_db()
        assert first.status == Status.IN_FORCE and superseded_calls == []
        job = BackgroundJob.objects.get(pk=second.extraction_job_id)
        assert job.kind == "documents.extract" and job.requested_by_id == owner.user_id

        for callback in queued:  # the worker takes the job
            callback()
    finally:
        services.version_superseded._handlers.remove(handler)

    second.refresh_from_db()
    first.refresh_from_db()
    assert second.extraction == Extraction.READY and second.status == Status.IN_FORCE
    assert second.outline["sections"] and second.requested_status == ""
    assert first.status == Status.SUPERSEDED
    assert superseded_calls[0]["superseded_ids"] == [first.pk]
    events = AuditEvent.objects.filter(action="source.version_analysed")
    event = next(e for e in events if e.after["version"] == second.pk)
    assert event.after["superseded"] == [first.pk] and event.after["status"] == Status.IN_FORCE
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE


def test_a_file_that_cannot_be_analysed_says_why_and_cannot_be_used(
    engagement, owner, in_background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = _upload(engagement, owner, samples.scanned_pdf(), name="scan.pdf")
    version.refresh_from_db()
    assert version.extraction == Extraction.FAILED and version.status == Status.DRAFT
    assert "text" in version.extraction_error
    job = BackgroundJob.objects.get(pk=version.extraction_job_id)
    assert job.status == BackgroundJob.Status.FAILED and job.error == version.extraction_error
    with pytest.raises(Refusal) as refused:
        put_in_force(version=version, by=owner)
    assert refused.value.code == "not_analysed"
    # The same file may be sent again (it is not a duplicate of a usable version).
    with django_capture_on_commit_callbacks(execute=True):
        again = _upload(
            engagement, owner, samples.scanned_pdf(), name="scan.pdf", source_id=version.source_id
        )
    assert again.pk != version.pk


def test_a_wrong_file_is_still_refused_in_the_request(engagement, owner, in_background):
    with pytest.raises(Refusal) as refused:
        _upload(engagement, owner, samples.renamed_exe(), name="procedure.docx")
    assert refused.value.code == "unsupported_type"
    assert not DocumentVersion.objects.exists() and not BackgroundJob.objects.exists()


def test_a_late_analysis_does_not_override_a_later_version_in_force(
    engagement, owner, in_background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        slow = _upload(engagement, owner, _text("lent"))
    source_id = slow.source_id
    engagement.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        fast = _upload(engagement, owner, _text("rapide"), source_id=source_id, version_label="2")
    for callback in queued:
        callback()
    slow.refresh_from_db()
    fast.refresh_from_db()
    assert fast.status == Status.IN_FORCE
    assert slow.is_analysed and slow.status == Status.DRAFT


def test_modules_cannot_be_built_on_a_version_still_being_analysed(
    engagement, owner, designer, in_background
):
    from saveit.catalog.services.modules import _sources

    version = _upload(engagement, owner, _text("x"), status=Status.DRAFT)
    with pytest.raises(Refusal):
        _sources(engagement, [version.pk])


def test_the_page_polls_while_pending_then_reloads(
    engagement, owner, in_background, django_capture_on_commit_callbacks
):
    client = signed_in(owner)
    url = reverse("documents:sources", args=[engagement.pk])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            url,
            {
                "title": "Hygiène",
                "version_label": "1",
                "status": Status.IN_FORCE,
                "file": SimpleUploadedFile("procedure.txt", _text("page")),
            },
            follow=True,
        )
    page = response.content.decode()
    version = DocumentVersion.objects.get()
    detail = reverse("documents:version", args=[engagement.pk, version.pk])
    assert "arrière-plan" in page or "background" in page
    assert f'hx-get="{detail}"' in page
    fragment = client.get(detail, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    for callback in queued:
        callback()
    done = client.get(detail, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert "hx-trigger" not in client.get(detail).content.decode()


def test_the_api_answers_202_with_the_job_to_follow(
    engagement, owner, in_background, django_capture_on_commit_callbacks
):
    from django.test import Client

    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            f"/api/v1/engagements/{engagement.pk}/sources",
            {
                "title": "Hygiène",
                "version_label": "1",
                "file": SimpleUploadedFile("procedure.txt", _text("api")),
            },
            headers=bearer(owner),
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["extraction"] == "pending" and body["status"] == "draft"
    assert body["requested_status"] == "in_force"
    job = Client().get(body["job_url"], headers=bearer(owner)).json()
    assert job["status"] == "done"
    version = Client().get(
        f"/api/v1/engagements/{engagement.pk}/sources/versions/{body['id']}",
        headers=bearer(owner),
    )
    assert version.json()["extraction"] == "ready" and version.json()["status"] == "in_force"
