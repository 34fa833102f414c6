"""Unanswered questions are summed up before an attempt is scored (as Moodle does), on a page
that works without JavaScript: the learner goes back with the answers kept, or confirms."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import ngettext

from saveit.testing.factories import signed_in
from saveit.testing.learning_setup import answers_for

from ..models import Assignment, Attempt
from ..services import attempts


@pytest.fixture
def started(assigned):
    assignment = Assignment.objects.select_related("learner").get(
        learner__email="camille.lefevre@alpha.example"
    )
    attempt = attempts.start_attempt(assignment=assignment)
    return assignment, attempt


def _browser(assignment):
    from saveit.learning.services import access

    link = access.new_sign_in_link(assignment.learner)
    _user, membership = access.use_sign_in_link(token=link.rstrip("/").rsplit("/", 1)[-1])
    return signed_in(membership)


def _submit_url(assignment, attempt) -> str:
    return f"/mes-formations/{assignment.pk}/evaluation/{attempt.number}/"


def _hidden(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<input type="hidden" name="(item-[^"]+)" value="([^"]*)">', html)


def test_unanswered_questions_show_a_summary_and_nothing_is_scored(started):
    assignment, attempt = started
    browser = _browser(assignment)
    form = answers_for(attempt, right=True)
    first, second = (f"item-{key}" for key, _order in attempt.drawn[:2])
    form[first], form[second] = [], [""]
    page = browser.post(_submit_url(assignment, attempt), form)
    html = page.content.decode()
    assert page.status_code == 200
    with translation.override("fr"):
        count = ngettext(
            "%(n)s question without an answer", "%(n)s questions without an answer", 2
        ) % {"n": 2}
    assert count in html and count.startswith("2 questions sans réponse")
    assert 'data-unanswered="2"' in html
    assert html.count('class="is-unanswered"') == 2
    kept = {(name, value) for name, values in form.items() for value in values}
    assert set(_hidden(html)) == kept  # every answer given is carried through the summary
    assert 'name="action" value="back"' in html and 'name="action" value="confirm"' in html
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN and attempt.score is None


def test_back_to_the_questions_keeps_the_answers_given(started):
    assignment, attempt = started
    browser = _browser(assignment)
    form = answers_for(attempt, right=True)
    missing = f"item-{attempt.drawn[0][0]}"
    form[missing] = []
    back = browser.post(_submit_url(assignment, attempt), {**form, "action": "back"})
    html = back.content.decode()
    assert back.status_code == 200
    for name, values in form.items():
        if name == missing:
            continue
        for value in values:
            field = rf'name="{re.escape(name)}"[^>]*value="{re.escape(value)}"[^>]*(checked|>)'
            option = rf'<option value="{re.escape(value)}" selected>'
            assert re.search(field, html) or re.search(option, html), (name, value)
    assert 'href="#question-1"' in html  # the notice links to the question left without answer
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


def test_confirming_scores_the_attempt_with_the_unanswered_questions_wrong(started):
    assignment, attempt = started
    browser = _browser(assignment)
    form = answers_for(attempt, right=True)
    form[f"item-{attempt.drawn[0][0]}"] = []
    confirmed = browser.post(_submit_url(assignment, attempt), {**form, "action": "confirm"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == f"/mes-formations/{assignment.pk}/resultats/1/"
    attempt.refresh_from_db()
    total = len(attempt.drawn)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 100 * (total - 1) // total


def test_a_complete_answer_set_is_scored_at_once(started):
    assignment, attempt = started
    browser = _browser(assignment)
    done = browser.post(_submit_url(assignment, attempt), answers_for(attempt, right=True))
    assert done.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == 100


def _deadline(attempt, seconds_from_now: int) -> None:
    deadline = timezone.now() + timedelta(seconds=seconds_from_now)
    Attempt.objects.filter(pk=attempt.pk).update(deadline_at=deadline)
    attempt.refresh_from_db()


def test_within_the_grace_after_the_deadline_the_answers_are_scored_at_once(started):
    assignment, attempt = started
    _deadline(attempt, -(attempts.GRACE.seconds // 2))
    form = answers_for(attempt, right=True)
    form[f"item-{attempt.drawn[0][0]}"] = []
    state = attempts.answer_state(attempt=attempt, form=form)
    assert state.accepted and not state.may_review
    submitted = _browser(assignment).post(_submit_url(assignment, attempt), form)
    assert submitted.status_code == 302  # no summary: a confirmation would come too late
    assert submitted["Location"] == f"/mes-formations/{assignment.pk}/resultats/1/"
    attempt.refresh_from_db()
    total = len(attempt.drawn)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.score == 100 * (total - 1) // total


def test_past_the_grace_the_answers_are_no_longer_accepted(started):
    _assignment, attempt = started
    _deadline(attempt, -(attempts.GRACE.seconds + 5))
    state = attempts.answer_state(attempt=attempt, form=answers_for(attempt, right=True))
    assert not state.accepted and not state.may_review


def test_an_answer_of_blanks_is_unanswered_as_the_scoring_reads_it(started):
    assignment, attempt = started
    _deadline(attempt, 600)
    form = answers_for(attempt, right=True)
    blank = attempt.drawn[0][0]
    form[f"item-{blank}"] = ["   "]
    state = attempts.answer_state(attempt=attempt, form=form)
    assert state.accepted and state.may_review and state.unanswered == {blank}
    summary = _browser(assignment).post(_submit_url(assignment, attempt), form)
    assert summary.status_code == 200
    assert 'data-unanswered="1"' in summary.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN


def test_the_question_list_is_kept_per_drawing_and_language_never_with_answers(started):
    """The list shown with nothing posted is rendered once per process (issue 22): the page
    is the same byte for byte, another language gets its own, a page shown with answers is
    never taken from nor put into what is kept."""
    from .. import views_learner

    assignment, attempt = started
    browser = _browser(assignment)
    page_url = f"/mes-formations/{assignment.pk}/evaluation/"
    views_learner._QUESTION_LISTS.clear()
    first = browser.get(page_url).content.decode()
    assert len(views_learner._QUESTION_LISTS._kept) == 1
    kept = browser.get(page_url).content.decode()
    views_learner._QUESTION_LISTS.clear()
    fresh = browser.get(page_url).content.decode()
    questions = re.compile(
        r'class="assessment">.*?<input[^>]*csrfmiddlewaretoken[^>]*>(.*?)</form>', re.S
    )
    assert questions.search(first)[1] == questions.search(kept)[1] == questions.search(fresh)[1]
    assert "fieldset" in questions.search(kept)[1] and " checked" not in questions.search(kept)[1]
    with translation.override("en"):
        browser.cookies["django_language"] = "en"
        english = browser.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(views_learner._QUESTION_LISTS._kept) == 2
    assert questions.search(english)[1] != questions.search(first)[1]
    form = answers_for(attempt, right=True)
    form[f"item-{attempt.drawn[0][0]}"] = []
    back = browser.post(_submit_url(assignment, attempt), {**form, "action": "back"})
    answered = questions.search(back.content.decode())[1]
    assert " checked" in answered or " selected" in answered  # the answers, not a kept copy
    assert len(views_learner._QUESTION_LISTS._kept) == 2
