"""Signed chain-head checkpoints, in the database and in the file storage, catch what the chain
alone cannot: a cut tail, a deleted head row, a rewrite with every later hash recomputed, a
forged origin (issue 14, finding 1)."""

from __future__ import annotations

from io import StringIO

import orjson
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from saveit.audit import checkpoints
from saveit.audit.chain import HASHED_COLUMNS, compute_hash, record_event, verify_chain
from saveit.audit.chain_scan import HEAD_MISSING, ORIGIN_MODIFIED
from saveit.audit.models import AuditEvent, ChainCheckpoint, ChainHead
from saveit.core import keys
from saveit.core.models import JobRun
from saveit.core.request_context import Origin, reset_origin, set_origin
from saveit.testing.factories import bearer, signed_in

# Committed for real: a checkpoint's file is written once its transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def own_storage_and_key(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Checkpoint files of this test only, signed with a key of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "keys" / "installation-ed25519.pem"
    keys.signing_key.cache_clear()
    yield
    keys.signing_key.cache_clear()


@pytest.fixture
def chain(client_org, owner):  # type: ignore[no-untyped-def]
    token = set_origin(Origin(ip="192.0.2.10", user_agent="Mozilla/5.0 (pytest)"))
    try:
        _append(client_org, owner, 6)
    finally:
        reset_origin(token)
    return client_org


