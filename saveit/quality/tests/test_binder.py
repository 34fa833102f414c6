"""The audit binder: sealed like an evidence pack, a changed file is detected; built as a job."""

import io
import zipfile

from django.test import Client

from saveit.quality import services
from saveit.quality.binder import build_binder, verify_binder
from saveit.quality.models import Framework
from saveit.testing.factories import bearer, signed_in


def _binder(provider, number=None) -> bytes:
    services.refresh_evidence(provider=provider)
    target = io.BytesIO()
    build_binder(
        provider=provider,
        framework=Framework.objects.get(code="qualiopi"),
        target=target,
        indicator_number=number,
    )
    return target.getvalue()


def test_the_whole_framework_binder_verifies_and_holds_every_indicator(provider):
    data = _binder(provider)
    report = verify_binder(io.BytesIO(data))
    assert report.ok, report.problems
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "manifest.json" in names and "seal.json" in names
    assert sum(n.endswith("synthese.pdf") for n in names) == 32
    assert "indicateurs/31/preuves/reclamations.csv" in names


def test_a_changed_file_is_detected(provider):
    data = _binder(provider, number=31)
    source = zipfile.ZipFile(io.BytesIO(data))
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "preuves/liens.json":
                content = content.replace(b"procedure", b"procedurX")
            out.writestr(info, content)
    report = verify_binder(io.BytesIO(tampered.getvalue()))
    assert not report.ok
    assert any("preuves/liens.json" in p for p in report.problems)


def test_the_binder_is_built_in_the_background_and_downloaded(
    provider, quality_manager, django_capture_on_commit_callbacks
):
    browser = signed_in(quality_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post("/qualite/classeur/qualiopi/", {"indicator": "31"})
    assert response.status_code == 302
    job_page = browser.get(response["Location"])
    assert job_page.status_code == 200
    from saveit.core.models import BackgroundJob

    job = BackgroundJob.objects.get()
    assert job.status == "done", job.error
    with django_capture_on_commit_callbacks(execute=True):
        api = Client().post(
            "/api/v1/quality/binder",
            {"framework": "qualiopi"},
            content_type="application/json",
            headers=bearer(quality_manager),
        )
    assert api.status_code == 202 and api.json()["job_url"].startswith("/api/v1/jobs/")


def test_a_client_cannot_build_the_binder(provider, owner):
    assert signed_in(owner).post("/qualite/classeur/qualiopi/").status_code == 404
    assert (
        Client()
        .post("/api/v1/quality/binder", {}, content_type="application/json", headers=bearer(owner))
        .status_code
        == 404
    )


def test_the_verify_command_fails_on_a_changed_binder(provider, tmp_path):
    import pytest
    from django.core.management import CommandError, call_command

    good = tmp_path / "classeur.zip"
    good.write_bytes(_binder(provider, number=30))
    call_command("verify_binder", str(good))
    source = zipfile.ZipFile(good)
    bad = tmp_path / "altered.zip"
    with zipfile.ZipFile(bad, "w") as out:
        for info in source.infolist():
            content = source.read(info.filename)
            out.writestr(info, content + b" " if info.filename == "synthese.pdf" else content)
    with pytest.raises(CommandError):
        call_command("verify_binder", str(bad))
