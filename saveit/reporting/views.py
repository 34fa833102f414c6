"""Dashboards (pilotage) of an engagement or of a client organisation, the learner list, exports.

Each page takes a scope through an access helper (same 404 for unknown and not yours), reads the
filters from the query string (choices built from the scope, so a forged id is refused) and
renders figures read from the pre-aggregated cubes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from saveit.accounts.permissions import acting_member
from saveit.attendance import reminders
from saveit.attendance.permissions import can_send_reminder
from saveit.core.errors import Refusal
from saveit.core.refusals import not_found
from saveit.learning.models import Learner

from . import charts, exports
from .attended import learner_seconds
from .dashboard import build
from .forms import FilterForm
from .jobs import request_export
from .learners import learner_assignments, learner_page
from .permissions import client_scope, clients_for, engagement_scope
from .selectors import Filters, Scope


@dataclass(frozen=True)
class Place:
    """Where a dashboard is: its scope, its title, and its URLs (engagement_* or client_*)."""

    scope: Scope
    title: str
    eyebrow: str
    kind: str  # "engagement" or "client"
    key: int
    engagement: object | None = None

    def url(self, page: str, *args: str, filters: Filters | None = None) -> str:
        from urllib.parse import urlencode

        name = f"reporting:{self.kind}" if page == "board" else f"reporting:{self.kind}_{page}"
        url = reverse(name, args=[self.key, *args])
        query = urlencode(filters.as_query()) if filters else ""
        return f"{url}?{query}" if query else url


def _engagement_place(request: HttpRequest, engagement_id: int) -> Place:
    scope = engagement_scope(acting_member(request), engagement_id)
    from saveit.engagements.models import Engagement

    assert scope.engagement_id is not None
    engagement = Engagement.objects.select_related("client").get(pk=scope.engagement_id)
    return Place(
        scope,
        engagement.title,
        f"{engagement.reference} · {engagement.client.name}",
        "engagement",
        engagement.pk,
        engagement,
    )


def _client_place(request: HttpRequest, organization_id: int) -> Place:
    scope, organization = client_scope(acting_member(request), organization_id)
    return Place(
        scope,
        organization.name,
        _("Client organisation: every engagement"),
        "client",
        organization.pk,
    )


def _export_urls(place: Place, table: str, filters: Filters) -> dict[str, str]:
    return {fmt: place.url("export", table, fmt, filters=filters) for fmt in ("csv", "xlsx", "pdf")}


def _filters(request: HttpRequest, place: Place) -> tuple[FilterForm, Filters]:
    form = FilterForm(request.GET or None, scope=place.scope)
    return form, form.filters() if request.GET else Filters()


def _dashboard(request: HttpRequest, place: Place) -> HttpResponse:
    form, filters = _filters(request, place)
    board = build(place.scope, filters)
    for row in board.versions:  # each version's line opens the dashboard filtered on it
        row.url = place.url("board", filters=replace(filters, version=row.version.pk, module=None))
    exports_links = {name: _export_urls(place, name, filters) for name in exports.TABLE_NAMES}
    return render(
        request,
        "reporting/dashboard.html",
        {
            "place": place,
            "form": form,
            "filters": filters,
            "board": board,
            "charts": charts.all_charts(board),
            "exports": exports_links,
            "learners_url": place.url("learners", filters=filters),
            # The overdue figure opens the list of the learners it counts.
            "overdue_url": place.url("learners", filters=replace(filters, overdue=True))
            if board.totals.overdue
            else "",
            "reset_url": place.url("board"),
            "hours_url": _hours_url(request, place),
        },
    )


def _hours_url(request: HttpRequest, place: Place) -> str:
    """The engagement's attendance page (hours per learner, activity traces), for its readers."""
    from saveit.attendance.permissions import READER_ROLES

    if place.engagement is None or acting_member(request).role not in READER_ROLES:
        return ""
    return reverse("attendance:hours", args=[place.key])


REMINDER_STATES = {
    reminders.OBJECTED: _lazy("Objected to reminders"),
    reminders.ALREADY_TODAY: _lazy("Reminded today"),
}


def _remind_button(place: Place, learner_id: int, blocker: str | None) -> dict[str, Any] | None:
    """The list's reminder button, or the state that replaces it (objected, reminded today);
    nothing for a learner with no open training."""
    if blocker is None:
        return {"url": place.url("remind", str(learner_id))}
    if blocker in REMINDER_STATES:
        return {"state": REMINDER_STATES[blocker], "reason": reminders.BLOCKER_REFUSALS[blocker]}
    return None