def _append(organization, actor, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        with transaction.atomic():
            record_event(organization=organization, action="test.step", actor=actor, after={"n": n})


def _head(organization) -> int:  # type: ignore[no-untyped-def]
    return ChainHead.objects.get(organization=organization).seq


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as failure:
        return failure.returncode, out.getvalue() + str(failure)
    return 0, out.getvalue()


def _cut_tail(organization, keep: int) -> None:  # type: ignore[no-untyped-def]
    """Delete the events after `keep` and set the head row back to match: the chain holds."""
    AuditEvent.objects.filter(organization=organization, seq__gt=keep).delete()
    last = AuditEvent.objects.get(organization=organization, seq=keep)
    ChainHead.objects.filter(organization=organization).update(seq=keep, hash=last.hash)


def _rewrite_from(organization, seq: int) -> None:  # type: ignore[no-untyped-def]
    """Edit event `seq` and recompute its hash and every later one, head row included."""
    AuditEvent.objects.filter(organization=organization, seq=seq).update(action="test.forged")
    previous = AuditEvent.objects.get(organization=organization, seq=seq - 1).hash
    for event in AuditEvent.objects.filter(organization=organization, seq__gte=seq).order_by("seq"):
        event.prev_hash = previous
        event.hash = compute_hash(tuple(getattr(event, column) for column in HASHED_COLUMNS))
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
        previous = event.hash
    ChainHead.objects.filter(organization=organization).update(hash=previous)


def test_the_scheduler_checkpoints_each_chain_in_the_database_and_in_the_file_storage(chain):
    out = StringIO()
    call_command("run_due_jobs", "--job", "audit.chain_checkpoints", stdout=out)
    assert "done audit.chain_checkpoints" in out.getvalue()
    checkpoint = ChainCheckpoint.objects.get(organization=chain)
    assert (checkpoint.seq, checkpoint.hash) == (
        _head(chain),
        ChainHead.objects.get(organization=chain).hash,
    )
    name = f"audit-checkpoints/{chain.pk}/{checkpoint.seq:012d}.json"
    with default_storage.open(name, "rb") as stored:
        content = stored.read()
    assert content == checkpoint.document.encode()
    statement = checkpoints.read_document(content)
    assert statement["kid"] == keys.public_jwk()["kid"]
    assert statement["organization"]["slug"] == chain.slug
    code, output = _verify()
    assert code == 0
    assert f"whole up to its checkpoint at seq {checkpoint.seq}" in output


def test_a_second_run_in_the_same_hour_takes_no_second_checkpoint(chain, owner):
    call_command("run_due_jobs", stdout=StringIO())
    _append(chain, owner, 2)
    out = StringIO()
    call_command("run_due_jobs", "--verbosity", "2", stdout=out)
    assert "skipped audit.chain_checkpoints" in out.getvalue()
    assert ChainCheckpoint.objects.filter(organization=chain).count() == 1
    assert JobRun.objects.filter(name="audit.chain_checkpoints").count() == 1
    # Called directly (as at each evidence pack) it checkpoints the new head, once.
    first = checkpoints.checkpoint_chain(chain)
    assert first is not None and first.seq == _head(chain)
    assert checkpoints.checkpoint_chain(chain) == first
    assert ChainCheckpoint.objects.filter(organization=chain).count() == 2


def test_deleting_the_last_events_and_fixing_the_head_row_fails_after_a_checkpoint(chain):
    checkpoints.checkpoint_chain(chain)
    last = _head(chain)
    _cut_tail(chain, last - 2)
    assert verify_chain(chain).ok  # the chain alone cannot tell
    code, output = _verify()
    assert code == 1
    assert f"BROKEN {chain.slug}: the chain stops at seq {last - 2}, short of its checkpoint " in (
        output
    )


def test_the_cut_tail_is_found_from_the_file_even_when_the_checkpoint_table_was_emptied(chain):
    checkpoints.checkpoint_chain(chain)
    last = _head(chain)
    _cut_tail(chain, last - 2)
    ChainCheckpoint.objects.filter(organization=chain).delete()
    code, output = _verify()
    assert code == 1
    assert f"short of its checkpoint at seq {last}" in output


def test_deleting_the_head_row_fails_with_or_without_a_checkpoint(chain, other_org):
    ChainHead.objects.filter(organization=chain).delete()
    report = verify_chain(chain)
    assert (report.ok, report.reason) == (False, HEAD_MISSING)
    code, output = _verify()
    assert code == 1
    assert f"BROKEN {chain.slug}: first broken seq" in output and HEAD_MISSING in output
    assert f"ok {other_org.slug}" in output


def test_deleting_the_head_row_and_the_last_events_fails(chain):
    checkpoints.checkpoint_chain(chain)
    last = _head(chain)
    AuditEvent.objects.filter(organization=chain, seq__gt=last - 3).delete()
    ChainHead.objects.filter(organization=chain).delete()
    code, output = _verify()
    assert code == 1
    assert HEAD_MISSING in output and f"short of its checkpoint at seq {last}" in output


def test_an_edit_with_every_later_hash_recomputed_disagrees_with_the_checkpoint(chain):
    checkpoints.checkpoint_chain(chain)
    last = _head(chain)
    _rewrite_from(chain, last - 3)
    assert verify_chain(chain).ok  # consistent with itself…
    code, output = _verify()
    assert code == 1  # …but not with what was signed
    assert f"event seq {last} disagrees with its checkpoint" in output


def test_a_checkpoint_rewritten_to_match_a_rewritten_chain_has_no_valid_signature(chain):
    checkpoint = checkpoints.checkpoint_chain(chain)
    assert checkpoint is not None
    _rewrite_from(chain, checkpoint.seq - 1)
    forged = orjson.loads(checkpoint.document) | {
        "hash": AuditEvent.objects.get(organization=chain, seq=checkpoint.seq).hash
    }
    document = orjson.dumps(forged, option=orjson.OPT_SORT_KEYS)
    ChainCheckpoint.objects.filter(pk=checkpoint.pk).update(document=document.decode())
    path = default_storage.path(checkpoint.storage_name)
    with open(path, "wb") as stored:
        stored.write(document)
    code, output = _verify()
    assert code == 1
    assert "its signature does not verify" in output


def test_a_checkpoint_file_altered_alone_is_reported(chain):
    checkpoint = checkpoints.checkpoint_chain(chain)
    assert checkpoint is not None
    with open(default_storage.path(checkpoint.storage_name), "wb") as stored:
        stored.write(b"{}")
    code, output = _verify()
    assert code == 1
    assert "unreadable checkpoint" in output and "differs between the database and its file" in (
        output
    )


def test_blanking_the_salt_to_forge_an_origin_is_detected(chain):
    seq = _head(chain) - 1
    AuditEvent.objects.filter(organization=chain, seq=seq).update(
        context_salt="", ip="203.0.113.66", user_agent="Forged/1.0"
    )
    report = verify_chain(chain)
    assert (report.broken_seq, report.reason) == (seq, ORIGIN_MODIFIED)
    code, output = _verify()
    assert code == 1 and f"first broken seq {seq}" in output


def test_blanking_the_salt_alone_is_detected_but_an_erasure_is_not_an_attack(chain):
    seq = _head(chain) - 1
    event = AuditEvent.objects.filter(organization=chain, seq=seq)
    event.update(context_salt="")
    assert verify_chain(chain).broken_seq == seq
    event.update(ip=None, user_agent="")  # the erasure of personal data: salt, address, agent
    assert verify_chain(chain).ok


def test_a_broken_chain_is_not_checkpointed(chain):
    AuditEvent.objects.filter(organization=chain, seq=2).update(action="test.forged")
    with pytest.raises(checkpoints.CheckpointRefused):
        checkpoints.checkpoint_chain(chain)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("run_due_jobs", stdout=out)
    assert "failed audit.chain_checkpoints" in out.getvalue()
    assert not ChainCheckpoint.objects.filter(organization=chain).exists()


def test_a_checkpoint_signed_before_a_key_rotation_still_verifies(chain, owner):
    checkpoints.checkpoint_chain(chain)
    call_command("rotate_signing_key", stdout=StringIO())
    _append(chain, owner, 1)
    checkpoints.checkpoint_chain(chain)
    kids = {
        checkpoints.read_document(row.document.encode())["kid"]
        for row in ChainCheckpoint.objects.filter(organization=chain)
    }
    assert len(kids) == 2
    assert _verify()[0] == 0


def test_a_checkpoint_taken_in_a_transaction_that_rolls_back_leaves_nothing(chain, owner):
    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        _append(chain, owner, 2)  # as an evidence pack's sealing records its events
        checkpoint = checkpoints.checkpoint_chain(chain)
        assert checkpoint is not None and checkpoint.seq == _head(chain)
        assert not default_storage.exists(checkpoint.storage_name)  # not before the commit
        raise Abandoned
    assert not ChainCheckpoint.objects.exists()
    assert not default_storage.exists(checkpoint.storage_name)
    assert _verify()[0] == 0  # no false alarm about events that never were
    with transaction.atomic():
        kept = checkpoints.checkpoint_chain(chain)
    assert kept is not None and default_storage.exists(kept.storage_name)


def test_the_scheduler_writes_a_checkpoint_file_a_crash_left_unwritten(chain):
    checkpoint = checkpoints.checkpoint_chain(chain)
    assert checkpoint is not None
    default_storage.delete(checkpoint.storage_name)
    code, output = _verify()
    assert code == 1 and "is missing from the file storage" in output
    call_command("run_due_jobs", stdout=StringIO())
    assert _verify()[0] == 0


def test_the_trail_api_and_page_report_a_tail_cut_after_a_checkpoint(chain, owner):
    checkpoints.checkpoint_chain(chain)
    _append(chain, owner, 2)
    _cut_tail(chain, 4)
    assert verify_chain(chain).ok  # the chain alone holds: only the checkpoint knows

    body = Client().get("/api/v1/audit/verify", headers=bearer(owner)).json()
    assert body["ok"] is False
    assert any("events were removed" in problem for problem in body["problems"])

    response = signed_in(owner).post(reverse("audit:trail_verify"), {"org": chain.pk})
    assert b"alert-ok" not in response.content
    assert "points de contrôle signés" in response.content.decode()
    assert "events were removed" in response.content.decode()


def test_the_trail_api_reports_a_whole_anchored_chain_as_ok(chain, owner):
    checkpoints.checkpoint_chain(chain)
    body = Client().get("/api/v1/audit/verify", headers=bearer(owner)).json()
    assert (body["ok"], body["problems"]) == (True, [])
