"""Large dashboard exports: written by a background job (same file as the immediate download),
followed on the job's page or at the API's 202 job URL, by the person who asked only."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from saveit.accounts.roles import Role
from saveit.core.jobs import can_retry, execute
from saveit.core.models import BackgroundJob
from saveit.testing.factories import bearer, make_member, signed_in


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _members(content: bytes) -> dict[str, bytes] | bytes:
    """A file's content; an XLSX's as its parts (openpyxl dates the sheet's zip entry with its
    temporary file's time, which freezegun does not reach)."""
    if not content.startswith(b"PK"):
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _export_url(engagement, fmt: str, table: str = "learners") -> str:
    return reverse("reporting:engagement_export", args=[engagement.pk, table, fmt])


@pytest.fixture
def engagement_(assigned, deployed):
    return deployed[0]


@pytest.fixture
def small_threshold(settings):
    settings.REPORTING_EXPORT_BACKGROUND_ROWS = 2  # the engagement has 3 assignments


@freeze_time("2026-11-03 10:15:00")
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_learner_export_goes_to_a_job_that_writes_the_immediate_file(
    engagement_, manager, settings, django_capture_on_commit_callbacks, fmt
):
    browser = signed_in(manager)
    settings.REPORTING_EXPORT_BACKGROUND_ROWS = 100
    immediate = browser.get(_export_url(engagement_, fmt), {"site": "Lyon"})
    assert immediate.status_code == 200 and "attachment" in immediate["Content-Disposition"]

    settings.REPORTING_EXPORT_BACKGROUND_ROWS = 1  # Lyon: 2 assignments
    with django_capture_on_commit_callbacks(execute=True):
        started = browser.get(_export_url(engagement_, fmt), {"site": "Lyon"})
    job = BackgroundJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == BackgroundJob.Status.DONE and (job.done, job.total) == (2, 2)
    assert job.params["filters"] == {"site": "Lyon"} and "Lyon" in job.params["subtitle"]
    page = browser.get(reverse("core:job", args=[job.pk])).content.decode()
    assert reverse("core:job_download", args=[job.pk]) in page
    download = browser.get(reverse("core:job_download", args=[job.pk]))
    assert download["Content-Disposition"] == immediate["Content-Disposition"]
    content = _content(download)
    assert _members(content) == _members(_content(immediate))  # same bytes, XLSX part by part
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(content)).active.values)
        assert len(rows) == 3 and {row[4] for row in rows[1:]} == {"Lyon"}


def test_the_api_answers_202_with_the_job_url_and_the_job_gives_the_file(
    engagement_, manager, small_threshold, django_capture_on_commit_callbacks
):
    api = signed_in(manager)
    headers = bearer(manager)
    url = f"/api/v1/engagements/{engagement_.pk}/exports/learners"
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.get(url, {"format": "csv"}, headers=headers)
    assert accepted.status_code == 202
    job = BackgroundJob.objects.get()
    assert accepted.json() == {
        "id": str(job.pk),
        "status": "queued",
        "job_url": f"/api/v1/jobs/{job.pk}",
    }
    followed = api.get(accepted.json()["job_url"], headers=headers).json()
    assert followed["status"] == "done" and followed["percent"] == 100
    result = api.get(followed["result_url"], headers=headers)
    lines = _content(result).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Nom;Prénom") and len(lines) == 4


def test_below_the_threshold_the_file_comes_at_once_page_and_api(engagement_, manager):
    browser = signed_in(manager)
    page = browser.get(_export_url(engagement_, "xlsx"))
    assert page.status_code == 200 and page["Content-Type"].startswith("application/vnd.openxml")
    api = browser.get(
        f"/api/v1/engagements/{engagement_.pk}/exports/learners",
        {"format": "csv"},
        headers=bearer(manager),
    )
    assert api.status_code == 200 and len(_content(api).decode().splitlines()) == 4
    # The dashboard's other tables read the cubes: always at once, whatever the threshold.
    assert not BackgroundJob.objects.exists()


def test_another_tenant_and_a_colleague_cannot_follow_or_download_the_job(
    engagement_, manager, outsider, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(manager).get(_export_url(engagement_, "csv"))
    job = BackgroundJob.objects.get()
    colleague = make_member(manager.organization, Role.CLIENT_OWNER)
    for member in (outsider, colleague):
        browser = signed_in(member)
        assert browser.get(reverse("core:job", args=[job.pk])).status_code == 404
        assert browser.get(reverse("core:job_download", args=[job.pk])).status_code == 404
        api = browser.get(f"/api/v1/jobs/{job.pk}/result", headers=bearer(member))
        assert api.status_code == 404
    # Nor start one on a dashboard that is not theirs.
    assert signed_in(outsider).get(_export_url(engagement_, "csv")).status_code == 404
    assert BackgroundJob.objects.count() == 1


def test_a_reader_who_lost_access_before_the_job_ran_gets_its_reason_and_a_retry(
    engagement_, manager, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        signed_in(manager).get(_export_url(engagement_, "csv"))
    job = BackgroundJob.objects.get()
    manager.role = Role.LEARNER
    manager.save(update_fields=["role"])
    assert execute(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "Vous ne pouvez plus lire ce tableau de bord." and can_retry(job)
    assert not job.result_name
