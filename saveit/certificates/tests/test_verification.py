"""The public verification page proves what it says; achievements cannot be listed; the
credential speaks the attestation's language; the holder is named as on the learner record."""

from __future__ import annotations

import io
import json

import pypdf
import pytest
from django.test import Client

from saveit.accounts.roles import Role
from saveit.certificates.credential import build_credential, sign_credential
from saveit.core import keys
from saveit.learning.models import Assignment, Learner
from saveit.learning.services import attempts
from saveit.testing.factories import make_member, signed_in
from saveit.testing.learning_setup import Form, answers_for

from ..models import Attestation, PublicAchievement
from ..services import facts_from_json
from . import make_facts

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


@pytest.fixture
def attestation(assigned):
    assignment = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return Attestation.objects.get(assignment=assignment)


def verify_page(attestation: Attestation) -> str:
    return Client().get(f"/verify/{attestation.code}/").content.decode()


# --- The verification page checks the signature -----------------------------------------------


def test_a_genuine_attestation_is_called_authentic_once_its_signature_is_checked(attestation):
    page = verify_page(attestation)
    assert "Attestation authentique et valide." in page
    assert "La signature électronique de cette attestation a été vérifiée" in page
    assert "non vérifiée" not in page


def test_an_attestation_whose_row_was_edited_is_not_called_authentic(attestation):
    Attestation.objects.filter(pk=attestation.pk).update(score=1)
    page = verify_page(attestation)
    assert "Attestation non vérifiée." in page and "authentique" not in page


def test_an_extended_validity_in_the_database_is_not_called_authentic(attestation):
    later = attestation.valid_until.replace(year=attestation.valid_until.year + 5)
    Attestation.objects.filter(pk=attestation.pk).update(valid_until=later)
    assert "Attestation non vérifiée." in verify_page(attestation)


def test_an_attestation_after_a_restore_with_another_key_is_not_called_authentic(
    attestation, settings, tmp_path
):
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "new-host.pem"
    keys.signing_key.cache_clear()
    try:
        page = verify_page(attestation)
    finally:
        keys.signing_key.cache_clear()
    assert "Attestation non vérifiée." in page and "authentique et valide" not in page


def test_a_credential_re_signed_with_other_facts_is_not_called_authentic(attestation):
    facts = facts_from_json(attestation.facts)
    from dataclasses import replace

    forged = sign_credential(build_credential(replace(facts, score=1)))
    Attestation.objects.filter(pk=attestation.pk).update(credential=forged)
    assert "Attestation non vérifiée." in verify_page(attestation)


def test_the_page_states_the_facts_of_the_training_without_personal_details(attestation):
    page = verify_page(attestation)
    for expected in ("Action de formation", "Durée de formation à distance", "réussi"):
        assert expected in page, expected
    assert "camille.lefevre@alpha.example" not in page
    assert attestation.learner.full_name not in page  # the name is masked: « Camille L. »


@pytest.mark.parametrize("code", ["a/b", "../x", "x" * 300, "é"])
def test_a_code_of_the_wrong_shape_is_unknown_not_a_server_error(db, code):
    response = Client().get("/verify/", {"code": code})
    assert response.status_code == 404
    assert "Attestation inconnue." in response.content.decode()


# --- Achievements are not enumerable -------------------------------------------------------------


def test_the_achievement_url_is_a_random_token_that_serves_the_achievement(attestation):
    token = PublicAchievement.objects.get(module_version=attestation.module_version).token
    assert len(token) >= 24
    url = attestation.facts["achievement_id"]
    assert url.endswith(f"/badges/achievements/{token}")
    assert str(attestation.module_version_id) not in url.rsplit("/", 1)[1] or len(token) > 8
    response = Client().get(f"/badges/achievements/{token}")
    assert response.status_code == 200
    assert json.loads(response.content)["name"] == attestation.facts["module_title"]


def test_a_sweep_of_achievement_ids_finds_nothing(attestation):
    pk = attestation.module_version_id
    for guess in [*range(0, pk + 50), "1", "01", "%20"]:
        response = Client().get(f"/badges/achievements/{guess}")
        assert response.status_code == 404, guess
        assert attestation.facts["module_title"].encode() not in response.content


def test_every_attestation_of_a_version_names_the_same_achievement(assigned):
    for assignment in Assignment.objects.filter(module_version=assigned)[:2]:
        attempt = attempts.start_attempt(assignment=assignment)
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    ids = {a.facts["achievement_id"] for a in Attestation.objects.filter(module_version=assigned)}
    assert len(ids) == 1 and PublicAchievement.objects.count() == 1


