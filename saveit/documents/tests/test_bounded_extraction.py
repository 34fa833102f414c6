"""Parsing an upload runs in a child process held to limits of memory, CPU, time and outline
size: a file that passes one is refused clearly, and nothing is kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.documents.ingest.isolated import too_complex
from saveit.documents.models import DocumentVersion, SourceDocument
from saveit.documents.services import VersionInput, upload_version
from saveit.testing.factories import make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db


def _procedure(sections: int) -> bytes:
    """A Markdown procedure of this many sections (20,000 take about 2 s of CPU to parse)."""
    return "\n\n".join(
        f"## Étape {n}\n\nLe personnel se lave les mains avant l'opération {n}."
        for n in range(sections)
    ).encode()


@pytest.fixture
def engagement(client_org, provider):
    from saveit.accounts.roles import Role

    return make_engagement(client_org, make_member(provider, Role.PROJECT_MANAGER))


def _upload(engagement, member, content):
    with translation.override("fr"):  # as during a request of a French-speaking person
        return upload_version(
            engagement=engagement,
            by=member,
            uploaded_file=(content, "procedure.md"),
            data=VersionInput(title="Hygiène", version_label="1.0", scopes=[]),
        )


def _stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def _refused_as_too_complex(engagement, member, media, content):
    events = AuditEvent.objects.filter(organization=engagement.client).count()
    files = _stored_files(media)
    with pytest.raises(Refusal) as refused:
        _upload(engagement, member, content)
    assert refused.value.code == "too_complex"
    assert "trop volumineux ou trop complexe" in refused.value.message
    assert not DocumentVersion.objects.exists() and not SourceDocument.objects.exists()
    assert _stored_files(media) == files
    assert AuditEvent.objects.filter(organization=engagement.client).count() == events


def test_an_outline_over_the_size_cap_is_refused_and_nothing_is_kept(
    engagement, owner, media, settings
):
    settings.INGEST_MAX_OUTLINE_BYTES = 20_000
    _refused_as_too_complex(engagement, owner, media, _procedure(300))
    settings.INGEST_MAX_OUTLINE_BYTES = 200_000
    assert len(_upload(engagement, owner, _procedure(300)).outline["sections"]) == 300


def _only_limit(settings, **limit) -> None:
    """Every INGEST_* limit far out of reach but the one named, so only that one can refuse."""
    settings.INGEST_MAX_OUTLINE_BYTES = 1024 * 1024 * 1024
    settings.INGEST_TIMEOUT_SECONDS = 600
    settings.INGEST_MAX_CPU_SECONDS = 600
    settings.INGEST_MAX_MEMORY_MB = 8 * 1024
    settings.INGEST_INLINE_MAX_BYTES = 1024 * 1024 * 1024  # these files are parsed in the request
    for name, value in limit.items():
        setattr(settings, name, value)


def test_a_parse_that_outlasts_the_time_limit_is_stopped_and_refused(
    engagement, owner, media, settings
):
    _only_limit(settings, INGEST_TIMEOUT_SECONDS=0.3)  # the parse takes 2 s or more
    _refused_as_too_complex(engagement, owner, media, _procedure(20_000))


def test_a_parse_that_uses_too_much_cpu_is_killed_and_refused(engagement, owner, media, settings):
    _only_limit(settings, INGEST_MAX_CPU_SECONDS=1)
    _refused_as_too_complex(engagement, owner, media, _procedure(20_000))


def test_a_parse_that_needs_too_much_memory_is_refused(engagement, owner, media, settings):
    # About 180 MB are mapped before parsing (Python, Django, the parsers); this file needs
    # 300 MB more.
    _only_limit(settings, INGEST_MAX_MEMORY_MB=300)
    _refused_as_too_complex(engagement, owner, media, _procedure(80_000))


def test_a_refusal_of_the_parser_still_comes_back_from_the_child_in_french(
    engagement, owner, media
):
    with pytest.raises(Refusal) as refused:
        _upload(engagement, owner, b"   \n\n  ")
    assert refused.value.code == "no_text"
    assert refused.value.message == "Ce document ne contient aucun texte exploitable."


def test_the_page_shows_the_too_complex_refusal_next_to_the_file(
    engagement, owner, media, settings
):
    settings.INGEST_MAX_OUTLINE_BYTES = 1_000
    response = signed_in(owner).post(
        reverse("documents:sources", args=[engagement.pk]),
        {
            "file": SimpleUploadedFile("procedure.md", _procedure(50)),
            "title": "Hygiène",
            "version_label": "1",
            "status": DocumentVersion.Status.IN_FORCE,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [too_complex().message]
    assert not DocumentVersion.objects.exists()


def test_the_api_answers_the_too_complex_refusal_with_its_code(engagement, owner, media, settings):
    from django.test import Client

    from saveit.testing.factories import bearer

    settings.INGEST_MAX_OUTLINE_BYTES = 1_000
    response = Client().post(
        f"/api/v1/engagements/{engagement.pk}/sources",
        {
            "title": "Hygiène",
            "version_label": "1",
            "file": SimpleUploadedFile("procedure.md", _procedure(50)),
        },
        headers=bearer(owner),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "too_complex"
    assert "trop volumineux ou trop complexe" in response.json()["detail"]
    assert not DocumentVersion.objects.exists()


def test_in_the_background_the_worker_limits_apply_and_the_refusal_is_kept_on_the_version(
    engagement, owner, media, settings, django_capture_on_commit_callbacks
):
    """A large file is analysed by the worker under INGEST_BACKGROUND_*: a refusal there is
    the version's (and its job's) stated failure, in French."""
    _only_limit(settings, INGEST_INLINE_MAX_BYTES=0, INGEST_BACKGROUND_CPU_SECONDS=1)
    with django_capture_on_commit_callbacks(execute=True):
        version = _upload(engagement, owner, _procedure(20_000))
    version.refresh_from_db()
    assert version.extraction == DocumentVersion.Extraction.FAILED
    with translation.override("fr"):
        assert version.extraction_error == too_complex().message
    assert version.status == DocumentVersion.Status.DRAFT and version.outline == {}
