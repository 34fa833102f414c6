"""The fast verification path hashes exactly the bytes payload_bytes() hashes.

verify_chain reads rows from the driver and builds each payload itself (chain_scan.walk_rows);
payload_bytes() over the ORM's values is the reference. A walk accepts a row exactly when the
SHA-256 of its payload equals the stored hash, so "a row sealed with the reference hash is
accepted" proves the bytes are the same.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saveit.audit import chain, chain_scan
from saveit.audit.canonical import GENESIS, compute_hash, payload_bytes
from saveit.audit.chain import record_event, verify_chain
from saveit.audit.models import AuditEvent, ChainHead
from saveit.core.request_context import Origin, reset_origin, set_origin

VALUES = [
    ({}, {}),
    ({"name": "Élodie Dupré"}, {"name": "Zoë", "tags": ["à", "ß", "漢字", "🙂", ""]}),
    ({"b": {"z": 1, "a": [1, 2.5, None, True, False]}, "a": "x"}, {"deep": {"y": {"x": [{}]}}}),
    ({"note": 'say "hi" \\ back\nslash\ttab\x01\x1f\x7f end'}, {"é": None, "": "empty key"}),
    ({"max": 2**63 - 1, "min": -(2**63), "u64": 2**64 - 1}, {"f": 0.1, "small": 1e-7}),
    (["a", 1, None], {"list": [[], [[]], {"k": []}]}),
]


def _time_as_text() -> bool:
    return connection.vendor == "sqlite"


def _scan_rows(organization):  # type: ignore[no-untyped-def]
    """The rows as verify_chain reads them (SCAN_COLUMNS), on Django's connection."""
    database = chain._scan_database()
    assert database is not None
    task = chain_scan.SliceTask(database, organization.pk, None, None)
    if connection.vendor == "postgresql":  # binary, as chain._scan_here and the workers read
        connection.ensure_connection()
        with connection.connection.cursor(name="test_scan", binary=True) as cursor:
            cursor.execute(task.sql("%s"), task.params())
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(task.sql("%s"), task.params())
        return cursor.fetchall()


def _reseal(organization) -> None:  # type: ignore[no-untyped-def]
    """Recompute every hash with the reference functions over what the ORM reads now."""
    prev = GENESIS
    for event in AuditEvent.objects.filter(organization=organization).order_by("seq"):
        hashed = tuple(getattr(event, column) for column in chain.HASHED_COLUMNS)
        digest = compute_hash((*hashed[:2], prev, *hashed[3:]))
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    ChainHead.objects.filter(organization=organization).update(hash=prev)


