"""Reads of an organisation's audit trail: filters, pages, and the CSV and JSON exports.

Callers pass an organisation obtained through saveit.audit.permissions.access_trail, so every
query here is already scoped to one tenant.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Organization
from saveit.accounts.roles import role_label
from saveit.core.jobs import ReportsProgress, counted, no_progress

from .chain import HASHED_COLUMNS, canonical_json, format_time
from .models import AuditEvent

PAGE_SIZE = 50
# A value shown in the "before → after" column is cut to this many characters.
_SHOWN_VALUE_LENGTH = 60
_SHOWN_CHANGES = 4


@dataclass(frozen=True)
class TrailFilters:
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_query(self) -> dict[str, str]:
        """The filters as URL parameters, so exports and page links keep them."""
        values = {
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}

    @classmethod
    def from_query(cls, query: dict[str, str]) -> TrailFilters:
        """The filters back from as_query() (what a background export keeps)."""

        def day(name: str) -> date | None:
            return date.fromisoformat(query[name]) if query.get(name) else None

        return cls(
            action=query.get("action", ""),
            object_type=query.get("object_type", ""),
            object_id=query.get("object_id", ""),
            date_from=day("date_from"),
            date_to=day("date_to"),
        )


def _start_of_day(day: date) -> datetime:
    """Midnight of that day in the display time zone (Europe/Paris), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def events_of(
    organization: Organization, filters: TrailFilters | None = None
) -> QuerySet[AuditEvent]:
    """The organisation's events matching the filters, in chain order."""
    filters = filters or TrailFilters()
    events = AuditEvent.objects.filter(organization=organization)
    if filters.action:
        events = events.filter(action__icontains=filters.action)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    if filters.date_from:
        events = events.filter(created_at__gte=_start_of_day(filters.date_from))
    if filters.date_to:
        events = events.filter(created_at__lt=_start_of_day(filters.date_to + timedelta(days=1)))
    return events.order_by("seq")


def object_events(
    organization: Organization, object_type: str, object_id: str
) -> QuerySet[AuditEvent]:
    return events_of(organization, TrailFilters(object_type=object_type, object_id=object_id))


def object_types_of(organization: Organization) -> list[str]:
    """The object types present in the trail, for the filter's choices."""
    return list(
        AuditEvent.objects.filter(organization=organization)
        .exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )


# --- the page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    text = value if isinstance(value, str) else canonical_json(value).decode()
    if len(text) > _SHOWN_VALUE_LENGTH:
        return text[: _SHOWN_VALUE_LENGTH - 1] + "…"
    return text


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """The fields that differ between before and after, in key order, a few at most."""
    found = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            found.append(Change(key, _shown(old) if key in before else "", _shown(new)))
    return found[:_SHOWN_CHANGES]


def trail_page(events: QuerySet[AuditEvent], number: Any) -> Page:
    """One page of events, newest first, each with its actor and a compact change list."""
    newest_first = events.select_related("actor_user").order_by("-seq")
    page = Paginator(newest_first, PAGE_SIZE).get_page(number)
    for event in page.object_list:
        event.changes = changes(event.before or {}, event.after or {})  # type: ignore[attr-defined]
        event.actor_role_label = role_label(event.actor_role)  # type: ignore[attr-defined]
    return page


# --- exports ----------------------------------------------------------------------------------

# An export holds every column a hash is computed from (HASHED_COLUMNS, the one list), so each
# row can be checked on its own; then the origin in the clear and the stored hash. Two are shown
# another way: the organisation by its slug, the time as UTC text.
_SHOWN_AS = {"organization_id": "organization", "created_at": "time_utc"}
_STORED = (*HASHED_COLUMNS, "ip", "user_agent", "hash")
EXPORT_COLUMNS = tuple(_SHOWN_AS.get(column, column) for column in _STORED)
# The stored columns an export reads (the organisation is the export's own).
_EXPORT_FIELDS = tuple(column for column in _STORED if column != "organization_id")


def export_records(organization: Organization, events: QuerySet[AuditEvent]) -> Iterator[dict]:
    """One plain dict per event, in chain order, with the exact stored values."""
    rows = events.order_by("seq").values_list(*_EXPORT_FIELDS).iterator(chunk_size=2000)
    for row in rows:
        record = dict(zip(_EXPORT_FIELDS, row, strict=True))
        record["time_utc"] = format_time(record.pop("created_at"))
        record["organization"] = organization.slug
        yield {column: record[column] for column in EXPORT_COLUMNS}


# Spreadsheets run a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return canonical_json(value).decode()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    """CSV text, header first, one chunk per event; UTF-8 BOM so spreadsheets read accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(record[column]) for column in EXPORT_COLUMNS])
        yield buffer.getvalue()


def json_chunks(organization: Organization, records: Iterable[dict]) -> Iterator[bytes]:
    """A JSON document {"organization": …, "events": […]} written one event at a time."""
    head = orjson.dumps({"organization": organization.slug, "generated_at": _now_utc()})
    yield head[:-1] + b',"events":['
    for index, record in enumerate(records):
        yield (b"," if index else b"") + orjson.dumps(record)
    yield b"]}"


def _now_utc() -> str:
    return format_time(timezone.now())


# --- one export, whole: at once in the request, or by a background job ------------------------

EXPORT_FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def export_filename(organization: Organization, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"audit-{organization.slug}-{stamp}.{extension}"


def runs_in_background(events: QuerySet[AuditEvent]) -> bool:
    """More events than AUDIT_EXPORT_BACKGROUND_ROWS: the export is written by a job."""
    return events.count() > settings.AUDIT_EXPORT_BACKGROUND_ROWS


def export_chunks(
    organization: Organization,
    filters: TrailFilters,
    fmt: str,
    progress: ReportsProgress = no_progress,
) -> Iterator[bytes]:
    """The export's bytes (CSV or JSON), streamed by the request or written to disk by a job."""
    events = events_of(organization, filters)
    records: Iterable[dict] = export_records(organization, events)
    if progress is not no_progress:
        records = counted(records, progress, total=events.count(), step=_("Writing the events"))
    if fmt == "csv":
        for text in csv_lines(records):
            yield text.encode("utf-8")
    else:
        yield from json_chunks(organization, records)


def trail_download(
    organization: Organization, filters: TrailFilters, fmt: str, filename: str
) -> StreamingHttpResponse:
    """The export answered in the request, streamed as it is written."""
    response = StreamingHttpResponse(
        export_chunks(organization, filters, fmt), content_type=EXPORT_FORMATS[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
