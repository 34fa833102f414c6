"""Chain-head checkpoints: the audit chain anchored outside the database (SPEC §15).

A checkpoint is a small JSON document stating one organisation's chain head (seq and hash) at
a moment, signed with the installation's Ed25519 key (saveit.core.keys). It is kept twice: a
row of ChainCheckpoint, and a file of the default storage, `audit-checkpoints/<org id>/<seq>.json`
(the file storage, not the database: its own disk or bucket, its own backups, copied into
evidence packs and exports). verify_checkpoints() then finds what the chain alone cannot:

- events removed from the end of the chain (and the head row set back to match);
- a row edited and every hash after it recomputed (the checkpointed hash no longer matches);

even when the checkpoint table was tampered with as well, since each file is compared with its
row and only a signature of an installation key makes a checkpoint count. A passing check
proves the chain whole up to its latest checkpoint; what was appended after it is proven only
consistent with itself.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from saveit.accounts.models import Organization
from saveit.core import keys

from .canonical import canonical_json
from .chain import ChainReport, verify_chain
from .models import AuditEvent, ChainCheckpoint, ChainHead

logger = logging.getLogger(__name__)

FORMAT = "saveit-audit-checkpoint/1"
FOLDER = "audit-checkpoints"


class CheckpointRefused(Exception):
    """The chain does not verify (or disagrees with a checkpoint): nothing is checkpointed."""


def folder(organization_id: int) -> str:
    return f"{FOLDER}/{organization_id}"


def storage_name(organization_id: int, seq: int) -> str:
    return f"{folder(organization_id)}/{seq:012d}.json"


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_document(payload: dict[str, Any]) -> bytes:
    """The payload with the current key's public half and its signature, as canonical JSON."""
    key = keys.signing_key()
    public = keys.jwk_of(key.public_key())
    body = payload | {"format": FORMAT, "kid": public["kid"], "public_key": public["x"]}
    signature = key.sign(canonical_json(body))
    return canonical_json(body | {"signature": keys.b64url(signature)})


def read_document(content: bytes) -> dict[str, Any]:
    """The checkpoint's statement once its signature by an installation key (current or
    retired) is proven. Raises ValueError naming what is wrong."""
    try:
        data = orjson.loads(content)
        body = {name: value for name, value in data.items() if name != "signature"}
        signature = _unb64url(data["signature"])
        public = Ed25519PublicKey.from_public_bytes(_unb64url(body["public_key"]))
        seq, chain_hash = int(body["seq"]), str(body["hash"])
    except (
        orjson.JSONDecodeError,
        AttributeError,
        KeyError,
        TypeError,
        ValueError,
        binascii.Error,
    ):
        raise ValueError("unreadable checkpoint") from None
    if body.get("format") != FORMAT:
        raise ValueError("unknown checkpoint format")
    if not keys.is_accepted(public):
        raise ValueError("signed with a key that is not this installation's")
    try:
        public.verify(signature, canonical_json(body))
    except InvalidSignature:
        raise ValueError("its signature does not verify: the checkpoint was altered") from None
    return body | {"seq": seq, "hash": chain_hash}


def checkpoint_chain(
    organization: Organization, *, now: datetime | None = None
) -> ChainCheckpoint | None:
    """Checkpoint the organisation's chain head, once the chain is proven whole and consistent
    with its earlier checkpoints. None for an organisation without events; the existing
    checkpoint when the head has not moved since. Raises CheckpointRefused otherwise.

    May run inside the caller's transaction (at an evidence pack's sealing): the row is part of
    it, and the file is written once it commits, so a transaction rolled back leaves no
    checkpoint of events that never were."""
    head = ChainHead.objects.filter(organization=organization).values_list("seq", "hash").first()
    report, checked = verify_anchored(organization)
    if checked.problems:
        reason = report.reason if not report.ok else "; ".join(checked.problems)
        raise CheckpointRefused(f"{organization.slug}: {reason}")
    if head is None or head[0] == 0:
        return None
    seq, chain_hash = head
    at_seq = AuditEvent.objects.filter(organization=organization, seq=seq)
    if at_seq.values_list("hash", flat=True).first() != chain_hash:  # moved since: next time
        raise CheckpointRefused(f"{organization.slug}: the head moved while it was checked")
    existing = ChainCheckpoint.objects.filter(organization=organization, seq=seq).first()
    if existing is not None:
        _ensure_file(existing)
        return existing
    taken_at = now or timezone.now()
    document = sign_document(
        {
            "organization": {"id": organization.pk, "slug": organization.slug},
            "seq": seq,
            "hash": chain_hash,
            "taken_at": taken_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        }
    )
    checkpoint = ChainCheckpoint(
        organization=organization,
        seq=seq,
        hash=chain_hash,
        taken_at=taken_at,
        document=document.decode(),
        storage_name=storage_name(organization.pk, seq),
    )
    try:
        with transaction.atomic():
            checkpoint.save(force_insert=True)
    except IntegrityError:  # another scheduler checkpointed this very head meanwhile
        return ChainCheckpoint.objects.get(organization=organization, seq=seq)
    # At once in autocommit; after the commit inside a transaction. A crash in between leaves
    # a row without its file, which audit_verify reports and the next scheduled run writes.
    transaction.on_commit(lambda: _ensure_file(checkpoint))
    return checkpoint


