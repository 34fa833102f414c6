"""Checking an audit chain straight from the database driver, in slices that processes share.

verify_chain (saveit.audit.chain) cuts a chain's seq range into contiguous slices. Each slice is
read on its own connection, in one read-only snapshot, and walked by walk_rows(); stitch() then
joins the slices into exactly the answer one walk from seq 1 would give: the first broken seq and
why. Walking a row costs a few microseconds (canonical JSON and two SHA-256), so a million events
want every core; the rows come from the driver as plain tuples because the ORM's per-value
conversions alone cost more than the hashing.

No Django model is imported here: worker processes run this module without setting Django up.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
from django.utils.dateparse import parse_datetime

from .canonical import GENESIS, HASHED_COLUMNS, payload_bytes

MISSING = "missing or reordered event"
PREVIOUS_MISMATCH = "previous hash does not match"
MODIFIED = "event content was modified"
ORIGIN_MODIFIED = "origin (IP or user agent) was modified"
TRUNCATED = "events missing at the end of the chain"
HEAD_MISSING = "the chain head row is missing"

# What a scan reads of each event, in this order. organization_id is the scan's filter, so it
# is not read back. "created_at" comes as stored text (SQLite) or as a datetime in UTC
# (PostgreSQL); "origin" is the text context_digest is the SHA-256 of, NULL without a salt.
SCAN_COLUMNS = (*(c for c in HASHED_COLUMNS if c != "organization_id"), "hash", "origin")


def _origin(ip: str) -> str:
    """context_digest()'s text, f"{salt}|{ip or ''}|{user_agent}", written by the database.

    NULL when the origin was erased (salt, address and user agent all blank: the chain then
    stays valid). A blank salt beside an address or a user agent is no erasure but a forged
    origin: the text is then '', whose SHA-256 no context digest is, so the walk reports it.
    """
    return (
        """CASE WHEN "context_salt" <> '' THEN "context_salt" || '|' || """
        f"""coalesce({ip}, '') || '|' || coalesce("user_agent", 'None') """
        """WHEN "ip" IS NOT NULL OR "user_agent" <> '' THEN '' END"""
    )


_SELECTED = {
    # CAST: Django's own SQLite connection would otherwise parse the column into a datetime.
    "sqlite": {"created_at": 'CAST("created_at" AS TEXT)', "origin": _origin('"ip"')},
    "postgresql": {
        "before": '"before"::text',
        "after": '"after"::text',
        # abbrev(inet) is inet's own output text, as Django reads it (a cast adds "/32").
        "origin": _origin('abbrev("ip")'),
    },
}
# The hashed time, format_time(created_at), is "%Y-%m-%dT%H:%M:%S.%fZ" in UTC: what orjson
# writes for a naive or UTC datetime with these options, as long as it has microseconds (orjson
# leaves out ".000000") and a four-digit year (strftime leaves out a leading zero).
_PAYLOAD_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


@dataclass(frozen=True)
class Database:
    """How a worker reaches the chain: plain values, so it pickles into another process."""

    vendor: str  # "sqlite" or "postgresql"
    events_table: str
    heads_table: str
    sqlite_path: str = ""
    # psycopg.connect() keywords (Django's connection parameters) and Django's "assume_role".
    pg_params: Mapping[str, Any] = field(default_factory=dict)
    pg_role: str = ""

    def rows_sql(self, mark: str, *, lower: bool, upper: bool) -> str:
        selected = _SELECTED[self.vendor]
        columns = ", ".join(selected.get(name, f'"{name}"') for name in SCAN_COLUMNS)
        where = f'"organization_id" = {mark}'
        if lower:
            where += f' AND "seq" >= {mark}'
        if upper:
            where += f' AND "seq" < {mark}'
        return f'SELECT {columns} FROM {self.events_table} WHERE {where} ORDER BY "seq"'  # noqa: S608

    def head_sql(self, mark: str) -> str:
        table = self.heads_table
        return f'SELECT "seq", "hash" FROM {table} WHERE "organization_id" = {mark}'  # noqa: S608


@dataclass(frozen=True)
class SliceTask:
    database: Database
    organization_id: int
    lower: int | None  # first seq of the slice; None: from the start (a seq below 1 included)
    upper: int | None  # the slice stops before this seq; None: to the end, and reads the head

    def params(self) -> list[int]:
        bounds = [bound for bound in (self.lower, self.upper) if bound is not None]
        return [self.organization_id, *bounds]

    def sql(self, mark: str) -> str:
        return self.database.rows_sql(
            mark, lower=self.lower is not None, upper=self.upper is not None
        )


@dataclass(frozen=True)
class SliceWalk:
    """What one walk over a slice found, enough for stitch() to place it in the whole chain."""

    first_seq: int | None  # None: the slice holds no event
    first_prev: str | None
    count: int  # events that held before the first break
    broken_seq: int | None = None
    reason: str = ""
    last_hash: str | None = None  # hash of the last event that held
    next_seq: int = 1  # the seq expected after it
    head: tuple[int, str] | None = None  # the chain head, read by the slice that ends the chain


# --- one row ------------------------------------------------------------------------------


def _orm_time(value: Any) -> datetime:
    """The aware datetime the ORM reads for this stored time (DATABASES TIME_ZONE being UTC)."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise ValueError(f"not a time: {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _orm_json(value: Any) -> Any:
    """What JSONField.from_db_value returns: the parsed value, or the text it cannot parse."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def exact_payload(organization_id: int, row: Sequence[Any]) -> bytes | None:
    """payload_bytes() over the values the ORM would read from this row; None when no stored
    event could hold them (canonical JSON refuses them, or the time does not parse)."""
    seq, prev, created, user, member, role, action, otype, oid, before, after, ctx = row[:12]
    try:
        hashed = (organization_id, seq, prev, _orm_time(created), user, member, role, action)
        return payload_bytes((*hashed, otype, oid, _orm_json(before), _orm_json(after), ctx))
    except (TypeError, ValueError):  # orjson's errors are TypeError and ValueError
        return None


# --- one slice ----------------------------------------------------------------------------


def walk_rows(
    rows: Iterable[Sequence[Any]], organization_id: int, start_seq: int, *, time_as_text: bool
) -> SliceWalk:
    """Walk rows (SCAN_COLUMNS, in seq order) expected to start at start_seq.

    The first row's previous hash is not checked here, it belongs to the slice before: stitch()
    checks it, before this walk's own findings about that row, as one walk would.

    Each payload is built here rather than by payload_bytes(): this loop runs once per event
    and its cost is the cost of verification. The fast path gives the same bytes (the tests
    prove it on varied events): datetime.fromisoformat is what the ORM's parse_datetime tries
    first, and orjson reads every JSON text canonical_json can write back as json.loads does
    (it takes an integer beyond 64 bits as a float, but canonical_json refuses those, so no
    stored event holds one). Anything else goes through exact_payload().
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return SliceWalk(first_seq=None, first_prev=None, count=0, next_seq=start_seq)
    expected_seq, expected_prev = start_seq, first[1]
    broken_seq, reason = None, ""
    payload: bytes | None
    sha256, loads, dumps, from_text = hashlib.sha256, orjson.loads, orjson.dumps, _FROM_TEXT
    for row in chain((first,), rows):
        seq, prev, at, user, member, role, action, kind, oid, before, after, ctx, stored, origin = (
            row
        )
        if seq != expected_seq:
            broken_seq, reason = expected_seq, MISSING
            break
        if prev != expected_prev:
            broken_seq, reason = seq, PREVIOUS_MISMATCH
            break
        try:
            moment = from_text(at) if time_as_text else at
            zone = moment.tzinfo
            if moment.microsecond and moment.year >= 1000 and (zone is None or zone is UTC):
                payload = dumps(
                    {
                        "action": action,
                        "after": loads(after),
                        "at": moment,
                        "before": loads(before),
                        "ctx": ctx,
                        "id": oid,
                        "member": member,
                        "org": organization_id,
                        "prev": prev,
                        "role": role,
                        "seq": seq,
                        "type": kind,
                        "user": user,
                    },
                    option=_PAYLOAD_OPTIONS,
                )
            else:
                payload = exact_payload(organization_id, row)
        except (TypeError, ValueError, AttributeError):
            payload = exact_payload(organization_id, row)
        if payload is None or sha256(payload).hexdigest() != stored:
            broken_seq, reason = seq, MODIFIED
            break
        if origin is not None and sha256(origin.encode()).hexdigest() != ctx:
            broken_seq, reason = seq, ORIGIN_MODIFIED
            break
        expected_prev, expected_seq = stored, seq + 1
    count = expected_seq - start_seq  # every event that held had the next seq
    if broken_seq is not None:
        return SliceWalk(first[0], first[1], count, broken_seq, reason)
    return SliceWalk(first[0], first[1], count, None, "", expected_prev, expected_seq)


_FROM_TEXT = datetime.fromisoformat


def scan_slice(task: SliceTask) -> SliceWalk:
    """Read and walk one slice on a connection of its own (the entry point of a worker)."""
    if task.database.vendor == "sqlite":
        return _scan_sqlite(task)
    return _scan_postgresql(task)


def _scan_sqlite(task: SliceTask) -> SliceWalk:
    uri = Path(task.database.sqlite_path).resolve().as_uri() + "?mode=ro"
    connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=20)
    try:
        # Read the pages where the OS caches them rather than copying each one (SQLite caps this
        # at its own maximum).
        connection.execute(f"PRAGMA mmap_size = {1 << 40}")
        # A deferred transaction: the first read fixes the snapshot every later read sees.
        connection.execute("BEGIN")
        head = None
        if task.upper is None:
            head = _head(connection.execute(task.database.head_sql("?"), [task.organization_id]))
        rows = connection.execute(task.sql("?"), task.params())
        walk = walk_rows(rows, task.organization_id, task.lower or 1, time_as_text=True)
        return replace(walk, head=head)
    finally:
        connection.close()  # ends the read transaction


