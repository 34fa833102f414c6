"""The deployment and learner API: each refusal is a 409 with its code, and nothing changes."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from saveit.accounts.roles import Role
from saveit.catalog.models import ModuleVersion
from saveit.certificates.models import Attestation
from saveit.testing.factories import bearer, make_member
from saveit.testing.learning_setup import answers_for

from ..models import Assignment, Attempt, Learner
from ..services import access, populations

CAMILLE = "camille.lefevre@alpha.example"


def call(method: str, url: str, who, body=None):  # type: ignore[no-untyped-def]
    sender = getattr(Client(), method)
    return sender(url, json.dumps(body or {}), "application/json", headers=bearer(who))


def refused(response, code: str) -> None:  # type: ignore[no-untyped-def]
    """A refusal: 403 for lack of permission, 409 for the state of things."""
    assert response.status_code == (403 if code == "forbidden" else 409), response.content
    assert response.json()["code"] == code, response.json()


def learner_member(email: str):  # type: ignore[no-untyped-def]
    """The learner's membership, as their invitation link makes it."""
    message = next(m for m in mail.outbox if m.to == [email])
    token = message.body.split("/acces/", 1)[1].split("/", 1)[0]
    _user, membership = access.use_sign_in_link(token=token)
    return membership


def answers(attempt: Attempt, *, right: bool) -> dict[str, list[str]]:
    return {key.removeprefix("item-"): v for key, v in answers_for(attempt, right=right).items()}


# --- assignments -----------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "submitted", "approved", "retired"])
def test_assigning_a_version_that_is_not_active_answers_409(
    deployed, population, owner, designer_member, status
):
    engagement, version = deployed
    other = ModuleVersion.objects.create(
        module=version.module, title="x", created_by=designer_member, minor=9, status=status
    )
    url = f"/api/v1/engagements/{engagement.pk}/assignments"
    refused(call("post", url, owner, {"version_id": other.pk, "population_id": population.pk}),
            "not_active")  # fmt: skip
    ids = list(population.learners.values_list("pk", flat=True))
    refused(call("post", url, owner, {"version_id": other.pk, "learner_ids": ids}), "not_active")
    assert Assignment.objects.count() == 0 and len(mail.outbox) == 0


def test_assigning_another_organisations_learners_answers_409(
    deployed, population, other_deployed, outsider, owner
):
    engagement, version = deployed
    theirs, _their_version = other_deployed
    elsewhere = populations.create_population(engagement=theirs, name="Ateliers", by=outsider)
    stranger = populations.add_learner(
        population=elsewhere,
        fields={"last_name": "Petit", "first_name": "Jules", "email": "jules@beta.example"},
        by=outsider,
    )
    ours = population.learners.first()
    url = f"/api/v1/engagements/{engagement.pk}/assignments"
    for ids in ([stranger.pk], [ours.pk, stranger.pk]):
        refused(call("post", url, owner, {"version_id": version.pk, "learner_ids": ids}), "foreign")
    # Their population through our engagement is not found, and nothing was assigned.
    answer = call("post", url, owner, {"version_id": version.pk, "population_id": elsewhere.pk})
    assert answer.status_code == 404
    assert Assignment.objects.count() == 0 and len(mail.outbox) == 0
    assert Learner.objects.get(pk=stranger.pk).organization_id == outsider.organization_id


# --- attempts --------------------------------------------------------------------------------


def test_an_attempt_beyond_the_limit_answers_409(assigned):
    member = learner_member(CAMILLE)
    assignment = Assignment.objects.get(learner__email=CAMILLE)
    base = f"/api/v1/me/assignments/{assignment.pk}/attempts"
    for number in (1, 2, 3):
        started = call("post", base, member)
        assert started.status_code == 201 and started.json()["number"] == number
        attempt = Attempt.objects.get(assignment=assignment, number=number)
        sent = call("post", f"{base}/{number}/submit", member,
                    {"answers": answers(attempt, right=False)})  # fmt: skip
        assert sent.status_code == 200 and sent.json()["passed"] is False
    refused(call("post", base, member), "limit")
    assignment.refresh_from_db()
    assert assignment.attempts.count() == 3 and assignment.attempts_used == 3
    assert assignment.status == Assignment.Status.FAILED