def _ensure_file(checkpoint: ChainCheckpoint) -> None:
    name, content = checkpoint.storage_name, checkpoint.document.encode()
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            if stored.read() != content:
                raise CheckpointRefused(f"{name} already holds another checkpoint")
        return
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # created by another process between exists() and save()
        default_storage.delete(saved)


def checkpoint_all(now: datetime) -> str:
    """The scheduler's job: checkpoint every organisation whose chain moved. A broken chain is
    not checkpointed; the job then fails, naming it (audit_verify tells more)."""
    taken, refused = 0, []
    for organization in Organization.objects.order_by("pk").iterator():
        last = ChainCheckpoint.objects.filter(organization=organization).order_by("-seq").first()
        head = ChainHead.objects.filter(organization=organization).values_list("seq", flat=True)
        try:
            if (head.first() or 0) == (last.seq if last else 0):
                if last is not None:
                    _ensure_file(last)  # written after its commit: make sure it was
                continue
            if checkpoint_chain(organization, now=now) is not None:
                taken += 1
        except CheckpointRefused as refusal:
            logger.error("audit chain not checkpointed: %s", refusal)
            refused.append(str(refusal))
    if refused:
        raise CheckpointRefused("; ".join(refused))
    return f"{taken} checkpoint(s) taken"


@dataclass
class CheckpointReport:
    latest_seq: int = 0
    latest_taken_at: str = ""
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)


def _stored_files(organization_id: int) -> dict[int, tuple[str, bytes]]:
    try:
        _folders, names = default_storage.listdir(folder(organization_id))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    found = {}
    for name in names:
        stem = name.removesuffix(".json")
        if not stem.isdigit():
            continue
        path = f"{folder(organization_id)}/{name}"
        with default_storage.open(path, "rb") as stored:
            found[int(stem)] = (path, stored.read())
    return found


def verify_checkpoints(organization: Organization, report: ChainReport) -> CheckpointReport:
    """Compare the chain with every checkpoint of the organisation, in the database and in the
    file storage. Each problem names the checkpoint and what is wrong."""
    result = CheckpointReport()
    files = _stored_files(organization.pk)
    rows = {row.seq: row for row in ChainCheckpoint.objects.filter(organization=organization)}
    valid: dict[int, dict[str, Any]] = {}
    for seq, (path, content) in sorted(files.items()):
        try:
            statement = read_document(content)
        except ValueError as error:
            result.problems.append(f"checkpoint file {path}: {error}")
            continue
        if (
            statement["seq"] != seq
            or statement.get("organization", {}).get("id") != organization.pk
        ):
            result.problems.append(f"checkpoint file {path} is not this chain's at seq {seq}")
            continue
        valid[seq] = statement
    for seq, row in sorted(rows.items()):
        if seq not in files:
            result.problems.append(
                f"checkpoint at seq {seq} is in the database but its file "
                f"{storage_name(organization.pk, seq)} is missing from the file storage"
            )
        elif files[seq][1] != row.document.encode():
            result.problems.append(
                f"checkpoint at seq {seq} differs between the database and its file"
            )
        if seq not in valid and seq not in files:
            try:
                statement = read_document(row.document.encode())
            except ValueError as error:
                result.problems.append(f"checkpoint row at seq {seq}: {error}")
                continue
            if statement["seq"] == seq:
                valid[seq] = statement
    result.checkpoints = len(valid)
    if not valid:
        return result
    latest = max(valid)
    result.latest_seq, result.latest_taken_at = latest, str(valid[latest].get("taken_at", ""))
    events = AuditEvent.objects.filter(organization=organization)
    last_seq = events.aggregate(Max("seq"))["seq__max"] or 0
    if last_seq < latest:
        result.problems.append(
            f"the chain stops at seq {last_seq}, short of its checkpoint at seq {latest} "
            f"taken {result.latest_taken_at}: events were removed"
        )
    seqs = sorted(seq for seq in valid if seq <= last_seq)
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        hashes = dict(events.filter(seq__in=chunk).values_list("seq", "hash"))
        for seq in chunk:
            if seq not in hashes:
                result.problems.append(f"event seq {seq}, checkpointed, is missing")
            elif hashes[seq] != valid[seq]["hash"]:
                result.problems.append(
                    f"event seq {seq} disagrees with its checkpoint taken "
                    f"{valid[seq].get('taken_at', '')}: the chain was rewritten"
                )
    return result


def verify_anchored(organization: Organization) -> tuple[ChainReport, CheckpointReport]:
    """The whole check of one organisation's trail: its chain recomputed, then compared with
    its signed checkpoints. The checkpoint report's problems hold every problem found, the
    chain's first broken link first; the trail holds when there is none."""
    report = verify_chain(organization)
    checked = verify_checkpoints(organization, report)
    if not report.ok:
        checked.problems.insert(0, f"first broken seq {report.broken_seq} ({report.reason})")
    return report, checked
