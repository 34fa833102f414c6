"""The audit trail over the API: list an organisation's events, verify its chain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from saveit.accounts.permissions import acting_member
from saveit.core.api_jobs import JobAcceptedOut, job_accepted
from saveit.core.api_support import COMMON_ERRORS, OFFSET_MAX

from .checkpoints import verify_anchored
from .jobs import request_trail_export
from .permissions import access_trail
from .trail import TrailFilters, events_of, export_filename, runs_in_background, trail_download

router = Router(tags=["audit trail"])
MAX_LIMIT = 500


class EventQuery(Schema):
    org_id: int | None = Field(None, description="Organisation; the acting one when omitted.")
    action: str = Field("", max_length=80, description="Part of the action name.")
    object_type: str = Field("", max_length=80, description="Exact object type.")
    object_id: str = Field("", max_length=64, description="Exact object id.")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=OFFSET_MAX)


class EventOut(Schema):
    seq: int
    created_at: datetime
    actor_user_id: int | None
    actor_membership_id: int | None
    actor_role: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any]
    after: dict[str, Any]
    ip: str | None
    user_agent: str
    prev_hash: str
    hash: str


class EventPageOut(Schema):
    organization: str
    count: int
    limit: int
    offset: int
    events: list[EventOut]


class ChainReportOut(Schema):
    organization: str
    events: int
    ok: bool
    broken_seq: int | None
    reason: str
    problems: list[str] = Field(
        description="Every problem found: the first broken link, then any disagreement "
        "with the signed checkpoints (a chain cut short or rewritten under one)."
    )


@router.get("/events", response={200: EventPageOut, **COMMON_ERRORS})
def list_events(request: HttpRequest, query: Query[EventQuery]) -> dict[str, Any]:
    """The organisation's events in chain order (seq ascending), one page at a time."""
    organization = access_trail(acting_member(request), query.org_id)
    filters = TrailFilters(
        action=query.action.strip(),
        object_type=query.object_type.strip(),
        object_id=query.object_id.strip(),
    )
    events = events_of(organization, filters)
    return {
        "organization": organization.slug,
        "count": events.count(),
        "limit": query.limit,
        "offset": query.offset,
        "events": list(events[query.offset : query.offset + query.limit]),
    }


@router.get("/verify", response={200: ChainReportOut, **COMMON_ERRORS})
def verify(request: HttpRequest, org_id: int | None = None) -> dict[str, Any]:
    """Recompute the organisation's chain and compare it with its signed checkpoints;
    broken_seq names the first broken link, problems everything found; ok when none."""
    organization = access_trail(acting_member(request), org_id)
    report, checked = verify_anchored(organization)
    return {
        "organization": report.organization_slug,
        "events": report.events,
        "ok": not checked.problems,
        "broken_seq": report.broken_seq,
        "reason": report.reason,
        "problems": checked.problems,
    }


class ExportQuery(Schema):
    org_id: int | None = Field(None, description="Organisation; the acting one when omitted.")
    format: Literal["csv", "json"] = "csv"
    action: str = Field("", max_length=80, description="Part of the action name.")
    object_type: str = Field("", max_length=80, description="Exact object type.")
    object_id: str = Field("", max_length=64, description="Exact object id.")
    date_from: date | None = Field(None, description="First day (Paris time).")
    date_to: date | None = Field(None, description="Last day (Paris time).")


@router.get("/export", response={200: None, 202: JobAcceptedOut, **COMMON_ERRORS})
def export(request: HttpRequest, query: Query[ExportQuery]) -> Any:
    """The trail as a CSV or JSON file, every hashed column so each row can be checked; more
    than AUDIT_EXPORT_BACKGROUND_ROWS events answer 202: poll `job_url`, then download its
    `result_url`."""
    member = acting_member(request)
    organization = access_trail(member, query.org_id)
    filters = TrailFilters(
        action=query.action.strip(),
        object_type=query.object_type.strip(),
        object_id=query.object_id.strip(),
        date_from=query.date_from,
        date_to=query.date_to,
    )
    filename = export_filename(organization, query.format)
    if runs_in_background(events_of(organization, filters)):
        return job_accepted(
            request_trail_export(
                organization=organization,
                filters=filters,
                fmt=query.format,
                filename=filename,
                by=member,
            )
        )
    return trail_download(organization, filters, query.format, filename)
