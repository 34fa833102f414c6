"""Hot survey on completion, cold survey after N days, reminders, answers and their privacy."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.core.errors import Refusal
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.quality.models import SurveyRequest
from saveit.quality.surveys import (
    answer_survey,
    remind_surveys,
    request_cold_surveys,
    request_hot_survey,
    survey_token,
)
from saveit.testing.factories import bearer, make_member, signed_in
from saveit.testing.learning_setup import Form, answers_for

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")
SCORES = {"objectives": 5, "methods": 4, "materials": 3, "organisation": 4}


def _pass(version) -> Assignment:
    assignment = Assignment.objects.filter(module_version=version).order_by("pk").first()
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    assignment.refresh_from_db()
    return assignment


def test_a_pass_asks_the_learner_for_a_hot_survey_once(provider, assigned):
    assignment = _pass(assigned)
    hot = SurveyRequest.objects.get(assignment=assignment, moment="hot")
    assert hot.respondent == "learner" and hot.client_id == assignment.organization_id
    assert hot.organization == provider and hot.module_id == assigned.module_id
    request_hot_survey(assignment=assignment)  # told twice: still one survey
    assert SurveyRequest.objects.filter(assignment=assignment, moment="hot").count() == 1


def test_the_cold_survey_goes_after_the_configured_days_and_only_once(provider, assigned, settings):
    settings.QUALITY_COLD_SURVEY_DAYS = 90
    assignment = _pass(assigned)
    assert request_cold_surveys() == 0  # too early
    later = timezone.now() + timedelta(days=91)
    assert request_cold_surveys(now=later) == 1
    assert request_cold_surveys(now=later) == 0
    assert SurveyRequest.objects.filter(assignment=assignment, moment="cold").count() == 1


def test_reminders_are_sent_once_per_interval_and_bounded(
    provider, assigned, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.QUALITY_SURVEY_REMINDER_DAYS = 7
    settings.QUALITY_SURVEY_MAX_REMINDERS = 2
    assignment = _pass(assigned)
    mailoutbox.clear()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_surveys(today=today) == 0
        assert remind_surveys(today=today + timedelta(days=7)) == 1
        assert remind_surveys(today=today + timedelta(days=7)) == 0  # same day again: nothing
        assert remind_surveys(today=today + timedelta(days=14)) == 1
        assert remind_surveys(today=today + timedelta(days=21)) == 0  # bounded
    request = SurveyRequest.objects.get(assignment=assignment)
    assert request.reminders_sent == 2
    assert len(mailoutbox) == 2
    assert all("/qualite/enquete/" in m.body for m in mailoutbox)


def test_a_funder_is_sent_a_link_that_answers_without_an_account(
    provider, quality_manager, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from saveit.quality.surveys import request_stakeholder_survey

    with django_capture_on_commit_callbacks(execute=True):
        request_stakeholder_survey(
            provider=provider,
            respondent="funder",
            moment="cold",
            name="OPCO",
            email="opco@example.fr",
            engagement_id=None,
            client_id=None,
            by=quality_manager,
        )
    (mail,) = mailoutbox
    link = re.search(r"/qualite/enquete/[^/\s]+/", mail.body).group(0)
    assert Client().post(link, SCORES).status_code == 200
    assert SurveyRequest.objects.get().answered_at is not None


def test_an_answer_is_recorded_once_with_scores_from_1_to_5(provider, assigned):
    request = SurveyRequest.objects.get(assignment=_pass(assigned))
    with pytest.raises(Refusal):
        answer_survey(
            request=request, scores={**SCORES, "methods": 6}, comment="", share_identity=False
        )
    answer_survey(request=request, scores=SCORES, comment="Très clair", share_identity=False)
    with pytest.raises(Refusal):
        answer_survey(request=request, scores=SCORES, comment="", share_identity=False)


def test_the_learner_answers_from_their_surveys_page(provider, assigned):
    assignment = _pass(assigned)
    request = SurveyRequest.objects.get(assignment=assignment)
    learner_member = make_member(assignment.organization, Role.LEARNER)
    assignment.learner.user = learner_member.user
    assignment.learner.save()
    SurveyRequest.objects.filter(pk=request.pk).update(user=learner_member.user)
    browser = signed_in(learner_member)
    assert browser.get("/qualite/mes-enquetes/").status_code == 200
    response = browser.post(f"/qualite/mes-enquetes/{request.pk}/", {**SCORES, "comment": "ok"})
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.answered_at is not None


def test_the_public_link_answers_without_an_account_and_a_forged_token_is_404(provider, assigned):
    request = SurveyRequest.objects.get(assignment=_pass(assigned))
    assert Client().get("/qualite/enquete/forged/").status_code == 404
    response = Client().post(f"/qualite/enquete/{survey_token(request)}/", SCORES)
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.answered_at is not None


def test_a_client_never_sees_who_answered_without_consent(provider, assigned, owner, outsider):
    assignment = _pass(assigned)
    request = SurveyRequest.objects.get(assignment=assignment)
    answer_survey(request=request, scores=SCORES, comment="Bien", share_identity=False)
    manager = make_member(assignment.organization, Role.CLIENT_MANAGER)
    body = Client().get("/api/v1/quality/surveys/answers", headers=bearer(manager)).json()
    assert len(body) == 1 and body[0]["respondent_name"] is None
    page = signed_in(manager).get("/qualite/enquetes/").content.decode()
    assert request.name not in page
    # Agreed: the name shows.
    request.answer.share_identity = True
    request.answer.save()
    body = Client().get("/api/v1/quality/surveys/answers", headers=bearer(manager)).json()
    assert body[0]["respondent_name"] == request.name
    # Another client sees nothing of it.
    assert Client().get("/api/v1/quality/surveys/answers", headers=bearer(outsider)).json() == []
    results = Client().get("/api/v1/quality/surveys/results", headers=bearer(outsider)).json()
    assert results == []


def test_results_group_by_module_engagement_client_and_period(provider, assigned, quality_manager):
    request = SurveyRequest.objects.get(assignment=_pass(assigned))
    answer_survey(request=request, scores=SCORES, comment="", share_identity=False)
    for by in ("module", "engagement", "client", "period"):
        rows = (
            Client()
            .get(f"/api/v1/quality/surveys/results?by={by}", headers=bearer(quality_manager))
            .json()
        )
        assert rows[0]["answered"] == 1 and rows[0]["averages"]["objectives"] == 5
    page = signed_in(quality_manager).get("/qualite/enquetes/?par=client")
    assert page.status_code == 200 and b"<svg" in page.content


def test_an_incomplete_answer_is_summed_up_with_the_missing_score_marked(provider, assigned):
    import re

    request = SurveyRequest.objects.get(assignment=_pass(assigned))
    link = f"/qualite/enquete/{survey_token(request)}/"
    scores = {k: v for k, v in SCORES.items() if k != "methods"}
    response = Client().post(link, {**scores, "comment": "Très concret"})
    html = response.content.decode()
    assert "data-error-summary" in html and '<a href="#id_methods_0">' in html
    fieldset = re.search(r'<fieldset[^>]*aria-describedby="id_methods_error"[^>]*>', html)
    assert fieldset and 'id="id_methods_error"' in html
    assert 'aria-invalid="true"' in re.search(r'<input[^>]*name="methods"[^>]*>', html).group(0)
    assert "Très concret" in html  # what was typed is kept
    assert re.search(r'<input[^>]*name="objectives"[^>]*value="5"[^>]*checked', html)
    request.refresh_from_db()
    assert request.answered_at is None
