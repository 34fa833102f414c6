"""The hashed form of an audit event: canonical JSON (sorted keys, no spaces, UTF-8).

Each event's hash is SHA-256 over the canonical JSON of its payload, which includes the previous
event's hash. This module imports no Django model, so the processes that verify slices of a
chain (saveit.audit.chain_scan) can use it without setting Django up. Changing anything here
changes every stored hash: existing chains would no longer verify.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson

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


# The stored columns a hash is computed from, in the order payload_bytes() takes them.
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
