"""The audit trail pages: an organisation's trail, one object's trail, exports, verification."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from saveit.accounts.models import Organization

from .checkpoints import verify_anchored
from .jobs import request_trail_export
from .permissions import access_trail, reads_every_trail, trail_organizations
from .trail import (
    TrailFilters,
    events_of,
    export_filename,
    object_events,
    object_types_of,
    runs_in_background,
    trail_download,
    trail_page,
)


class TrailFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=80, required=False)
    object_type = forms.CharField(label=_("Object type"), max_length=80, required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "trail-%s")  # the ids of the page's hand-drawn filters
        super().__init__(*args, **kwargs)

    def filters(self) -> TrailFilters:
        """The valid filters; an invalid field is ignored and its error shown."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return TrailFilters(
            action=(data.get("action") or "").strip(),
            object_type=(data.get("object_type") or "").strip(),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _organization(request: HttpRequest, raw: str | None) -> Organization:
    """The organisation asked for with ?org= (or the member's own); 404 when not visible."""
    if raw in (None, ""):
        return access_trail(getattr(request, "member", None))
    try:
        organization_id = int(raw)
    except ValueError as error:
        raise Http404 from error
    return access_trail(getattr(request, "member", None), organization_id)


def _query(organization: Organization, filters: TrailFilters) -> str:
    return urlencode({"org": organization.pk, **filters.as_query()})


def _trail_context(
    request: HttpRequest, organization: Organization, form: TrailFilterForm
) -> dict[str, Any]:
    filters = form.filters()
    member = request.member  # type: ignore[attr-defined]
    return {
        "organization": organization,
        "form": form,
        "filters": filters,
        "query": _query(organization, filters),
        "page": trail_page(events_of(organization, filters), request.GET.get("page")),
        "object_types": object_types_of(organization),
        "organizations": trail_organizations(member) if reads_every_trail(member) else [],
    }


@login_required
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    organization = _organization(request, request.GET.get("org"))
    form = TrailFilterForm(request.GET or None)
    return render(request, "audit/trail.html", _trail_context(request, organization, form))


@login_required
@require_GET
def object_trail(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    organization = _organization(request, request.GET.get("org"))
    filters = TrailFilters(object_type=object_type, object_id=object_id)
    context = {
        "organization": organization,
        "object_type": object_type,
        "object_id": object_id,
        "query": _query(organization, filters),
        "page": trail_page(
            object_events(organization, object_type, object_id), request.GET.get("page")
        ),
    }
    return render(request, "audit/trail_object.html", context)


@login_required
@require_POST
def trail_verify(request: HttpRequest) -> HttpResponse:
    organization = _organization(request, request.POST.get("org"))
    report, checked = verify_anchored(organization)
    # A broken chain says so on its own; otherwise what the checkpoints found.
    found = {"report": report, "checkpoint_problems": checked.problems if report.ok else []}
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request, "audit/trail.html#verification", {"organization": organization, **found}
        )
    context = _trail_context(request, organization, TrailFilterForm(None))
    context.update(found)
    return render(request, "audit/trail.html", context)


def _export_filters(request: HttpRequest) -> tuple[Organization, TrailFilters]:
    organization = _organization(request, request.GET.get("org"))
    filters = TrailFilterForm(request.GET).filters()
    object_id = request.GET.get("object_id", "").strip()[:64]
    if object_id:
        filters = TrailFilters(**{**filters.__dict__, "object_id": object_id})
    return organization, filters


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The trail as a file at once; more than AUDIT_EXPORT_BACKGROUND_ROWS events are written by
    a job whose page offers the file."""
    organization, filters = _export_filters(request)
    filename = export_filename(organization, fmt)
    if runs_in_background(events_of(organization, filters)):
        job = request_trail_export(
            organization=organization,
            filters=filters,
            fmt=fmt,
            filename=filename,
            by=request.member,  # type: ignore[attr-defined]
        )
        return redirect("core:job", job.pk)
    return trail_download(organization, filters, fmt, filename)


@login_required
@require_GET
def trail_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@login_required
@require_GET
def trail_json(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "json")