def _scan_postgresql(task: SliceTask) -> SliceWalk:
    import psycopg
    from psycopg import sql
    from psycopg.types.string import TextLoader

    connection = psycopg.connect(**task.database.pg_params)
    try:
        # As Django reads them: inet as its text, not as ipaddress objects.
        connection.adapters.register_loader("inet", TextLoader)
        connection.adapters.register_loader("cidr", TextLoader)
        # One snapshot for the head and every row read, and a promise to write nothing.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        # Times then arrive in UTC (timezone.utc), as on Django's connection.
        connection.execute("SET TIME ZONE 'UTC'")
        # One pass over every row gains nothing from compiling the query's expressions, and a
        # million rows would trigger it.
        connection.execute("SET jit = off")
        if task.database.pg_role:
            connection.execute(sql.SQL("SET ROLE {}").format(sql.Literal(task.database.pg_role)))
        head = None
        if task.upper is None:
            head = _head(connection.execute(task.database.head_sql("%s"), [task.organization_id]))
        # Binary: integers and times arrive as such, parsed in C rather than from text.
        with connection.cursor(name="audit_chain_scan", binary=True) as cursor:
            cursor.itersize = 10_000
            cursor.execute(task.sql("%s"), task.params())
            walk = walk_rows(cursor, task.organization_id, task.lower or 1, time_as_text=False)
        return replace(walk, head=head)
    finally:
        connection.close()  # rolls the read-only transaction back


