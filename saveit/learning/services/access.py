"""How learners get in: an e-mailed one-time link, then optionally a password of their own."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saveit.accounts import reauth
from saveit.accounts.models import Membership, User
from saveit.accounts.roles import Role
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.core.privacy import restricted_emails
from saveit.core.tasks import send_email_after_commit
from saveit.core.tokens import digest, new_secret

from ..models import Activity, Assignment, Learner, LinkRequest, SignInLink


def new_sign_in_link(learner: Learner, *, valid_for: timedelta | None = None) -> str:
    """Creates a link for the learner; the token is returned once and stored as a digest.

    A link asked for on the sign-in page lives SIGN_IN_LINK_VALIDITY_MINUTES (the learner is
    waiting for it); the one in an assignment e-mail, read later, LEARNER_INVITATION_LINK_HOURS.
    """
    token = new_secret("sl_")
    valid_for = valid_for or timedelta(minutes=settings.SIGN_IN_LINK_VALIDITY_MINUTES)
    SignInLink.objects.create(
        learner=learner,
        token_hash=digest(token),
        expires_at=timezone.now() + valid_for,
    )
    return settings.SITE_URL + reverse("learning:sign_in_link", args=[token])


def invite_learners(*, assignment_ids: list[int]) -> int:
    """Sends one e-mail per learner listing what was assigned; returns how many were sent."""
    assignments = (
        Assignment.objects.filter(pk__in=assignment_ids, invited_at__isnull=True)
        .select_related("learner__organization", "module_version__module")
        .order_by("learner_id", "pk")
    )
    by_learner: dict[Learner, list[Assignment]] = defaultdict(list)
    restricted: dict[int, set[str]] = {}
    for assignment in assignments:
        learner = assignment.learner
        if learner.organization_id not in restricted:
            restricted[learner.organization_id] = restricted_emails(learner.organization_id)
        if learner.email.lower() in restricted[learner.organization_id]:
            continue  # the person restricted or objected to the processing: no reminder
        by_learner[learner].append(assignment)
    messages = []
    with translation.override("fr"):
        for learner, assigned in by_learner.items():
            with transaction.atomic():
                url = new_sign_in_link(
                    learner, valid_for=timedelta(hours=settings.LEARNER_INVITATION_LINK_HOURS)
                )
                Assignment.objects.filter(pk__in=[a.pk for a in assigned]).update(
                    invited_at=timezone.now()
                )
            body = render_to_string(
                "learning/email/invitation.txt",
                {
                    "learner": learner,
                    "assignments": assigned,
                    "url": url,
                    "hours": settings.LEARNER_INVITATION_LINK_HOURS,
                },
            )
            subject = _("%(org)s: training to follow on SAVE IT") % {
                "org": learner.organization.name
            }
            messages.append(EmailMessage(subject, body, None, [learner.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def _account_for(learner: Learner) -> User:
    model = get_user_model()
    user = learner.user or model.objects.filter(email__iexact=learner.email).first()
    if user is None:
        user = model.objects.create_user(
            learner.email, None, first_name=learner.first_name, last_name=learner.last_name
        )
    return user


@transaction.atomic
def use_sign_in_link(*, token: str, ip: str | None = None) -> tuple[User, Membership]:
    """Spends the link (once, before it expires) and returns the account to sign in."""
    link = (
        SignInLink.objects.select_for_update()
        .select_related("learner__organization")
        .filter(token_hash=digest(token))
        .first()
    )
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise Refusal(
            _("This sign-in link is not valid any more: ask for a new one below."),
            code="invalid_link",
        )
    learner = link.learner
    if not learner.organization.is_active:
        raise Refusal(_("This organisation's access is closed."), code="inactive")
    user = _account_for(learner)
    if not user.is_active:
        raise Refusal(_("This account is deactivated."), code="inactive")
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    if learner.user_id != user.pk:
        learner.user = user
        learner.save(update_fields=["user"])
    membership, created = Membership.objects.get_or_create(
        user=user, organization=learner.organization, role=Role.LEARNER
    )
    Activity.objects.create(
        organization=learner.organization,
        learner=learner,
        kind=Activity.Kind.SIGN_IN,
        at=link.used_at,
        ip=ip,
        user=user,
    )
    record_event(
        organization=learner.organization,
        action="learner.signed_in_by_link",
        actor=membership,
        target=learner,
        after={"membership_created": created},
    )
    return user, membership


@transaction.atomic
def _over_ip_cap(ip: str | None) -> bool:
    """Counts this request against its address, unless the address is at its cap already (then
    it is not even stored: a flood costs one count per request, no row)."""
    now = timezone.now()
    start = now - timedelta(minutes=settings.SIGN_IN_LINK_REQUESTS_WINDOW_MINUTES)
    LinkRequest.objects.filter(requested_at__lt=start).delete()
    recent = LinkRequest.objects.filter(ip=ip, requested_at__gte=start).count()
    if recent >= settings.SIGN_IN_LINK_REQUESTS_PER_IP:
        return True
    LinkRequest.objects.create(ip=ip, requested_at=now)
    return False


def _fresh_link(learner: Learner) -> str | None:
    """A new link, unless one was e-mailed to this learner a moment ago (invitation included)."""
    since = timezone.now() - timedelta(minutes=settings.SIGN_IN_LINK_RESEND_MINUTES)
    with transaction.atomic():
        Learner.objects.select_for_update().filter(pk=learner.pk).first()  # one request at a time
        if learner.sign_in_links.filter(created_at__gte=since).exists():
            return None
        return new_sign_in_link(learner)


def resend_link(*, email: str, ip: str | None = None) -> int:
    """A learner asks for a new link; returns how many e-mails went out.

    The caller answers the same whatever happens here (unknown address, throttled learner,
    capped address), so the page tells nobody which addresses have an account.
    """
    if _over_ip_cap(ip):
        return 0
    learners = Learner.objects.filter(email=email.strip().lower(), assignments__isnull=False)
    sent = 0
    for learner in learners.select_related("organization").distinct():
        if not learner.organization.is_active:
            continue
        url = _fresh_link(learner)
        if url is None:
            continue
        with translation.override("fr"):
            body = render_to_string(
                "learning/email/sign_in_link.txt",
                {
                    "learner": learner,
                    "url": url,
                    "minutes": settings.SIGN_IN_LINK_VALIDITY_MINUTES,
                },
            )
            subject = _("Your sign-in link to SAVE IT")
        # Sent by the worker, like every e-mail of the platform: the page never waits for SMTP.
        send_email_after_commit(to=[learner.email], subject=subject, body=body)
        sent += 1
    return sent


def set_own_password(
    *, user: User, password: str, by: Membership, current_password: str | None = None
) -> None:
    """Someone who has a password gives it to change it: a session left open, or borrowed, is
    not enough. Someone who only ever signed in by link chooses a first one freely.

    The current password is checked outside the write transaction, throttled per user
    (saveit.accounts.reauth), so that a wrong one is counted even though nothing is written.
    The new password's strength is checked here too (the form shows what is wrong first).
    """
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise Refusal(" ".join(error.messages), code="weak_password") from error
    first = not user.has_usable_password()
    if not first:
        reauth.ensure_not_locked(user)
        if not user.check_password(current_password or ""):
            reauth.record_failure(member=by, purpose="password_change")
            raise Refusal(
                _("The current password is not the right one: nothing was changed."),
                code="wrong_password",
            )
        reauth.record_success(user)
    _save_password(user=user, password=password, by=by, first=first)


@transaction.atomic
def _save_password(*, user: User, password: str, by: Membership, first: bool) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
    record_event(
        organization=by.organization,
        action="user.password_set",
        actor=by,
        target=user,
        after={"first_password": first},
    )