def test_a_replayed_submission_answers_409_and_keeps_the_first_score(assigned):
    member = learner_member(CAMILLE)
    assignment = Assignment.objects.get(learner__email=CAMILLE)
    base = f"/api/v1/me/assignments/{assignment.pk}/attempts"
    call("post", base, member)
    attempt = Attempt.objects.get(assignment=assignment, number=1)
    first = call("post", f"{base}/1/submit", member, {"answers": answers(attempt, right=False)})
    assert first.status_code == 200
    score = first.json()["score"]
    replay = call("post", f"{base}/1/submit", member, {"answers": answers(attempt, right=True)})
    refused(replay, "replayed")
    attempt.refresh_from_db()
    assignment.refresh_from_db()
    assert attempt.score == score and not attempt.passed
    assert assignment.best_score == score and assignment.status == Assignment.Status.IN_PROGRESS
    assert not Attestation.objects.exists()


def test_a_forged_answer_set_answers_409_and_scores_nothing(assigned):
    member = learner_member(CAMILLE)
    assignment = Assignment.objects.get(learner__email=CAMILLE)
    base = f"/api/v1/me/assignments/{assignment.pk}/attempts"
    call("post", base, member)
    attempt = Attempt.objects.get(assignment=assignment, number=1)
    forged = answers(attempt, right=True) | {"not-drawn": ["0"]}
    refused(call("post", f"{base}/1/submit", member, {"answers": forged}), "invalid_answers")
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.OPEN and attempt.score is None


def test_another_learners_attempt_is_not_found(assigned):
    noe = learner_member("noe.martin@alpha.example")
    assignment = Assignment.objects.get(learner__email=CAMILLE)
    answer = call("post", f"/api/v1/me/assignments/{assignment.pk}/attempts", noe)
    assert answer.status_code == 404 and not Attempt.objects.exists()


# --- a learner's record ----------------------------------------------------------------------


def test_a_learner_is_corrected_through_the_api_field_by_field(population, owner, outsider):
    camille = Learner.objects.get(email=CAMILLE)
    url = f"/api/v1/populations/{population.pk}/learners/{camille.pk}"
    changed = call("patch", url, owner, {"site": "Villeurbanne", "manager": None})
    assert changed.status_code == 200, changed.content
    assert changed.json() | {"id": 0} == {
        "id": 0, "last_name": "Lefèvre", "first_name": "Camille", "email": CAMILLE,
        "employee_id": "M001", "site": "Villeurbanne", "job": "Technicienne", "manager": "",
    }  # fmt: skip
    formula = call("patch", url, owner, {"job": "=1+1", "employee_id": "M002"})
    refused(formula, "invalid")
    assert set(formula.json()["errors"]) == {"job", "employee_id"}  # every problem at once
    clash = call("patch", url, owner, {"employee_id": "M002"})  # Éloïse's
    refused(clash, "exists")
    assert clash.json()["errors"] == {"employee_id": clash.json()["errors"]["employee_id"]}
    manager = make_member(population.organization, Role.CLIENT_MANAGER)
    refused(call("patch", url, manager, {"site": "Paris"}), "forbidden")
    assert call("patch", url, outsider, {"site": "Paris"}).status_code == 404
    camille.refresh_from_db()
    assert (camille.site, camille.job, camille.employee_id) == (
        "Villeurbanne",
        "Technicienne",
        "M001",
    )


def test_a_populations_learners_are_listed_by_name_paged_and_searched(population, owner, outsider):
    url = f"/api/v1/populations/{population.pk}/learners"
    every = Client().get(url, headers=bearer(owner))
    assert every.status_code == 200, every.content
    names = [item["last_name"] for item in every.json()["items"]]
    assert every.json()["count"] == len(names) == population.learners.count() >= 3
    assert names == sorted(names)
    page = Client().get(f"{url}?offset=1&limit=1", headers=bearer(owner)).json()
    assert page["count"] == len(names) and [i["last_name"] for i in page["items"]] == names[1:2]
    found = Client().get(f"{url}?q=lefevre.alpha", headers=bearer(owner)).json()
    assert found["count"] == 0  # the search is by substring: no such text
    found = Client().get(f"{url}?q=camille.lef", headers=bearer(owner)).json()
    assert [item["email"] for item in found["items"]] == [CAMILLE]
    assert Client().get(f"{url}?limit=5000", headers=bearer(owner)).status_code == 422
    assert Client().get(url, headers=bearer(outsider)).status_code == 404


def test_an_offset_beyond_any_row_count_answers_422_not_a_server_error(population, owner):
    client = Client(headers=bearer(owner))
    url = f"/api/v1/populations/{population.pk}/learners"
    assert client.get(url, {"offset": 2**63}).status_code == 422
    assert client.get(url, {"offset": 2**63 - 1}).status_code == 422
    assert client.get(url, {"offset": 10**7}).json()["items"] == []
