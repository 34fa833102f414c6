"""A large SLA report: its PDF or XLSX rendered by a background job (the same file as the
immediate download), followed on the job's page or at the API's 202 job URL, by its requester."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from freezegun import freeze_time

from saveit.accounts.roles import Role
from saveit.core.jobs import can_retry, execute
from saveit.core.models import BackgroundJob
from saveit.support import services
from saveit.support.clock import PARIS
from saveit.support.report import close_report, report_rows
from saveit.testing.factories import bearer, make_member, make_organization, signed_in

from .factories import make_agent, make_contract


def _members(content: bytes) -> dict[str, bytes] | bytes:
    """A PDF's bytes; an XLSX's parts (a zip entry's date may come from a file's real time)."""
    if not content.startswith(b"PK"):
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def report(db):
    contract = make_contract()
    services.record_outage(
        contract=contract,
        by=make_agent(),
        started_at=dt.datetime(2026, 5, 4, 10, tzinfo=PARIS),
        ended_at=dt.datetime(2026, 5, 4, 12, tzinfo=PARIS),
        cause="Panne disque",
    )
    report, _created = close_report(contract=contract, month=dt.date(2026, 5, 1), send=False)
    return report


@pytest.fixture
def reader(report):
    return make_member(report.contract.client, Role.CLIENT_OWNER)


@freeze_time("2026-06-03 10:15:00")
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_a_large_report_goes_to_a_job_that_renders_the_immediate_file(
    report, reader, settings, django_capture_on_commit_callbacks, fmt
):
    browser = signed_in(reader)
    url = reverse(f"support:report_{fmt}", args=[report.pk])
    immediate = browser.get(url)
    assert immediate.status_code == 200 and "attachment" in immediate["Content-Disposition"]

    settings.SLA_REPORT_BACKGROUND_ROWS = report_rows(report) - 1
    with django_capture_on_commit_callbacks(execute=True):
        started = browser.get(url)
    job = BackgroundJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse("core:job", args=[job.pk])
    assert job.status == BackgroundJob.Status.DONE and job.percent == 100
    download = browser.get(reverse("core:job_download", args=[job.pk]))
    assert download["Content-Disposition"] == immediate["Content-Disposition"]
    assert download["Content-Type"] == immediate["Content-Type"]
    assert _members(_content(download)) == _members(_content(immediate))


def test_the_api_answers_202_with_the_job_url_below_the_threshold_the_file(
    report, reader, settings, django_capture_on_commit_callbacks
):
    api = signed_in(reader)
    headers = bearer(reader)
    url = f"/api/v1/support/reports/{report.pk}/xlsx"
    at_once = api.get(url, headers=headers)
    assert at_once.status_code == 200 and at_once.content.startswith(b"PK")
    assert not BackgroundJob.objects.exists()

    settings.SLA_REPORT_BACKGROUND_ROWS = -1  # every report in the background
    with django_capture_on_commit_callbacks(execute=True):
        accepted = api.get(f"/api/v1/support/reports/{report.pk}/pdf", headers=headers)
    assert accepted.status_code == 202
    job = BackgroundJob.objects.get()
    assert accepted.json()["job_url"] == f"/api/v1/jobs/{job.pk}"
    followed = api.get(accepted.json()["job_url"], headers=headers).json()
    assert followed["status"] == "done"
    assert _content(api.get(followed["result_url"], headers=headers)).startswith(b"%PDF")


def test_another_tenant_cannot_read_the_job_nor_start_one(
    report, reader, settings, django_capture_on_commit_callbacks
):
    settings.SLA_REPORT_BACKGROUND_ROWS = -1
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(reader).get(reverse("support:report_pdf", args=[report.pk]))
    job = BackgroundJob.objects.get()
    stranger = make_member(make_organization(), Role.CLIENT_OWNER)
    colleague = make_member(report.contract.client, Role.CLIENT_MANAGER)
    for member in (stranger, colleague):
        browser = signed_in(member)
        assert browser.get(reverse("core:job", args=[job.pk])).status_code == 404
        assert browser.get(reverse("core:job_download", args=[job.pk])).status_code == 404
        assert browser.get(f"/api/v1/jobs/{job.pk}", headers=bearer(member)).status_code == 404
    browser = signed_in(stranger)
    assert browser.get(reverse("support:report_pdf", args=[report.pk])).status_code == 404
    api = browser.get(f"/api/v1/support/reports/{report.pk}/pdf", headers=bearer(stranger))
    assert api.status_code == 404
    assert BackgroundJob.objects.count() == 1


def test_a_reader_who_left_before_the_job_ran_gets_its_reason_and_a_retry(report, reader, settings):
    settings.SLA_REPORT_BACKGROUND_ROWS = -1
    signed_in(reader).get(reverse("support:report_xlsx", args=[report.pk]))  # queued, not run
    job = BackgroundJob.objects.get()
    reader.is_active = False
    reader.save(update_fields=["is_active"])
    assert execute(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "Vous ne pouvez plus lire ce rapport." and can_retry(job)
