"""manage.py backup / backup_check: a backup restores into a scratch copy whose keys, row
counts, stored files, audit chains and credentials all hold; a fault in the backup fails it."""

from __future__ import annotations

import sqlite3
import tarfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from saveit.audit.services import store_generated_pdf
from saveit.core import keys
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.learning_setup import Form, answers_for
from saveit.testing.pdf import make_pdf

from ..models import Attestation

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup path"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def own_key(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "keys" / "installation-ed25519.pem"
    keys.signing_key.cache_clear()
    yield
    keys.signing_key.cache_clear()


@pytest.fixture
def installation(assigned, pm, engagement):  # type: ignore[no-untyped-def]
    """An attestation with its credential, a stored document, and checkpointed chains."""
    assignment = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    document = store_generated_pdf(
        organization=engagement.client,
        by=pm,
        content=make_pdf("Note de cadrage"),
        name="note.pdf",
        title="Note de cadrage",
        signer_roles=[],
    )
    call_command("run_due_jobs", stdout=StringIO())
    assert Attestation.objects.count() == 1
    return document


def _check(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("backup_check", *args, stdout=out)
    except CommandError as failure:
        return failure.returncode, out.getvalue() + str(failure)
    return 0, out.getvalue()


def _altered(archive: Path, change: Callable[[Path], None]) -> Path:
    """The archive unpacked, changed by `change`, packed again."""
    folder = archive.with_suffix("").with_suffix("")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    change(folder)
    altered = archive.with_name("altered.tar.gz")
    with tarfile.open(altered, "w:gz") as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=path.name)
    return altered


def _backup(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    [archive] = (tmp_path / "backups").iterdir()
    assert f"backup written: {archive}" in out.getvalue()
    assert archive.stat().st_mode & 0o077 == 0  # it holds the private key
    return archive


def test_a_backup_restores_whole_and_the_check_says_so(installation, tmp_path):
    code, output = _check("--output", str(tmp_path / "kept"))
    assert code == 0, output
    for line in (
        "[ok  ] signing keys: current key",
        "[ok  ] row counts:",
        "[ok  ] stored files: ",
        "[ok  ] audit chains:",
        "[ok  ] credentials: 1 issued credentials verify with the restored signing key",
        "backup_check: the restored copy is whole.",
    ):
        assert line in output, output
    assert "0 chains with a signed checkpoint" not in output
    assert len(list((tmp_path / "kept").glob("saveit-backup-*.tar.gz"))) == 1


def test_a_stored_file_altered_in_the_backup_fails_the_check(installation, tmp_path):
    document = installation

    def alter(folder: Path) -> None:
        with (folder / "media" / document.file.name).open("ab") as stored:
            stored.write(b"%% altered")

    code, output = _check("--archive", str(_altered(_backup(tmp_path), alter)))
    assert code == 1
    assert "[FAIL] stored files" in output
    assert f"{document.file.name} does not match its recorded SHA-256" in output
    assert "the restored copy is NOT whole" in output


def test_a_hashed_stored_file_missing_from_the_backup_fails_the_check(installation, tmp_path):
    document = installation

    def remove(folder: Path) -> None:
        (folder / "media" / document.file.name).unlink()

    code, output = _check("--archive", str(_altered(_backup(tmp_path), remove)))
    assert code == 1
    assert f"{document.file.name} is missing" in output


def test_a_backup_without_the_signing_key_fails_the_check(installation, tmp_path):
    def drop_keys(folder: Path) -> None:
        for path in sorted((folder / "keys").rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()

    code, output = _check("--archive", str(_altered(_backup(tmp_path), drop_keys)))
    assert code == 1
    assert "[FAIL] signing keys: missing" in output
    assert "[FAIL] credentials" in output and "signature" in output
    assert "[FAIL] audit chains" in output  # the checkpoints' key is gone too


def test_events_missing_from_the_backed_up_database_fail_the_check(installation, tmp_path):
    def drop_last_event(folder: Path) -> None:
        database = sqlite3.connect(folder / "database.sqlite3")
        last = "SELECT MAX(id) FROM audit_auditevent"
        database.execute(f"DELETE FROM audit_auditevent WHERE id = ({last})")  # noqa: S608
        database.commit()
        database.close()

    code, output = _check("--archive", str(_altered(_backup(tmp_path), drop_last_event)))
    assert code == 1
    assert "[FAIL] row counts" in output and "table audit_auditevent" in output
    assert "[FAIL] audit chains" in output


def test_an_unreadable_archive_is_a_clear_error(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    code, output = _check("--archive", str(bogus))
    assert code == 2 and "is not a readable backup archive" in output
