"""An attestation issued the real way states what a French attestation of end of training does:
nature of the action, objectives, dates, distance time, result, issuer identity and signature."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client
from PIL import Image

from saveit.accounts.services import set_attestation_signature, update_organization
from saveit.catalog.snapshot import snapshot_of
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.factories import signed_in
from saveit.testing.learning_setup import Form, answers_for

from ..models import Attestation

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


@pytest.fixture
def signed_provider(provider, staff_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    update_organization(
        organization=provider,
        by=staff_admin,
        siren="732829320",
        address="12 rue des Ateliers\n75011 Paris",
    )
    stamp = io.BytesIO()
    Image.new("RGBA", (300, 120), (20, 40, 160, 200)).save(stamp, format="PNG")
    return set_attestation_signature(
        organization=provider,
        by=staff_admin,
        activity_declaration="11755555575",
        signatory_name="Hélène Marchand",
        signatory_role="Directrice de la formation",
        image=stamp.getvalue(),
    )


def issue(version) -> Attestation:  # type: ignore[no-untyped-def]
    assignment = Assignment.objects.filter(module_version=version).order_by("pk").first()
    Assignment.objects.filter(pk=assignment.pk).update(seconds_spent=2 * 3600 + 7 * 60)
    attempt = attempts.start_attempt(assignment=assignment)
    attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return Attestation.objects.get(assignment=assignment)


def test_the_facts_of_the_training_are_frozen_at_issue(signed_provider, assigned):
    attestation = issue(assigned)
    facts = attestation.facts
    assert facts["language"] == "fr"
    assert facts["action_category"] == "training"
    assert facts["objectives"] == list(snapshot_of(assigned)["objectives"])
    assert facts["distance_seconds"] == 2 * 3600 + 7 * 60
    assert facts["attended_minutes"] is None  # no session in person exists yet
    assert facts["started_on"] and facts["completed_on"]
    assert facts["started_on"] <= facts["completed_on"]
    assert (facts["issuer_siren"], facts["issuer_activity_declaration"]) == (
        "732829320",
        "11755555575",
    )
    assert facts["issuer_address"] == "12 rue des Ateliers, 75011 Paris"
    assert (facts["signatory_name"], facts["signatory_role"]) == (
        "Hélène Marchand",
        "Directrice de la formation",
    )
    assert facts["signature_sha256"] == signed_provider.image_sha256


def test_the_pdf_prints_the_uploaded_stamp_and_the_signatory(signed_provider, assigned, pm):
    attestation = issue(assigned)
    pdf = signed_in(pm).get(f"/attestations/{attestation.pk}/pdf/").content
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    for expected in (
        "Hélène Marchand",
        "Directrice de la formation",
        "2\u00a0h\u00a007\u00a0min",
        "SIREN 732 829 320",
        "déclaration d'activité n° 11 75 55555 75",
    ):
        assert expected in text, expected
    assert any(image.image.size == (300, 120) for image in page.images)  # the stamp itself


def test_a_new_signature_does_not_change_attestations_already_issued(
    signed_provider, assigned, pm, staff_admin, provider
):
    attestation = issue(assigned)
    before = signed_in(pm).get(f"/attestations/{attestation.pk}/pdf/").content
    other = io.BytesIO()
    Image.new("RGB", (500, 200), "white").save(other, format="PNG")
    set_attestation_signature(
        organization=provider,
        by=staff_admin,
        activity_declaration="",
        signatory_name="Paul Girard",
        signatory_role="Gérant",
        image=other.getvalue(),
    )
    after = signed_in(pm).get(f"/attestations/{attestation.pk}/pdf/").content
    assert after == before
    assert "Paul Girard" not in Client().get(f"/verify/{attestation.code}/").content.decode()
