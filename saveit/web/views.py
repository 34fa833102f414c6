"""The home page: a learner's trainings; for everyone else, what waits for them now."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saveit.accounts.roles import Role

from .inbox import engagement_waits, sections_for

# Shortcuts of each role's own frame, shown beside its inbox.
ROLE_LINKS: dict[str, tuple[tuple[str, str | Promise], ...]] = {
    Role.SUPPORT_AGENT: (
        ("support:tickets", _("Ticket queue")),
        ("support:contracts", _("SLA and maintenance")),
        ("support:notices", _("Maintenance notices")),
    ),
    Role.QUALITY_MANAGER: (
        ("quality:home", _("Quality indicators")),
        ("quality:complaints", _("Complaints")),
        ("quality:actions", _("Improvement actions")),
        ("quality:audits", _("Audits")),
        ("quality:binder", _("Audit binder")),
    ),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    if member is not None and member.role == Role.LEARNER:
        return redirect("learning:my_trainings")  # a learner's home is their trainings
    context: dict[str, object] = {}
    if member is not None:
        sections = sections_for(member)
        context.update(
            sections=[s for s in sections if s.items],
            waiting_total=sum(len(s.items) for s in sections),
            has_inbox=bool(sections),
            waits=engagement_waits(member),
            is_auditor=member.role == Role.AUDITOR,
            role_links=[(reverse(name), label) for name, label in ROLE_LINKS.get(member.role, ())],
        )
        if member.role == Role.AUDITOR and member.expires_at is not None:
            left = member.expires_at - timezone.now()
            context["days_left"] = max(left.days, 0)
    return render(request, "web/home.html", context)