# --- Language ----------------------------------------------------------------------------------


ENGLISH_WORDS = ("Certificate", "Training module", "Pass the final", "objectives:", "procedures:")


def test_every_text_of_a_french_credential_is_french(settings):
    credential = build_credential(make_facts(language="fr"))
    texts = [
        credential["name"],
        credential["description"],
        credential["credentialSubject"]["achievement"]["description"],
        credential["credentialSubject"]["achievement"]["criteria"]["narrative"],
        credential["credentialSubject"]["achievement"]["resultDescription"][0]["name"],
        *credential["credentialSubject"]["achievement"]["tag"],
    ]
    for text in texts:
        for word in ENGLISH_WORDS:
            assert word not in text, (word, text)
    assert credential["name"].startswith("Attestation de fin de formation : ")
    assert "Nature de l'action : Action de formation (Code du travail" in credential["description"]
    assert "Suivie du 18 novembre 2025 au 23 novembre 2025." in credential["description"]
    assert "Durée de formation à distance : 5\u00a0h\u00a025\u00a0min." in credential["description"]
    assert "Objectifs" in texts[3] or "objectifs" in texts[3]
    assert credential["credentialSubject"]["achievement"]["inLanguage"] == "fr"


def test_a_credential_in_another_language_is_worded_in_it():
    credential = build_credential(make_facts(language="en"))
    assert credential["name"].startswith("Certificate of completion of training: ")
    assert "Nature of the action: Training action" in credential["description"]
    assert credential["credentialSubject"]["achievement"]["inLanguage"] == "en"


# --- The holder's name ---------------------------------------------------------------------------


def test_the_holder_is_named_as_on_the_learner_record_everywhere(attestation, pm):
    learner = Learner.objects.get(pk=attestation.learner_id)
    name = learner.full_name
    assert attestation.facts["holder_name"] == name
    # The account the learner signs in with spells the name otherwise: the record wins, in the
    # header of the learner's own pages too.
    account = make_member(attestation.organization, Role.LEARNER, email=learner.email)
    account.user.first_name, account.user.last_name = "Cam", "LEFEVRE"
    account.user.save()
    Learner.objects.filter(pk=learner.pk).update(user=account.user)
    own_page = signed_in(account).get("/mes-formations/").content.decode()
    assert f'<span class="user-name">{name}</span>' in own_page
    assert "Cam LEFEVRE" not in own_page

    detail = signed_in(pm).get(f"/attestations/{attestation.pk}/").content.decode()
    assert f'<p class="subtitle">{name} · ' in detail

    pdf = signed_in(pm).get(f"/attestations/{attestation.pk}/pdf/").content
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert name in text

    [identity, _email] = json.loads(
        __import__("base64").urlsafe_b64decode(attestation.credential.split(".")[1] + "==")
    )["credentialSubject"]["identifier"]
    assert identity == {
        "type": "IdentityObject",
        "identityHash": name,
        "identityType": "name",
        "hashed": False,
    }

    first, last = name.split(" ", 1)
    assert f"{first} {last[0]}." in verify_page(attestation)  # masked, from the same record


def test_a_client_manager_reads_the_attestation_with_its_training_facts(attestation):
    manager = make_member(attestation.organization, Role.CLIENT_MANAGER)
    page = signed_in(manager).get(f"/attestations/{attestation.pk}/").content.decode()
    for expected in ("Nature de l'action", "Objectifs", "Durée de formation à distance", "Dates"):
        assert expected in page, expected


def test_an_extended_validity_in_the_database_is_unverified_in_status_json_too(attestation):
    assert Client().get(f"/verify/{attestation.code}/status.json").json()["status"] == "valid"
    later = attestation.valid_until.replace(year=attestation.valid_until.year + 5)
    Attestation.objects.filter(pk=attestation.pk).update(valid_until=later)
    body = Client().get(f"/verify/{attestation.code}/status.json").json()
    assert body["status"] == "unverified"


def test_the_restore_check_refuses_an_attestation_whose_row_disagrees_with_its_credential(
    attestation,
):
    from saveit.certificates.restore_checks import credentials

    assert credentials().ok
    Attestation.objects.filter(pk=attestation.pk).update(score=1)
    result = credentials()
    assert not result.ok
    assert result.problems == [f"attestation {attestation.number}: mismatch"]
