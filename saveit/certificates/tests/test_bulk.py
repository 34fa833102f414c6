"""Attestations in bulk: the same PDFs as one by one, on every core, zipped with their index."""

# The fixtures imported below are parameters of the tests (pytest's way), not redefinitions.

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse

from saveit.accounts.roles import Role
from saveit.certificates import bulk
from saveit.certificates.bulk import index_csv, render_many, write_attestations_zip
from saveit.certificates.jobs import ATTESTATIONS_ZIP_JOB
from saveit.certificates.models import Attestation
from saveit.certificates.pdf_data import best_qr_mask, render_attestation_pdf
from saveit.certificates.selectors import attestations_of_engagement
from saveit.certificates.services import facts_from_json, revoke_attestation
from saveit.core.jobs import can_retry, execute, retry_job, start_job
from saveit.core.models import BackgroundJob
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.factories import make_auditor, make_member, signed_in
from saveit.testing.learning_setup import Form, answers_for

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def issued(assigned) -> list[Attestation]:
    """The three learners of the population pass: one valid, one revoked, one expired."""
    for assignment in Assignment.objects.filter(module_version=assigned).order_by("pk"):
        attempt = attempts.start_attempt(assignment=assignment)
        outcome = attempts.submit_attempt(
            attempt=attempt, form=Form(answers_for(attempt, right=True))
        )
        assert outcome.passed
    valid, revoked, expired = Attestation.objects.filter(module_version=assigned).order_by("number")
    Attestation.objects.filter(pk=expired.pk).update(valid_until=date(2020, 1, 31))
    return [valid, revoked, expired]


@pytest.fixture
def mixed(issued, pm) -> list[Attestation]:
    revoke_attestation(
        attestation=issued[1], reason="Passed with another learner's account.", by=pm
    )
    attestations = [Attestation.objects.get(pk=a.pk) for a in issued]
    assert [a.state() for a in attestations] == ["valid", "revoked", "expired"]
    return attestations


@pytest.fixture
def in_pool(monkeypatch):
    """Three attestations are enough to go through the worker processes."""
    monkeypatch.setattr(bulk, "SMALL_BATCH", 2)


def single_download(member, attestation: Attestation) -> bytes:
    response = signed_in(member).get(reverse("certificates:pdf", args=[attestation.pk]))
    assert response.status_code == 200
    return response.content


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def zip_content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_bulk_pdfs_are_the_bytes_of_the_single_download_valid_revoked_or_expired(
    mixed, owner, in_pool
):
    expected = [(a.number, single_download(owner, a)) for a in mixed]
    assert list(render_many(mixed, workers=2)) == expected  # in worker processes
    assert list(render_many(mixed, workers=1)) == expected  # in this process
    assert "RÉVOQUÉE" in pdf_text(expected[1][1])
    # Each was issued with its QR mask stored; the bytes are those of choosing it again.
    for attestation, (_number, pdf) in zip(mixed, expected, strict=True):
        assert attestation.qr_mask == best_qr_mask(attestation.facts["verify_url"])
        facts = facts_from_json(attestation.facts)
        assert pdf == render_attestation_pdf(facts, status=attestation.state())
    assert "RÉVOQUÉE" not in pdf_text(expected[0][1]) + pdf_text(expected[2][1])


def test_bulk_rendering_keeps_the_order_given(mixed, in_pool):
    shuffled = [mixed[2], mixed[0], mixed[1]]
    numbers = [number for number, _pdf in render_many(shuffled, workers=2)]
    assert numbers == [a.number for a in shuffled]


def test_a_small_batch_is_rendered_without_starting_worker_processes(mixed, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("a pool was started for three attestations")

    monkeypatch.setattr(bulk, "ProcessPoolExecutor", no_pool)
    assert [number for number, _pdf in render_many(mixed)] == [a.number for a in mixed]
    assert list(render_many([], workers=2)) == []


def test_chunks_are_few_per_worker_and_never_large():
    assert bulk.chunk_size(3, 2) == 1
    assert bulk.chunk_size(200, 2) == 13
    assert bulk.chunk_size(10_000, 2) == bulk.MAX_CHUNK


def test_the_compiling_workers_need_no_django():
    """Workers import only saveit.core.pdf.render: no settings, no database connection."""
    probe = (
        "import sys, saveit.core.pdf.render as r; "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'; "
        "print(len(r.compile_many('attestation', [])))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"


ORPHAN_PROBE = """
import multiprocessing, os, signal, sys
from concurrent.futures import ProcessPoolExecutor
from saveit.core.pdf.render import exit_with_parent

context = multiprocessing.get_context(sys.argv[1])
pool = ProcessPoolExecutor(2, mp_context=context, initializer=exit_with_parent)
print(*{f.result() for f in [pool.submit(os.getpid) for _ in range(8)]}, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_end_when_the_process_that_started_them_is_killed(method):
    """A web server's timeout kills without cleanup: its render workers must not idle on."""
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN_PROBE, method],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -9, done.stderr
    workers = [int(pid) for pid in done.stdout.split()]
    assert workers
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)]


