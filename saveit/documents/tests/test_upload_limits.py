"""Big uploads are stopped early: the body is not read past the size limit, nothing is kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from saveit.audit.models import AuditEvent
from saveit.core import uploads
from saveit.documents.models import DocumentVersion, SourceDocument
from saveit.testing.factories import bearer, make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db

LIMIT = 100 * 1024
CHUNK = 64 * 1024  # Django's upload chunk size


@pytest.fixture
def engagement(client_org, provider):
    from saveit.accounts.roles import Role

    return make_engagement(client_org, make_member(provider, Role.PROJECT_MANAGER))


def _stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _unread(response) -> int:
    """How many bytes of the request body the server never read."""
    return len(response.wsgi_request.environ["wsgi.input"])


def _send_page(engagement, owner, size):
    return signed_in(owner).post(
        reverse("documents:sources", args=[engagement.pk]),
        {
            "title": "Hygiène",
            "version_label": "1",
            "status": DocumentVersion.Status.IN_FORCE,
            "file": SimpleUploadedFile("procedure.txt", b"a" * size),
        },
    )


def _send_api(engagement, headers, size):
    return Client().post(
        f"/api/v1/engagements/{engagement.pk}/sources",
        {
            "title": "Hygiène",
            "version_label": "1",
            "file": SimpleUploadedFile("procedure.txt", b"a" * size),
        },
        headers=headers,
    )


def _nothing_kept(engagement, media, files, events):
    assert not DocumentVersion.objects.exists() and not SourceDocument.objects.exists()
    assert _stored_files(media) == files
    assert AuditEvent.objects.filter(organization=engagement.client).count() == events


@pytest.mark.parametrize(
    ("size", "most_read"),
    [
        # Declared length within the limit plus the form's margin: read up to the limit only.
        (LIMIT + 6 * CHUNK, LIMIT + 2 * CHUNK),
        # Declared length far over: stopped at the file's first bytes.
        (LIMIT + uploads.UPLOAD_FORM_MARGIN + 40 * CHUNK, 2 * CHUNK),
    ],
    ids=["file passes the limit while read", "request declares too much"],
)
def test_a_file_over_the_limit_sent_through_the_page_is_refused_without_reading_it_all(
    engagement, owner, media, settings, size, most_read
):
    settings.UPLOAD_MAX_BYTES = LIMIT
    events = AuditEvent.objects.filter(organization=engagement.client).count()
    files = _stored_files(media)
    response = _send_page(engagement, owner, size)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [uploads.too_big(LIMIT).message]
    assert "trop volumineux" in response.content.decode()
    body = len(response.wsgi_request.environ["wsgi.input"]._FakePayload__content.getvalue())
    assert body - _unread(response) < most_read
    _nothing_kept(engagement, media, files, events)


@pytest.mark.parametrize(
    ("size", "most_read"),
    [
        (LIMIT + 6 * CHUNK, LIMIT + 2 * CHUNK),
        (LIMIT + uploads.UPLOAD_FORM_MARGIN + 40 * CHUNK, 2 * CHUNK),
    ],
    ids=["file passes the limit while read", "request declares too much"],
)
def test_a_file_over_the_limit_sent_to_the_api_is_refused_without_reading_it_all(
    engagement, owner, media, settings, size, most_read
):
    settings.UPLOAD_MAX_BYTES = LIMIT
    headers = bearer(owner)
    events = AuditEvent.objects.filter(organization=engagement.client).count()
    files = _stored_files(media)
    response = _send_api(engagement, headers, size)
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "too_big"
    assert "trop" in response.json()["detail"]
    body = len(response.wsgi_request.environ["wsgi.input"]._FakePayload__content.getvalue())
    assert body - _unread(response) < most_read
    _nothing_kept(engagement, media, files, events)


def test_a_file_within_the_limit_still_goes_through(engagement, owner, settings, media):
    settings.UPLOAD_MAX_BYTES = LIMIT
    text = ("Procédure d'hygiène. " * 4000).encode()[: LIMIT - 10]
    response = Client().post(
        f"/api/v1/engagements/{engagement.pk}/sources",
        {"title": "Hygiène", "version_label": "1", "file": SimpleUploadedFile("p.txt", text)},
        headers=bearer(owner),
    )
    assert response.status_code == 201, response.content
    assert DocumentVersion.objects.get().size == len(text)


def test_the_page_refusal_survives_the_csrf_check_when_the_body_is_stopped(
    engagement, owner, media, settings
):
    settings.UPLOAD_MAX_BYTES = LIMIT
    browser = signed_in(owner)
    browser.handler.enforce_csrf_checks = True
    url = reverse("documents:sources", args=[engagement.pk])
    browser.get(url)
    response = browser.post(
        url,
        {
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,  # first, as in the form
            "title": "Hygiène",
            "version_label": "1",
            "file": SimpleUploadedFile("procedure.txt", b"a" * (LIMIT + 40 * CHUNK)),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [uploads.too_big(LIMIT).message]
    assert not DocumentVersion.objects.exists()