def _head(cursor: Any) -> tuple[int, str] | None:
    row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


# --- the whole chain ----------------------------------------------------------------------


def stitch(walks: Sequence[SliceWalk], head: tuple[int, str] | None) -> tuple[int, int | None, str]:
    """Join the slices' walks, in seq order: (events that held, first broken seq, reason)."""
    expected_seq, count = 1, 0
    expected_prev: str | None = GENESIS
    for walk in walks:
        if walk.first_seq is None:  # nothing in this seq range: the next slice's seq will tell
            continue
        if walk.first_seq != expected_seq:
            return count, expected_seq, MISSING
        if walk.first_prev != expected_prev:
            return count, expected_seq, PREVIOUS_MISMATCH
        count += walk.count
        if walk.broken_seq is not None:
            return count, walk.broken_seq, walk.reason
        expected_seq, expected_prev = walk.next_seq, walk.last_hash
    return against_head(count, expected_prev, head)


def against_head(
    count: int, last_hash: str | None, head: tuple[int, str] | None
) -> tuple[int, int | None, str]:
    """The chain's end against its head row: a chain with events always has one."""
    if head is None:
        return (count, count + 1, HEAD_MISSING) if count else (0, None, "")
    if head[0] != count or (count and head[1] != last_hash):
        return count, count + 1, TRUNCATED
    return count, None, ""


def plan_slices(
    database: Database, organization_id: int, events: int, processes: int
) -> list[SliceTask]:
    """`processes` contiguous seq ranges over 1..events; the first and last are left open."""
    processes = max(1, min(processes, events))
    bounds = [1 + events * k // processes for k in range(1, processes)]
    lowers, uppers = [None, *bounds], [*bounds, None]
    return [
        SliceTask(database, organization_id, lower, upper)
        for lower, upper in zip(lowers, uppers, strict=True)
    ]


def scan_chain(
    database: Database, organization_id: int, events: int, processes: int
) -> tuple[int, int | None, str]:
    """Verify one chain of about `events` events with `processes` processes (this one included)."""
    tasks = plan_slices(database, organization_id, events, processes)
    walks = list(_run(tasks))
    return stitch(walks, walks[-1].head)


def _run(tasks: list[SliceTask]) -> Iterator[SliceWalk]:
    if len(tasks) == 1:
        yield scan_slice(tasks[0])
        return
    with ProcessPoolExecutor(len(tasks) - 1, mp_context=_start_method()) as pool:
        others = [pool.submit(scan_slice, task) for task in tasks[1:]]
        yield scan_slice(tasks[0])  # this process walks the first slice meanwhile
        for other in others:
            yield other.result()


def _start_method() -> multiprocessing.context.BaseContext:
    """fork starts a worker in milliseconds, spawn in most of a second here. A forked child
    only opens its own connection, never the parent's, but fork is unsafe when another thread
    may hold a lock (threaded servers): spawn then."""
    if sys.platform == "linux" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def available_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
