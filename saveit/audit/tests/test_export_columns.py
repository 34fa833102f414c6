"""The export's columns come from the one list of hashed columns: every exported event can be
checked against its hash on its own."""

from __future__ import annotations

import json
from datetime import datetime

from django.urls import reverse

from saveit.audit.chain import HASHED_COLUMNS, compute_hash
from saveit.audit.chain_scan import SCAN_COLUMNS
from saveit.audit.models import AuditEvent
from saveit.audit.trail import EXPORT_COLUMNS
from saveit.testing.factories import signed_in


def test_every_hashed_column_is_exported_and_scanned():
    shown = {"organization_id": "organization", "created_at": "time_utc"}
    assert {shown.get(c, c) for c in HASHED_COLUMNS} <= set(EXPORT_COLUMNS)
    assert set(HASHED_COLUMNS) - {"organization_id"} <= set(SCAN_COLUMNS)
    assert {"hash", "ip", "user_agent"} <= set(EXPORT_COLUMNS)


def test_each_exported_event_recomputes_its_stored_hash(owner, client_org):
    response = signed_in(owner).get(reverse("audit:trail_json"))
    events = json.loads(b"".join(response.streaming_content))["events"]
    assert len(events) == AuditEvent.objects.filter(organization=client_org).count() > 0
    for event in events:
        values = event | {
            "organization_id": client_org.pk,
            "created_at": datetime.fromisoformat(event["time_utc"]),
        }
        assert compute_hash(tuple(values[c] for c in HASHED_COLUMNS)) == event["hash"]
