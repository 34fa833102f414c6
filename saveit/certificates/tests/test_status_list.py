"""Revocation that a verifier holding only the credential learns: W3C Bitstring Status List v1.0.

The end-to-end tests verify with joserfc, an independent JOSE library, what a third party would:
the credential points at a status list URL; the list served there is signed by the key the
issuer publishes; its bit for the credential is set once, and only once, it is revoked.
"""

from __future__ import annotations

import base64
import gzip
import json
from urllib.parse import urlsplit

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from joserfc import jwt
from joserfc.jwk import KeySet, OKPKey

from saveit.certificates.status_list import (
    bit_is_set,
    build_status_list_credential,
    decode_bitstring,
    encode_bitstring,
)
from saveit.core import keys
from saveit.learning.models import Assignment
from saveit.learning.services import attempts
from saveit.testing.learning_setup import Form, answers_for

from ..models import Attestation, StatusList
from ..services import allocate_status_index, revoke_attestation

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")

REASON = "Délivrée par erreur : le résultat a été annulé."
HOST = "https://saveit.example.fr"


def pass_all(version) -> list[Attestation]:  # type: ignore[no-untyped-def]
    """Every learner assigned to `version` passes; their attestations, in order of issue."""
    for assignment in Assignment.objects.filter(module_version=version).order_by("pk"):
        attempt = attempts.start_attempt(assignment=assignment)
        attempts.submit_attempt(attempt=attempt, form=Form(answers_for(attempt, right=True)))
    return list(Attestation.objects.filter(module_version=version).order_by("pk"))


def credential_payload(attestation: Attestation) -> dict:
    """What a verifier reads from the credential alone, once its signature checks out."""
    published = json.loads(Client().get("/.well-known/jwks.json").content)
    token = jwt.decode(attestation.credential, KeySet.import_key_set(published), ["EdDSA"])
    return token.claims


def published_bitstring(url: str) -> bytes:
    """Fetch the status list credential at `url`, check its signature, return its bits."""
    response = Client().get(urlsplit(url).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "max-age=" in response["Cache-Control"]
    published = json.loads(Client().get("/.well-known/jwks.json").content)
    token = jwt.decode(response.content.decode(), KeySet.import_key_set(published), ["EdDSA"])
    status_list = token.claims
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["id"] == url
    subject = status_list["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    # The decoding a verifier writes from the specification: multibase "u" + base64url, GZIP.
    encoded = subject["encodedList"]
    assert encoded.startswith("u")
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded) % 4)))


def bit(bitstring: bytes, index: int) -> int:
    """Index 0 is the left-most bit of the first byte (Bitstring Status List § 3.2)."""
    return (bitstring[index // 8] >> (7 - index % 8)) & 1


# --- The bitstring -----------------------------------------------------------------------------


def test_the_bitstring_has_the_minimum_size_and_sets_bits_from_the_left():
    encoded = encode_bitstring([0, 9, 131_071], StatusList.SIZE)
    bits = decode_bitstring(encoded)
    assert len(bits) * 8 == 131_072  # 16 KB, the specification's minimum for herd privacy
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert [i for i in range(0, 131_072, 1) if bit_is_set(bits, i)] == [0, 9, 131_071]
    assert encode_bitstring([9, 0, 131_071], StatusList.SIZE) == encoded  # same bits, same bytes


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(ValueError):
        encode_bitstring([131_072], StatusList.SIZE)


def test_the_status_list_credential_has_the_shape_of_the_specification(settings):
    from datetime import UTC, datetime

    credential = build_status_list_credential(
        list_url=f"{HOST}/badges/status/3",
        issuer_id=f"{HOST}/badges/issuer",
        revoked=[5],
        size=StatusList.SIZE,
        now=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    )
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert credential["issuer"] == f"{HOST}/badges/issuer"
    assert credential["validFrom"] == "2026-03-01T08:00:00Z"
    assert credential["credentialSubject"]["id"] == f"{HOST}/badges/status/3#list"


# --- Issue and revocation, verified from the outside ---------------------------------------------


def test_a_verifier_holding_only_the_credential_learns_it_was_revoked(assigned, pm):
    revoked, kept, *_others = pass_all(assigned)
    status = credential_payload(revoked)["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    index = int(status["statusListIndex"])
    assert index == revoked.status_index
    kept_index = int(credential_payload(kept)["credentialStatus"]["statusListIndex"])
    assert kept_index != index
    url = status["statusListCredential"]
    assert credential_payload(kept)["credentialStatus"]["statusListCredential"] == url

    before = published_bitstring(url)
    assert bit(before, index) == 0 and bit(before, kept_index) == 0

    revoke_attestation(attestation=revoked, reason=REASON, by=pm)

    after = published_bitstring(url)
    assert bit(after, index) == 1  # the revoked one is set…
    assert bit(after, kept_index) == 0  # …the valid one is not…
    assert sum(bin(byte).count("1") for byte in after) == 1  # …and nothing else is


def test_a_status_list_signed_with_another_key_does_not_verify(assigned, pm, tmp_path, settings):
    [attestation, *_] = pass_all(assigned)
    url = credential_payload(attestation)["credentialStatus"]["statusListCredential"]
    genuine_key = OKPKey.import_key(keys.public_jwk())
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "another.pem"
    keys.signing_key.cache_clear()
    try:
        revoke_attestation(attestation=attestation, reason=REASON, by=pm)  # re-signs the list
        forged = Client().get(urlsplit(url).path).content.decode()
    finally:
        keys.signing_key.cache_clear()
    from joserfc.errors import BadSignatureError

    with pytest.raises(BadSignatureError):
        jwt.decode(forged, genuine_key, ["EdDSA"])


def test_each_attestation_gets_its_own_bit(assigned):
    attestations = pass_all(assigned)
    assert len(attestations) >= 3
    indexes = [(a.status_list_id, a.status_index) for a in attestations]
    assert len(set(indexes)) == len(indexes)
    assert all(a.facts["status_index"] == a.status_index for a in attestations)


def test_the_database_refuses_two_attestations_on_one_bit(assigned):
    first, second, *_ = pass_all(assigned)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attestation.objects.filter(pk=second.pk).update(
            status_list=first.status_list, status_index=first.status_index
        )


@pytest.mark.django_db(transaction=True)
def test_a_full_list_opens_a_new_one():
    with transaction.atomic():
        first, index = allocate_status_index()
    StatusList.objects.filter(pk=first.pk).update(next_index=StatusList.SIZE)
    with transaction.atomic():
        second, second_index = allocate_status_index()
    assert (index, second_index) == (0, 0) and second.pk != first.pk
    with transaction.atomic():
        third, third_index = allocate_status_index()
    assert (third.pk, third_index) == (second.pk, 1)


@pytest.mark.django_db(transaction=True)
def test_an_issue_rolled_back_hands_its_index_back():
    with transaction.atomic():
        allocate_status_index()
    with pytest.raises(RuntimeError), transaction.atomic():
        allocate_status_index()
        raise RuntimeError("the pass is not recorded")
    with transaction.atomic():
        _list, index = allocate_status_index()
    assert index == 1


def test_an_unknown_status_list_is_a_404(db):
    assert Client().get("/badges/status/999").status_code == 404
    StatusList.objects.create()  # allocated but never published
    assert Client().get(f"/badges/status/{StatusList.objects.get().pk}").status_code == 404
