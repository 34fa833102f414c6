"""The one-click reminder of the dashboard's learner list, and the typed Excel export."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from saveit.attendance.models import Reminder
from saveit.audit.models import AuditEvent
from saveit.learning.hooks import contact_refused
from saveit.learning.models import Assignment, Learner
from saveit.learning.services import attempts
from saveit.testing.factories import make_member, signed_in
from saveit.testing.learning_setup import Form, answers_for

pytestmark = pytest.mark.django_db


def _remind_url(assignment: Assignment) -> str:
    return reverse(
        "reporting:engagement_remind", args=[assignment.engagement_id, assignment.learner_id]
    )


def test_one_click_sends_one_recorded_reminder_then_not_again_that_day(
    assigned, manager, django_capture_on_commit_callbacks
):
    row = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    browser = signed_in(manager)
    page = browser.get(reverse("reporting:engagement_learners", args=[row.engagement_id]))
    assert _remind_url(row) in page.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post(_remind_url(row), {"query": "site=Lyon"}, follow=True)
    assert sent.redirect_chain[-1][0].endswith("/pilotage/apprenants/?site=Lyon")
    assert "Relance envoyée" in sent.content.decode()
    assert [m.to for m in mail.outbox] == [["camille.lefevre@alpha.example"]]
    assert row.module_version.module.title in mail.outbox[0].body
    reminder = Reminder.objects.get(assignment=row)
    assert reminder.rule == "manual" and reminder.to_email == row.learner.email
    assert AuditEvent.objects.filter(action="attendance.reminder_sent").count() == 1
    # A second click the same day sends nothing and says why; the list shows it too.
    with django_capture_on_commit_callbacks(execute=True):
        again = browser.post(_remind_url(row), follow=True)
    assert "déjà été relancé aujourd" in again.content.decode()
    assert len(mail.outbox) == 1 and Reminder.objects.filter(rule="manual").count() == 1
    assert _remind_url(row) not in again.content.decode()
    assert "Relancé aujourd’hui" in again.content.decode()


def test_a_learner_who_objected_gets_no_reminder_and_the_list_says_why(
    assigned, manager, client_org, django_capture_on_commit_callbacks
):
    from saveit.accounts.roles import Role

    row = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    member = make_member(client_org, Role.LEARNER, email=row.learner.email)
    Learner.objects.filter(pk=row.learner_id).update(user=member.user)

    def objected(*, ids):
        return {member.pk} if member.pk in ids else set()

    contact_refused.register(objected)
    mail.outbox.clear()
    try:
        browser = signed_in(manager)
        page = browser.get(reverse("reporting:engagement_learners", args=[row.engagement_id]))
        text = page.content.decode()
        assert _remind_url(row) not in text and "Opposé aux relances" in text
        with django_capture_on_commit_callbacks(execute=True):
            refused = browser.post(_remind_url(row), follow=True)
    finally:
        contact_refused._handlers.remove(objected)
    assert "opposé aux relances" in refused.content.decode()
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_reminders_are_posted_and_stay_in_the_scope(assigned, manager, outsider, auditor):
    row = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    assert signed_in(manager).get(_remind_url(row)).status_code == 405
    assert signed_in(outsider).post(_remind_url(row)).status_code == 404
    assert signed_in(auditor).post(_remind_url(row)).status_code in (403, 404)
    unknown = reverse("reporting:engagement_remind", args=[row.engagement_id, 999999])
    assert signed_in(manager).post(unknown).status_code == 404
    assert not Reminder.objects.exists()


def test_a_learner_with_nothing_left_to_do_is_not_reminded(assigned, manager):
    row = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=row)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    page = signed_in(manager).post(_remind_url(row), follow=True)
    assert "plus aucune formation" in page.content.decode()
    assert not Reminder.objects.exists()


def test_the_learner_export_carries_real_dates_and_numbers(assigned, manager):
    row = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    Assignment.objects.filter(pk=row.pk).update(due_on=datetime.date(2026, 12, 31))
    attempt = attempts.start_attempt(assignment=row)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    url = reverse("reporting:engagement_export", args=[row.engagement_id, "learners", "xlsx"])
    sheet = load_workbook(io.BytesIO(signed_in(manager).get(url).content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=2)]
    camille = next(r for r in rows if r[1].value == "Camille")
    score, completed, due = camille[8], camille[9], camille[10]
    assert isinstance(score.value, int | float) and score.value == 100
    assert isinstance(completed.value, datetime.datetime)
    assert completed.number_format == "dd/mm/yyyy hh:mm"
    assert due.value == datetime.datetime(2026, 12, 31) and due.number_format == "dd/mm/yyyy"
    assert isinstance(camille[12].value, int | float)  # minutes on task, a number
    assert camille[12].number_format == "#,##0.0"
    other = next(r for r in rows if r[1].value != "Camille")
    assert other[9].value is None  # not completed: an empty cell, not a dash or ""


def test_the_service_itself_refuses_an_auditor(assigned, auditor):
    """The rule lives in the service, not only in the list's view: an auditor calling it directly
    is refused and nothing is recorded or sent."""
    from saveit.attendance.reminders import send_manual_reminder
    from saveit.core.errors import Forbidden

    rows = list(Assignment.objects.filter(learner__email="camille.lefevre@alpha.example"))
    sent = len(mail.outbox)  # the invitations of the set-up
    with pytest.raises(Forbidden):
        send_manual_reminder(assignments=rows, by=auditor)
    assert not Reminder.objects.exists() and len(mail.outbox) == sent
