"""The per-organisation hash chain: canonical payload, append, verify.

Each event's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of its
payload, which includes the previous event's hash. Appends lock the organisation's ChainHead
row, so parallel writers (several processes on PostgreSQL) queue instead of forking the chain.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from django.db import models, transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.core.request_context import current_origin

from .models import AuditEvent, ChainHead

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not JSON-serialisable in an audit payload: {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    return orjson.dumps(value, default=_default, option=orjson.OPT_SORT_KEYS)


def jsonable(value: Any) -> Any:
    """What a before/after value becomes once stored, so hashing and storing agree."""
    return orjson.loads(canonical_json(value))


def context_digest(salt: str, ip: str | None, user_agent: str) -> str:
    return hashlib.sha256(f"{salt}|{ip or ''}|{user_agent}".encode()).hexdigest()


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# The stored columns a hash is computed from, in the order verify() reads them.
HASHED_COLUMNS = (
    "organization_id",
    "seq",
    "prev_hash",
    "created_at",
    "actor_user_id",
    "actor_membership_id",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "context_digest",
)


def payload_bytes(row: tuple[Any, ...]) -> bytes:
    org, seq, prev, created, user, membership, role, action, otype, oid, before, after, ctx = row
    return canonical_json(
        {
            "org": org,
            "seq": seq,
            "prev": prev,
            "at": format_time(created),
            "user": user,
            "member": membership,
            "role": role,
            "action": action,
            "type": otype,
            "id": oid,
            "before": before,
            "after": after,
            "ctx": ctx,
        }
    )


def compute_hash(row: tuple[Any, ...]) -> str:
    return hashlib.sha256(payload_bytes(row)).hexdigest()


def object_ref(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


def record_event(
    *,
    organization: Organization,
    action: str,
    actor: Membership | None = None,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the organisation's chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the write it audits.")
    head, _created = ChainHead.objects.get_or_create(organization=organization)
    head = ChainHead.objects.select_for_update().get(pk=head.pk)
    origin = current_origin()
    salt = secrets.token_hex(16)
    object_type, object_id = object_ref(target)
    event = AuditEvent(
        organization=organization,
        seq=head.seq + 1,
        prev_hash=head.hash,
        created_at=timezone.now(),
        actor_user_id=actor.user_id if actor else None,
        actor_membership_id=actor.pk if actor else None,
        actor_role=actor.role if actor else "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=jsonable(before or {}),
        after=jsonable(after or {}),
        ip=origin.ip,
        user_agent=origin.user_agent,
        context_salt=salt,
        context_digest=context_digest(salt, origin.ip, origin.user_agent),
    )
    event.hash = compute_hash(tuple(getattr(event, column) for column in HASHED_COLUMNS))
    event.save(force_insert=True)
    head.seq, head.hash = event.seq, event.hash
    head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainReport:
    organization_slug: str
    events: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _rows(organization_id: int) -> Iterator[tuple[Any, ...]]:
    columns = (*HASHED_COLUMNS, "hash", "context_salt", "ip", "user_agent")
    return (
        AuditEvent.objects.filter(organization_id=organization_id)
        .order_by("seq")
        .values_list(*columns)
        .iterator(chunk_size=5000)
    )


def check_rows(
    rows: Iterable[tuple[Any, ...]], head: tuple[int, str] | None
) -> tuple[int, int | None, str]:
    """Walk one chain's rows in seq order. Returns (count, first broken seq, reason)."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for row in rows:
        hashed, stored_hash, salt, ip, user_agent = row[:13], row[13], row[14], row[15], row[16]
        seq, prev = hashed[1], hashed[2]
        if seq != expected_seq:
            return count, expected_seq, "missing or reordered event"
        if prev != expected_prev:
            return count, seq, "previous hash does not match"
        if compute_hash(hashed) != stored_hash:
            return count, seq, "event content was modified"
        if salt and context_digest(salt, ip, user_agent) != hashed[12]:
            return count, seq, "origin (IP or user agent) was modified"
        expected_prev, expected_seq, count = stored_hash, seq + 1, count + 1
    if head is not None and (head[0] != count or (count and head[1] != expected_prev)):
        return count, count + 1, "events missing at the end of the chain"
    return count, None, ""


def verify_chain(organization: Organization) -> ChainReport:
    head_row = (
        ChainHead.objects.filter(organization=organization).values_list("seq", "hash").first()
    )
    count, broken, reason = check_rows(_rows(organization.pk), head_row)
    return ChainReport(organization.slug, count, broken, reason)