def _learners(request: HttpRequest, place: Place) -> HttpResponse:
    form, filters = _filters(request, place)
    page = learner_page(place.scope, filters, after=request.GET.get("after", "")[:200])
    attended = learner_seconds(place.scope, filters, [learner.pk for learner in page.learners])
    for learner in page.learners:
        learner.attended_seconds = attended.get(learner.pk)  # type: ignore[attr-defined]
    if can_send_reminder(acting_member(request)):
        rows = [row for learner in page.learners for row in learner.rows]  # type: ignore[attr-defined]
        blockers = reminders.manual_reminder_blockers(rows)
        for learner in page.learners:
            learner.remind = _remind_button(place, learner.pk, blockers.get(learner.pk))  # type: ignore[attr-defined]
    next_url = None
    if page.next_cursor:
        from urllib.parse import urlencode

        next_url = "?" + urlencode({**filters.as_query(), "after": page.next_cursor})
    return render(
        request,
        "reporting/learners.html",
        {
            "place": place,
            "form": form,
            "page": page,
            "next_url": next_url,
            "first_url": place.url("learners", filters=filters),
            "reset_url": place.url("learners"),
            "is_first": not request.GET.get("after"),
            "board_url": place.url("board", filters=filters),
            "exports": _export_urls(place, "learners", filters),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


def _remind(request: HttpRequest, place: Place, learner_id: int) -> HttpResponse:
    """One reminder e-mail to one learner of the list (recorded as the scheduler's are)."""
    member = acting_member(request)
    if not can_send_reminder(member):
        raise PermissionDenied
    assert member is not None
    learner = Learner.objects.filter(
        pk=learner_id, organization_id=place.scope.organization_id
    ).first()
    if learner is None:
        raise not_found(Learner, learner_id)
    rows = list(
        learner_assignments(place.scope, learner.pk).select_related(
            "learner__organization", "module_version__module"
        )
    )
    if not rows:
        raise not_found(Learner, learner_id)
    try:
        count = reminders.send_manual_reminder(assignments=rows, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            ngettext(
                "Reminder sent to %(name)s about %(count)s training.",
                "Reminder sent to %(name)s about %(count)s trainings.",
                count,
            )
            % {"name": learner.full_name, "count": count},
        )
    query = request.POST.get("query", "")[:2000]
    back = place.url("learners")
    return redirect(f"{back}?{query}" if query else back)


def _export(
    request: HttpRequest, place: Place, table: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The file at once; a large learner list is written by a job whose page offers it."""
    if table not in exports.TABLE_NAMES or fmt not in exports.FORMATS:
        raise Http404
    form, filters = _filters(request, place)
    export = exports.Export.asked(place.scope, form, filters, table, fmt)
    if exports.runs_in_background(place.scope, filters, table):
        title = exports.export_title(place.scope, fmt)
        job = request_export(export=export, by=acting_member(request), title=title)
        return redirect("core:job", job.pk)
    return exports.download(export)


@login_required
@require_GET
def engagement_dashboard(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return _dashboard(request, _engagement_place(request, engagement_id))


@login_required
@require_GET
def engagement_learners(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return _learners(request, _engagement_place(request, engagement_id))


@login_required
@require_GET
def engagement_export(
    request: HttpRequest, engagement_id: int, table: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    return _export(request, _engagement_place(request, engagement_id), table, fmt)


@login_required
@require_POST
def engagement_remind(request: HttpRequest, engagement_id: int, learner_id: int) -> HttpResponse:
    return _remind(request, _engagement_place(request, engagement_id), learner_id)


@login_required
@require_POST
def client_remind(request: HttpRequest, organization_id: int, learner_id: int) -> HttpResponse:
    return _remind(request, _client_place(request, organization_id), learner_id)


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """A client's readers go to their organisation's dashboard; staff choose a client."""
    member = acting_member(request)
    clients = clients_for(member)
    if not clients:
        raise Http404
    if len(clients) == 1 and clients[0].pk == member.organization_id:
        return redirect("reporting:client", clients[0].pk)
    return render(request, "reporting/overview.html", {"clients": clients})


@login_required
@require_GET
def client_dashboard(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _dashboard(request, _client_place(request, organization_id))


@login_required
@require_GET
def client_learners(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _learners(request, _client_place(request, organization_id))


@login_required
@require_GET
def client_export(
    request: HttpRequest, organization_id: int, table: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    return _export(request, _client_place(request, organization_id), table, fmt)
