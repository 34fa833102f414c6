"""Guards and helpers shared by the engagement services."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.audit.chain import record_event
from saveit.audit.services import store_generated_pdf
from saveit.core.errors import Forbidden, Refusal
from saveit.core.tasks import send_email_after_commit

from .. import selectors
from ..artefacts import ArtefactKind
from ..models import Engagement, Phase, SignedArtefact
from ..permissions import can_manage_engagement
from ..signing import content_sha256


def require_manager(by: Membership) -> None:
    """Only a current project manager or admin of the provider drives engagements (any one)."""
    if not by.is_current() or not can_manage_engagement(by):
        raise Forbidden(_("Only the provider's project managers and administrators can do this."))


def require_open(engagement: Engagement) -> None:
    if engagement.closed_at is not None:
        raise Refusal(_("This engagement is closed: it can no longer change."), code="closed")


def require_phase(engagement: Engagement, phase: int) -> None:
    require_open(engagement)
    if engagement.phase != phase:
        raise Refusal(
            _("The engagement is in phase %(current)s: reopen phase %(phase)s to change this.")
            % {"current": engagement.phase, "phase": f"{phase} ({Phase(phase).label})"},
            code="wrong_phase",
        )


def lock(engagement: Engagement) -> Engagement:
    """Re-read the engagement under a row lock: concurrent writers queue behind each other."""
    return Engagement.objects.select_for_update().select_related("client").get(pk=engagement.pk)


def client_owners(engagement: Engagement) -> list[Membership]:
    """The client's content owners an engagement addresses (see awaited_client_owners)."""
    return selectors.awaited_client_owners(engagement)


def engagement_url(engagement: Engagement) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{reverse('engagements:detail', args=[engagement.pk])}"


def notify(recipients: list[Membership], *, subject: str, body: str) -> None:
    """E-mail the people an engagement now waits for, in French (the contract language)."""
    emails = sorted({m.user.email for m in recipients if m.user.email})
    if emails:
        send_email_after_commit(to=emails, subject=subject, body=body)


def issue_artefact(
    *, artefact: SignedArtefact, kind: ArtefactKind, by: Membership, pdf: bytes
) -> SignedArtefact:
    """Freeze one revision: keep its PDF as evidence, asking for the owner's signature when the
    kind is signed (the completion report is only issued).

    Runs inside the caller's transaction, which holds the engagement lock.
    """
    if artefact.document_id is not None:
        raise Refusal(_("This revision has already been issued."), code="already_issued")
    engagement = artefact.engagement
    if kind.signed and not client_owners(engagement):
        raise Refusal(
            _("The client has no content owner who could sign: invite one first."),
            code="no_signer",
        )
    with override("fr"):
        title = f"{kind.label} · {engagement.reference} · r{artefact.revision}"
    artefact.document = store_generated_pdf(
        organization=engagement.client,
        by=by,
        content=pdf,
        name=f"{kind.code}-{engagement.reference}-r{artefact.revision}.pdf",
        title=title,
        signer_roles=[Role.CLIENT_OWNER] if kind.signed else [],
    )
    artefact.content_sha256 = content_sha256(artefact)
    artefact.issued_at = timezone.now()
    artefact.issued_by = by
    artefact.save()
    record_event(
        organization=engagement.client,
        action="engagement.artefact_issued",
        actor=by,
        target=engagement,
        after={
            "artefact": kind.code,
            "revision": artefact.revision,
            "document": artefact.document.pk,
            "sha256": artefact.document.sha256,
            "content_sha256": artefact.content_sha256,
        },
    )
    if not kind.signed:
        return artefact
    with override("fr"):
        notify(
            client_owners(engagement),
            subject=_("To sign: %(what)s (%(ref)s)")
            % {"what": kind.label, "ref": engagement.reference},
            body=_(
                "%(what)s of the engagement “%(title)s” is ready for your signature.\n\n"
                "Read it and sign it here: %(url)s\n"
            )
            % {"what": kind.label, "title": engagement.title, "url": engagement_url(engagement)},
        )
    return artefact
