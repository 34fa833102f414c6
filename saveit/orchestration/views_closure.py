"""Phase 7 pages: generate the completion report, issue the delivery note, seal and download
the evidence pack, reopen a closed engagement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.confirm import confirmation_page, is_confirmed
from saveit.core.errors import Refusal
from saveit.engagements.models import EvidencePack
from saveit.engagements.permissions import access_engagement

from .services import closure


def _back(engagement_id: int) -> str:
    return reverse("engagements:detail", args=[engagement_id]) + "#closure"


@login_required
@require_POST
def completion_report(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return act(
        request,
        lambda: closure.generate_completion_report(engagement=engagement, by=member),
        _("The completion report is generated."),
        _back(engagement.pk),
    )


@login_required
@require_POST
def delivery_note(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return act(
        request,
        lambda: closure.issue_delivery_note(engagement=engagement, by=member),
        _("The delivery note is issued: the client's content owner is asked to sign it."),
        _back(engagement.pk),
    )


@login_required
@require_POST
def seal(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Seal the evidence pack"),
            eyebrow=f"{engagement.reference} · {engagement.title}",
            consequence=_(
                "Every artefact, signature and audit event of the engagement as of now is sealed "
                "into a signed zip that can never change; anything added later needs a new seal."
            ),
            action=_("Seal the evidence pack"),
            note=_("This cannot be undone."),
            back=_back(engagement.pk),
        )
    try:
        job = closure.request_evidence_pack(engagement=engagement, by=member)
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect(_back(engagement.pk))
    return redirect("core:job", job_id=job.pk)


@login_required
@require_POST
def reopen_closed(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return act(
        request,
        lambda: closure.reopen_closed(
            engagement=engagement, by=member, reason=request.POST.get("reason", "")[:2000]
        ),
        _("The engagement is reopened; the reason is recorded in the audit trail."),
        _back(engagement.pk),
    )


@login_required
@require_GET
def evidence_pack(request: HttpRequest, engagement_id: int, revision: int) -> FileResponse:
    engagement = access_engagement(acting_member(request), engagement_id)
    pack = EvidencePack.objects.filter(engagement=engagement, revision=revision).first()
    if pack is None:
        raise Http404
    return FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=f"dossier-de-preuves-{engagement.reference}-r{pack.revision}.zip",
        content_type="application/zip",
    )
