"""How learners get in: a first password after a link, a change only with the current one, and
new links e-mailed sparingly, with the same answer for everyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.utils import timezone

from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.testing.factories import PASSWORD, signed_in

from ..models import LinkRequest, SignInLink
from ..services import access

NEW = "Paillasse-propre-2027"
CAMILLE = "camille.lefevre@alpha.example"


def link_path(to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if m.to == [to])
    return re.search(r"https?://[^/\s]+(/acces/[\w-]+/)", message.body).group(1)


def age_links(minutes: int) -> None:
    """As if every link had been e-mailed that long ago."""
    SignInLink.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


# --- password --------------------------------------------------------------------------------


def test_a_learner_signed_in_by_link_chooses_a_first_password_freely(assigned):
    browser = Client()
    browser.post(link_path(CAMILLE))
    page = browser.get("/mes-formations/mot-de-passe/").content.decode()
    assert 'name="password"' in page and 'name="current_password"' not in page
    saved = browser.post("/mes-formations/mot-de-passe/", {"password": NEW, "confirm": NEW})
    assert saved.status_code == 302 and saved["Location"] == "/mes-formations/"
    user = SignInLink.objects.get(learner__email=CAMILLE).learner.user
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.get(action="user.password_set").after == {"first_password": True}
    assert browser.get("/mes-formations/").status_code == 200  # still signed in


@pytest.mark.parametrize("current", [None, "", "not-my-password"])
def test_changing_a_password_without_the_current_one_changes_nothing(learner, current):
    browser = signed_in(learner)
    page = browser.get("/mes-formations/mot-de-passe/").content.decode()
    assert 'name="current_password"' in page and 'autocomplete="current-password"' in page
    data = {"password": NEW, "confirm": NEW}
    if current is not None:
        data["current_password"] = current
    refused = browser.post("/mes-formations/mot-de-passe/", data)
    assert refused.status_code == 200
    assert re.search(r'field-error">\s*<label for="id_current_password"', refused.content.decode())
    learner.user.refresh_from_db()
    assert learner.user.check_password(PASSWORD) and not learner.user.check_password(NEW)
    assert not AuditEvent.objects.filter(action="user.password_set").exists()


def test_a_password_is_changed_with_the_current_one(learner):
    browser = signed_in(learner)
    saved = browser.post(
        "/mes-formations/mot-de-passe/",
        {"current_password": PASSWORD, "password": NEW, "confirm": NEW},
    )
    assert saved.status_code == 302
    learner.user.refresh_from_db()
    assert learner.user.check_password(NEW)
    assert AuditEvent.objects.get(action="user.password_set").after == {"first_password": False}
    assert browser.get("/mes-formations/").status_code == 200  # this session stays open


def test_the_service_itself_refuses_a_change_without_the_current_password(learner):
    for current in (None, "wrong"):
        with pytest.raises(Refusal) as refused:
            access.set_own_password(
                user=learner.user, password=NEW, current_password=current, by=learner
            )
        assert refused.value.code == "wrong_password"
    learner.user.refresh_from_db()
    assert learner.user.check_password(PASSWORD)


# --- new links -------------------------------------------------------------------------------


def test_a_new_link_is_e_mailed_at_most_once_per_learner_in_five_minutes(
    assigned, django_capture_on_commit_callbacks
):
    age_links(10)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert access.resend_link(email=CAMILLE, ip="203.0.113.5") == 1
        assert access.resend_link(email=" Camille.Lefevre@alpha.example ", ip="198.51.100.7") == 0
    assert len(mail.outbox) == sent + 1
    age_links(6)
    with django_capture_on_commit_callbacks(execute=True):
        assert access.resend_link(email=CAMILLE, ip="203.0.113.5") == 1
    assert len(mail.outbox) == sent + 2


def test_the_sign_in_link_goes_through_the_worker_like_every_e_mail(
    assigned, settings, django_capture_on_commit_callbacks
):
    """The README says e-mails are written by the worker (var/worker.log): none is sent by the
    request itself, so a slow mail server never slows the page either."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    age_links(10)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert access.resend_link(email=CAMILLE, ip="203.0.113.5") == 1
    assert len(mail.outbox) == sent  # nothing sent in-process
    queued = default_task_backend.results  # type: ignore[attr-defined]
    assert [r.task.name for r in queued] == ["send_email"]
    assert queued[0].kwargs["to"] == [CAMILLE]


def test_the_invitation_counts_as_the_link_of_the_moment(assigned):
    assert access.resend_link(email=CAMILLE, ip="203.0.113.5") == 0  # invited just now


def test_the_interval_between_two_links_is_a_setting(assigned, settings):
    settings.SIGN_IN_LINK_RESEND_MINUTES = 30
    age_links(10)
    assert access.resend_link(email=CAMILLE) == 0
    settings.SIGN_IN_LINK_RESEND_MINUTES = 1
    assert access.resend_link(email=CAMILLE) == 1


def test_requests_from_one_ip_address_are_capped(assigned, settings):
    settings.SIGN_IN_LINK_REQUESTS_PER_IP = 3
    age_links(10)
    ip = "203.0.113.5"
    assert access.resend_link(email="nobody@alpha.example", ip=ip) == 0  # counts too
    assert access.resend_link(email=CAMILLE, ip=ip) == 1
    assert access.resend_link(email="eloise.durand@alpha.example", ip=ip) == 1
    assert access.resend_link(email="noe.martin@alpha.example", ip=ip) == 0  # capped
    assert LinkRequest.objects.filter(ip=ip).count() == 3  # a refused request stores nothing
    assert access.resend_link(email="noe.martin@alpha.example", ip="198.51.100.7") == 1
    # Once the window has passed, the address may ask again and the old requests are gone.
    LinkRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=16))
    age_links(10)
    assert access.resend_link(email="noe.martin@alpha.example", ip=ip) == 1
    assert LinkRequest.objects.count() == 1


def test_the_page_answers_the_same_whether_a_link_was_sent_or_not(
    assigned, settings, django_capture_on_commit_callbacks
):
    settings.SIGN_IN_LINK_REQUESTS_PER_IP = 3
    age_links(10)
    sent = len(mail.outbox)
    answers = []
    for email, ip in (
        (CAMILLE, "203.0.113.5"),  # sent
        (CAMILLE, "203.0.113.5"),  # the same learner again: throttled
        ("nobody@alpha.example", "203.0.113.5"),  # unknown
        ("eloise.durand@alpha.example", "203.0.113.5"),  # known, but the address is capped
    ):
        browser = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post("/acces-nouveau-lien/", {"email": email}, REMOTE_ADDR=ip)
        toasts = [str(m) for m in get_messages(response.wsgi_request)]
        answers.append((response.status_code, response["Location"], toasts))
    assert len(mail.outbox) == sent + 1
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0][0] == 302 and len(answers[0][2]) == 1