def _set_stored_time(organization, seq: int, text: str) -> None:  # type: ignore[no-untyped-def]
    """Write a time as raw SQL would, bypassing the ORM's conversion to naive UTC."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "audit_auditevent" SET "created_at" = %s'
            ' WHERE "organization_id" = %s AND "seq" = %s',
            [text, organization.pk, seq],
        )


@pytest.fixture
def varied_chain(client_org, owner):  # type: ignore[no-untyped-def]
    origins = [
        Origin(ip="192.0.2.10", user_agent="Mozilla/5.0 (pytest)"),
        Origin(ip="2001:db8::1", user_agent="Navigateur « spécial » 漢字"),
        Origin(ip=None, user_agent=""),
    ]
    for n, (before, after) in enumerate(VALUES * 2):
        token = set_origin(origins[n % len(origins)])
        try:
            with transaction.atomic():
                record_event(
                    organization=client_org,
                    action="test.varié" if n % 2 else "test.step",
                    actor=owner if n % 3 else None,
                    target=owner if n % 4 else None,
                    before=before,
                    after=after,
                )
        finally:
            reset_origin(token)
    first = ChainHead.objects.get(organization=client_org).seq - len(VALUES) * 2 + 1
    events = AuditEvent.objects.filter(organization=client_org)
    # Times the fast path must take the long way for, or must read as the ORM does.
    events.filter(seq=first).update(created_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    events.filter(seq=first + 1).update(
        created_at=datetime(2026, 3, 29, 2, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Kolkata"))
    )
    events.filter(seq=first + 2).update(created_at=datetime(999, 12, 31, 23, 59, 59, 5, UTC))
    _set_stored_time(client_org, first + 3, "2026-03-29 01:30:00.250000+02:00")
    _set_stored_time(client_org, first + 4, "2026-10-25T02:59:59.5")
    _set_stored_time(client_org, first + 5, "2026-10-25 02:59:59")
    _reseal(client_org)
    return client_org


def test_a_row_is_accepted_exactly_when_sealed_with_the_reference_payload(
    varied_chain, monkeypatch
):
    rows, references = _scan_rows(varied_chain), list(chain._rows(varied_chain.pk))
    assert len(rows) == len(references) >= 2 * len(VALUES)
    exact_path = []
    exact_payload = chain_scan.exact_payload

    def spy(organization_id, row):  # type: ignore[no-untyped-def]
        exact_path.append(row[0])
        return exact_payload(organization_id, row)

    monkeypatch.setattr(chain_scan, "exact_payload", spy)
    for raw, orm in zip(rows, references, strict=True):
        expected = payload_bytes(orm[:13])
        assert exact_payload(varied_chain.pk, raw) == expected, raw
        sealed = (*raw[:12], hashlib.sha256(expected).hexdigest(), raw[13])
        walk = chain_scan.walk_rows([sealed], varied_chain.pk, raw[0], time_as_text=_time_as_text())
        assert (walk.broken_seq, walk.count) == (None, 1), (raw, expected)
        tampered = (*raw[:12], hashlib.sha256(expected + b" ").hexdigest(), raw[13])
        walk = chain_scan.walk_rows(
            [tampered], varied_chain.pk, raw[0], time_as_text=_time_as_text()
        )
        assert walk.reason == chain_scan.MODIFIED
    # Seconds without microseconds and a year below 1000 take the long way (and, on SQLite, a
    # stored offset); every other row, unicode and nested values included, took the fast path.
    first = references[-2 * len(VALUES)][1]
    assert {first, first + 2, first + 5} <= set(exact_path)
    whole_seconds = {orm[1] for orm in references if orm[3].microsecond == 0}
    assert set(exact_path) <= {first + 2, first + 3} | whole_seconds


def test_the_origin_text_is_the_one_context_digest_hashes(varied_chain):
    rows = {row[0]: row for row in _scan_rows(varied_chain)}
    events = AuditEvent.objects.filter(organization=varied_chain)
    for event in events:
        expected = f"{event.context_salt}|{event.ip or ''}|{event.user_agent}"
        assert rows[event.seq][13] == (expected if event.context_salt else None)
    events.update(context_salt="")  # a blank salt beside an origin: the text no digest has
    rows = {row[0]: row for row in _scan_rows(varied_chain)}
    for event in events:
        assert rows[event.seq][13] == ("" if event.ip or event.user_agent else None)
    events.update(ip=None, user_agent="")  # erased: no origin to check
    assert all(row[13] is None for row in _scan_rows(varied_chain))


def test_the_fast_path_and_the_orm_walk_agree_on_the_varied_chain(varied_chain):
    head = chain._head(varied_chain)
    assert verify_chain(varied_chain) == chain.ChainReport(
        varied_chain.slug, *chain.check_rows(chain._rows(varied_chain.pk), head)
    )
    assert verify_chain(varied_chain).ok


def test_content_canonical_json_refuses_is_reported_as_modified(varied_chain):
    """A value no stored event can hold: the ORM walk and the fast path both call it modified."""
    last = ChainHead.objects.get(organization=varied_chain).seq
    AuditEvent.objects.filter(organization=varied_chain, seq=last).update(after={"n": 2**70})
    report = verify_chain(varied_chain)
    assert (report.broken_seq, report.reason) == (last, chain_scan.MODIFIED)
    assert chain.check_rows(chain._rows(varied_chain.pk), None)[1:] == (last, chain_scan.MODIFIED)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL session setting")
@pytest.mark.django_db(transaction=True)
def test_the_session_time_zone_of_the_reading_connection_changes_nothing(client_org):
    with transaction.atomic():
        for n in range(3):
            record_event(organization=client_org, action="test.zone", after={"n": n})
    database = chain._scan_database()
    assert database is not None
    head = chain._head(client_org)
    for zone in ("UTC", "Asia/Kathmandu", "America/St_Johns"):
        params = {**database.pg_params, "options": f"-c TimeZone={zone}"}
        task = chain_scan.SliceTask(
            replace(database, pg_params=params), client_org.pk, lower=None, upper=None
        )
        walk = chain_scan.scan_slice(task)
        assert walk.head == head
        assert chain_scan.stitch([walk], walk.head) == (head[0], None, "")


# --- the same, on generated events (no database: rows in the form SQLite stores them) -------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=10,
)
_times = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
INDIA = timezone(timedelta(hours=5, minutes=30))
_ids = st.none() | st.integers(min_value=1, max_value=2**63 - 1)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    moment=_times,
    people=st.tuples(_ids, _ids),
    texts=st.lists(st.text(max_size=16), min_size=6, max_size=6),
    before=_json,
    after=_json,
)
def test_generated_events_hash_the_same_on_both_paths(seq, moment, people, texts, before, after):
    role, action, kind, oid, prev, ctx = texts
    hashed = (7, seq, prev, moment.replace(tzinfo=UTC), *people, role, action, kind, oid)
    reference = payload_bytes(
        (*hashed, json.loads(json.dumps(before)), json.loads(json.dumps(after)), ctx)
    )
    stored = hashlib.sha256(reference).hexdigest()
    rest = (role, action, kind, oid, json.dumps(before), json.dumps(after), ctx, stored, None)
    forms = [(str(moment), True), (moment, False), (moment.replace(tzinfo=UTC), False)]
    with suppress(OverflowError):  # as SQLite text, as PostgreSQL datetimes
        forms.append((moment.replace(tzinfo=UTC).astimezone(INDIA), False))
    for at, as_text in forms:
        row = (seq, prev, at, *people, *rest)
        assert chain_scan.exact_payload(7, row) == reference
        walk = chain_scan.walk_rows([row], 7, seq, time_as_text=as_text)
        assert (walk.broken_seq, walk.last_hash) == (None, stored)
