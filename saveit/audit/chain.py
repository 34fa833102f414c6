"""The per-organisation hash chain: append and verify (the hashed form is in .canonical).

Each event's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of its
payload, which includes the previous event's hash. Appends lock the organisation's ChainHead
row, so parallel writers (several processes on PostgreSQL) queue instead of forking the chain.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.core.request_context import current_origin

from . import chain_scan
from .canonical import (
    GENESIS,
    HASHED_COLUMNS,
    canonical_json,
    compute_hash,
    context_digest,
    format_time,
    jsonable,
    payload_bytes,
)
from .models import AuditEvent, ChainHead

__all__ = [
    "GENESIS",
    "HASHED_COLUMNS",
    "ChainReport",
    "canonical_json",
    "check_rows",
    "compute_hash",
    "context_digest",
    "format_time",
    "jsonable",
    "object_ref",
    "payload_bytes",
    "record_event",
    "verify_chain",
]

# From this many events on, verification shares the chain between processes (one per CPU);
# below, starting a process costs more than it saves.
PARALLEL_FROM_EVENTS = 50_000


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
    """Walk one chain's ORM rows in seq order. Returns (count, first broken seq, reason).

    The reference walk; verify_chain reads the rows from the driver instead (chain_scan), with
    the same answers."""
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for row in rows:
        hashed, stored_hash, salt, ip, user_agent = row[:13], row[13], row[14], row[15], row[16]
        seq, prev = hashed[1], hashed[2]
        if seq != expected_seq:
            return count, expected_seq, chain_scan.MISSING
        if prev != expected_prev:
            return count, seq, chain_scan.PREVIOUS_MISMATCH
        if _hash_or_none(hashed) != stored_hash:
            return count, seq, chain_scan.MODIFIED
        if salt and context_digest(salt, ip, user_agent) != hashed[12]:
            return count, seq, chain_scan.ORIGIN_MODIFIED
        if not salt and (ip is not None or user_agent):  # a blanked salt, not an erasure
            return count, seq, chain_scan.ORIGIN_MODIFIED
        expected_prev, expected_seq, count = stored_hash, seq + 1, count + 1
    return chain_scan.against_head(count, expected_prev, head)


def _hash_or_none(hashed: tuple[Any, ...]) -> str | None:
    try:
        return compute_hash(hashed)
    except (TypeError, ValueError):  # content canonical JSON refuses was never hashed
        return None


def verify_chain(organization: Organization, *, processes: int | None = None) -> ChainReport:
    """Recompute the organisation's chain and name its first broken link.

    `processes`: how many processes share the work (this one included); by default one per CPU
    from PARALLEL_FROM_EVENTS events on. Workers read on connections of their own, so inside a
    transaction (whose writes they would not see), or on a SQLite database in this process's
    memory, the chain is read here on Django's connection.
    """
    database = _scan_database()
    if database is None:
        found = check_rows(_rows(organization.pk), _head(organization))
    elif not connection.get_autocommit() or not (database.sqlite_path or database.pg_params):
        found = _scan_here(database, organization.pk)
    else:
        head_seq = (_head(organization) or (0, ""))[0]
        if processes is None:
            big = head_seq >= PARALLEL_FROM_EVENTS
            processes = chain_scan.available_cpus() if big else 1
        if processes == 1 and database.vendor == "postgresql":
            found = _scan_here_in_one_snapshot(database, organization.pk)  # no new connection
        else:
            found = chain_scan.scan_chain(database, organization.pk, head_seq, processes)
    return ChainReport(organization.slug, *found)


def _head(organization: Organization) -> tuple[int, str] | None:
    return ChainHead.objects.filter(organization=organization).values_list("seq", "hash").first()


def _scan_database() -> chain_scan.Database | None:
    """How chain_scan reaches this database; None where its reading is not proven exact (the
    ORM then walks the chain: slower, same answers)."""
    quote = connection.ops.quote_name
    events, heads = quote(AuditEvent._meta.db_table), quote(ChainHead._meta.db_table)
    if not settings.USE_TZ:
        return None
    if connection.vendor == "sqlite" and connection.timezone_name == "UTC":
        # Naive UTC text in the file; a database in this process's memory is not shared.
        in_memory = connection.is_in_memory_db()  # type: ignore[attr-defined]
        path = "" if in_memory else str(connection.settings_dict["NAME"])
        return chain_scan.Database("sqlite", events, heads, sqlite_path=path)
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        for unpicklable in ("context", "cursor_factory"):  # Django's adapters and cursor class
            params.pop(unpicklable, None)
        role = connection.settings_dict["OPTIONS"].get("assume_role") or ""
        return chain_scan.Database("postgresql", events, heads, pg_params=params, pg_role=role)
    return None


def _scan_here(database: chain_scan.Database, organization_id: int) -> tuple[int, int | None, str]:
    """The whole chain walked in this process on Django's connection (inside its transaction)."""
    task = chain_scan.SliceTask(database, organization_id, lower=None, upper=None)
    with connection.cursor() as cursor:
        cursor.execute(database.head_sql("%s"), [organization_id])
        head = cursor.fetchone()
        if database.vendor == "postgresql":  # binary rows, as a worker reads them
            with connection.connection.cursor(name="audit_chain_scan", binary=True) as rows:
                rows.itersize = 10_000
                rows.execute(task.sql("%s"), task.params())
                walk = chain_scan.walk_rows(rows, organization_id, 1, time_as_text=False)
        else:
            cursor.execute(task.sql("%s"), task.params())
            walk = chain_scan.walk_rows(_fetched(cursor), organization_id, 1, time_as_text=True)
    return chain_scan.stitch([walk], None if head is None else (head[0], head[1]))


def _scan_here_in_one_snapshot(
    database: chain_scan.Database, organization_id: int
) -> tuple[int, int | None, str]:
    """As _scan_here, the head and the rows read in one snapshot, as a worker reads them."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return _scan_here(database, organization_id)


def _fetched(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(2000):
        yield from batch