def test_the_zip_holds_every_attestation_with_its_sha256_and_an_index(mixed, in_pool):
    buffer = io.BytesIO()
    rows = write_attestations_zip(mixed, buffer, workers=2)
    assert [row["number"] for row in rows] == [a.number for a in mixed]
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == [f"attestations/{a.number}.pdf" for a in mixed] + ["attestations/index.csv"]
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in archive.infolist())
        pdfs = {name: archive.read(name) for name in names[:-1]}
        index = list(csv.DictReader(io.StringIO(archive.read(names[-1]).decode("utf-8-sig"))))
    for attestation, row, line in zip(mixed, rows, index, strict=True):
        pdf = pdfs[f"attestations/{attestation.number}.pdf"]
        assert row["sha256"] == line["sha256"] == hashlib.sha256(pdf).hexdigest()
        assert row["size"] == len(pdf) and line["size"] == str(len(pdf))
        assert line["number"] == attestation.number
        assert line["holder"] == attestation.facts["holder_name"] == attestation.learner.full_name
        assert line["module"] == attestation.facts["module_code"]
        assert line["version"] == attestation.module_version.label
        assert line["score"] == str(attestation.score)
        assert line["state"] == attestation.state()
    assert [line["state"] for line in index] == ["valid", "revoked", "expired"]
    assert index[2]["valid_until"] == "2020-01-31"
    text = pdf_text(pdfs[f"attestations/{mixed[0].number}.pdf"])
    assert mixed[0].learner.full_name in text and mixed[0].number in text


def test_the_index_defuses_a_name_a_spreadsheet_would_run_as_a_formula():
    row = dict.fromkeys(bulk.INDEX_COLUMNS, "")
    row["holder"] = '=HYPERLINK("https://evil.example")'
    line = index_csv([row]).decode("utf-8-sig").splitlines()[1]
    assert "'=HYPERLINK" in line


def test_the_selector_reaches_the_attestations_through_their_engagement(mixed, deployed):
    engagement_, _version = deployed
    assert set(attestations_of_engagement(engagement_)) == set(mixed)


@pytest.mark.parametrize("reader", ["owner", "manager", "pm"])
def test_the_engagement_archive_is_built_in_the_background_from_the_web_and_the_api(
    mixed, deployed, reader, request, django_capture_on_commit_callbacks
):
    engagement_, _version = deployed
    member = request.getfixturevalue(reader)
    browser = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        web = browser.post(reverse("certificates:engagement_zip", args=[engagement_.pk]))
    assert web.status_code == 302
    web_job = BackgroundJob.objects.get(pk=web["Location"].split("/")[-2])
    assert web["Location"] == reverse("core:job", args=[web_job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        api = browser.post(f"/api/v1/engagements/{engagement_.pk}/attestations.zip")
    assert api.status_code == 202
    api_job = BackgroundJob.objects.get(pk=api.json()["id"])
    assert api.json()["job_url"] == f"/api/v1/jobs/{api_job.pk}"
    for job in (web_job, api_job):
        job.refresh_from_db()
        assert job.status == BackgroundJob.Status.DONE, job.error
        assert (job.done, job.total) == (len(mixed), len(mixed))  # progress: one per PDF
        assert job.requested_by_id == member.user_id
        assert job.organization_id == member.organization_id
        download = browser.get(reverse("core:job_download", args=[job.pk]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/zip"
        assert (
            f'filename="attestations-{engagement_.reference}.zip"'
            in (download["Content-Disposition"])
        )
        with zipfile.ZipFile(io.BytesIO(zip_content(download))) as archive:
            assert sorted(archive.namelist()) == sorted(
                [f"attestations/{a.number}.pdf" for a in mixed] + ["attestations/index.csv"]
            )
            first = min(mixed, key=lambda a: a.number)
            pdf = archive.read(f"attestations/{first.number}.pdf")
            assert pdf == single_download(member, first)  # the bytes of its own download
    # Only its author follows it: a colleague of the same organisation gets 404.
    colleague = signed_in(make_member(engagement_.client, Role.CLIENT_MANAGER))
    assert colleague.get(reverse("core:job", args=[web_job.pk])).status_code == 404
    assert colleague.get(reverse("core:job_download", args=[web_job.pk])).status_code == 404


def test_a_vanished_engagement_fails_the_job_with_its_reason_and_a_retry_fails_again(
    mixed, deployed, owner, django_capture_on_commit_callbacks
):
    engagement_, _version = deployed
    job = start_job(
        kind=ATTESTATIONS_ZIP_JOB,
        organization_id=engagement_.client_id,
        requested_by=owner.user_id,
        params={"engagement": 0},
    )
    assert execute(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.error == "The engagement no longer exists." and can_retry(job)
    assert retry_job(job)
    assert execute(str(job.pk)) == "failed"


def test_another_organisation_gets_404_and_an_auditor_403(mixed, deployed, outsider, client_org):
    engagement_, _version = deployed
    web = reverse("certificates:engagement_zip", args=[engagement_.pk])
    api = f"/api/v1/engagements/{engagement_.pk}/attestations.zip"
    stranger = signed_in(outsider)
    assert stranger.post(web).status_code == 404
    assert stranger.post(api).status_code == 404
    learner = signed_in(make_member(client_org, Role.LEARNER))
    assert learner.post(web).status_code == 404
    auditor = signed_in(make_auditor(client_org, engagement_.pk))
    assert auditor.post(web).status_code == 403
    assert auditor.post(api).status_code == 403
    assert stranger.get(web).status_code == 405  # never started by a mere link
    assert not BackgroundJob.objects.exists()


def test_the_deployment_page_offers_the_archive_to_those_who_may_download_it(
    mixed, deployed, owner, client_org
):
    engagement_, _version = deployed
    page = reverse("learning:deployment", args=[engagement_.pk])
    link = reverse("certificates:engagement_zip", args=[engagement_.pk])
    assert link in signed_in(owner).get(page).content.decode()
    auditor_page = signed_in(make_auditor(client_org, engagement_.pk)).get(page)
    assert auditor_page.status_code == 200 and link not in auditor_page.content.decode()
