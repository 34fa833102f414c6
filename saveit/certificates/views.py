"""Attestation downloads, revocation, and the public verification endpoints."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core import keys
from saveit.core.actions import act
from saveit.engagements.models import Engagement
from saveit.learning.forms import RevokeForm
from saveit.learning.models import Learner

from . import selectors
from .credential import achievement, issuer_profile
from .pdf_data import render_attestation_pdf
from .permissions import access_attestation, access_engagement_attestations
from .services import can_revoke, facts_from_json, revoke_attestation
from .verification import public_state, verification_details


@login_required
def detail(request: HttpRequest, attestation_id: int) -> HttpResponse:
    member = acting_member(request)
    attestation = access_attestation(member, attestation_id)
    return render(
        request,
        "certificates/detail.html",
        {
            "a": attestation,
            "facts": attestation.facts,
            "details": verification_details(attestation.facts),
            "can_revoke": can_revoke(member) and attestation.revoked_at is None,
            "form": RevokeForm(),
        },
    )


@login_required
def pdf(request: HttpRequest, attestation_id: int) -> HttpResponse:
    member = acting_member(request)
    attestation = access_attestation(member, attestation_id)
    content = render_attestation_pdf(
        facts_from_json(attestation.facts),
        status=attestation.state(),
        qr_mask=attestation.qr_mask,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-{attestation.number}.pdf"'
    return response


@login_required
@require_POST
def engagement_zip(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """Starts the zip of every attestation of the engagement; its page follows the progress."""
    from .jobs import request_attestations_zip

    member = acting_member(request)
    engagement = access_engagement_attestations(member, engagement_id)
    job = request_attestations_zip(engagement=engagement, by=member)
    return redirect(reverse("core:job", args=[job.pk]))


@login_required
def badge(request: HttpRequest, attestation_id: int) -> HttpResponse:
    """The Open Badges 3.0 credential as issued: a signed JWT the holder can share."""
    member = acting_member(request)
    attestation = access_attestation(member, attestation_id)
    response = HttpResponse(attestation.credential, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="open-badge-{attestation.number}.jwt"'
    return response


@login_required
@require_POST
def revoke(request: HttpRequest, attestation_id: int) -> HttpResponse:
    member = acting_member(request)
    attestation = access_attestation(member, attestation_id)
    form = RevokeForm(request.POST)
    reason = form.data.get("reason", "")
    return act(
        request,
        lambda: revoke_attestation(attestation=attestation, reason=str(reason), by=member),
        _("The attestation is revoked; the verification page says so from now on."),
        reverse("certificates:detail", args=[attestation.pk]),
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: authentic, revoked or expired — with only the data needed to match the holder.

    "Authentic" only once the stored credential's signature verifies and states the same facts.
    """
    attestation = selectors.by_code(code)
    if attestation is None:
        return render(request, "certificates/verify.html", {"found": False}, status=404)
    facts = attestation.facts
    return render(
        request,
        "certificates/verify.html",
        {
            "found": True,
            "a": attestation,
            "state": public_state(attestation),
            "holder": selectors.masked_name(facts["holder_name"]),
            "facts": facts,
            "details": verification_details(facts),
        },
    )


@cache_control(max_age=300)
def credential_status(request: HttpRequest, code: str) -> JsonResponse:
    """Machine-readable status for verifiers of the credential (no personal data)."""
    attestation = selectors.by_code(code)
    if attestation is None:
        raise Http404
    return JsonResponse(
        {
            "number": attestation.number,
            "status": public_state(attestation),
            "issued": attestation.issued_at.isoformat(),
            "valid_until": attestation.valid_until.isoformat() if attestation.valid_until else None,
            "revoked": attestation.revoked_at.isoformat() if attestation.revoked_at else None,
        }
    )


@cache_control(max_age=3600)
def issuer(request: HttpRequest) -> JsonResponse:
    from saveit.accounts.selectors import provider_organization as provider

    from .services import absolute

    org = provider()
    return JsonResponse(
        issuer_profile(
            absolute("certificates:issuer"),
            org.name if org else "SAVE IT",
            request.build_absolute_uri("/"),
        )
    )


@cache_control(max_age=3600)
def achievement_view(request: HttpRequest, token: str) -> JsonResponse:
    """The achievement of a module version, at the random URL its credentials name."""
    attestation = selectors.first_attestation_of_achievement(token)
    if attestation is None:
        raise Http404
    return JsonResponse(achievement(facts_from_json(attestation.facts)))


# A verifier re-reads the list at each check; a revocation shows within this many seconds.
STATUS_LIST_MAX_AGE = 300


@cache_control(max_age=STATUS_LIST_MAX_AGE, public=True)
def status_list(request: HttpRequest, list_id: int) -> HttpResponse:
    """The signed BitstringStatusListCredential (VC-JWT) of revocations, public."""
    published = selectors.published_status_list(list_id)
    if published is None:
        raise Http404
    return HttpResponse(published, content_type="application/vc+jwt")


@cache_control(max_age=3600)
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(keys.jwks())


def verify_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code and selectors.CODE_PATTERN.fullmatch(code):
        return redirect("certificates:verify", code)
    if code:  # no code of ours has that shape: say so rather than fail on the redirect
        return render(request, "certificates/verify.html", {"found": False}, status=404)
    return render(request, "certificates/verify.html", {"found": None})


def _realisation_response(engagement: Engagement, learner: Learner) -> HttpResponse:
    from .realisation import render_realisation

    response = HttpResponse(render_realisation(engagement, learner), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="certificat-realisation-{engagement.reference}-{learner.pk}.pdf"'
    )
    return response


@login_required
def my_realisation(request: HttpRequest, engagement_id: int) -> HttpResponse:
    """The learner's own certificat de réalisation for an engagement they follow."""
    from saveit.learning.permissions import own_learner_records

    member = acting_member(request)
    for learner in own_learner_records(member):
        engagement = Engagement.objects.filter(
            pk=engagement_id, client_id=learner.organization_id
        ).first()
        if engagement is not None and (
            learner.assignments.filter(engagement=engagement).exists()
            or engagement.training_sessions.filter(participants__learner=learner).exists()
        ):
            return _realisation_response(engagement, learner)
    raise Http404


@login_required
def realisation(request: HttpRequest, engagement_id: int, learner_id: int) -> HttpResponse:
    """A learner's certificat de réalisation, for those who read the engagement's attestations."""
    from saveit.core.refusals import not_found

    engagement = access_engagement_attestations(acting_member(request), engagement_id)
    learner = Learner.objects.filter(pk=learner_id, organization_id=engagement.client_id).first()
    if learner is None:
        raise not_found(Learner, learner_id)
    return _realisation_response(engagement, learner)
