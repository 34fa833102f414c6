"""The Open Badges 3.0 credential: signed with the installation's Ed25519 key as a VC-JWT."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import OKPKey

from saveit.certificates.credential import (
    InvalidCredential,
    achievement,
    build_credential,
    issuer_profile,
    sign_credential,
    verify_credential,
)
from saveit.core import keys

from . import HOST, make_facts

# joserfc follows RFC 9864, which prefers "Ed25519" to "EdDSA"; Open Badges 3.0 and the VC
# ecosystem still name the algorithm "EdDSA".
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")

# make_facts() is issued on 23 November 2025 and valid through 23 November 2026.
DURING_VALIDITY = datetime(2026, 1, 15, tzinfo=UTC)


@pytest.fixture
def key_file(settings, tmp_path):
    path = tmp_path / "keys" / "installation-ed25519.pem"
    settings.SAVEIT_SIGNING_KEY_PATH = path
    keys.signing_key.cache_clear()
    yield path
    keys.signing_key.cache_clear()


def b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return json.loads(b64decode(header)), json.loads(b64decode(payload)), signature


def with_payload(token: str, payload: dict) -> str:
    """The token with another payload and its original signature: a forgery attempt."""
    header, _payload, signature = token.split(".")
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return f"{header}.{b64encode(encoded)}.{signature}"


def our_key() -> OKPKey:
    return OKPKey.import_key(keys.public_jwk())


# --- The key -----------------------------------------------------------------------------------


def test_the_key_id_is_the_rfc_7638_thumbprint():
    # RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
    example = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert keys.thumbprint(example) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_the_public_jwk_is_identified_by_its_thumbprint_and_has_no_private_part(key_file):
    jwk = keys.public_jwk()
    assert {k: jwk[k] for k in ("kty", "crv", "use", "alg")} == {
        "kty": "OKP",
        "crv": "Ed25519",
        "use": "sig",
        "alg": "EdDSA",
    }
    assert "d" not in jwk
    assert jwk["kid"] == our_key().thumbprint()  # joserfc computes RFC 7638 on its own
    assert keys.jwks() == {"keys": [jwk]}


# --- The credential ----------------------------------------------------------------------------


def test_a_signed_credential_verifies_with_an_independent_library(key_file):
    issued_at = datetime.now(UTC) - timedelta(days=1)
    facts = make_facts(issued_at=issued_at, valid_until=issued_at.date() + timedelta(days=365))
    token = sign_credential(build_credential(facts))

    compact = jws.deserialize_compact(token, our_key(), algorithms=["EdDSA"])
    assert compact.headers()["alg"] == "EdDSA"
    decoded = jwt.decode(token, our_key(), algorithms=["EdDSA"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": facts.issuer_id},
        jti={"essential": True, "value": facts.credential_id},
        sub={"essential": True},
        nbf={"essential": True},
        exp={"essential": True},
    ).validate(decoded.claims)  # also checks nbf and exp against the clock


def test_the_jose_header_carries_the_public_key_and_nothing_else(key_file):
    header, _payload, _signature = parts(sign_credential(build_credential(make_facts())))
    # OB 3.0 § 8.2.3: alg, kid or jwk, typ "JWT"; additional headers are not allowed.
    assert set(header) == {"alg", "typ", "jwk"}
    assert header["alg"] == "EdDSA" and header["typ"] == "JWT"
    assert header["jwk"] == keys.public_jwk()
    assert "d" not in header["jwk"]


def test_the_jwt_claims_mirror_the_credential_as_open_badges_3_requires(key_file):
    _header, payload, _signature = parts(sign_credential(build_credential(make_facts())))
    assert payload["iss"] == payload["issuer"]["id"] == f"{HOST}/badges/issuer"
    assert payload["jti"] == payload["id"] == f"{HOST}/verify/Xk3pQ9vR2mT8wLsN/credential"
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["sub"].startswith("urn:uuid:")
    assert payload["validFrom"] == "2025-11-23T09:30:12Z"
    assert payload["nbf"] == int(datetime(2025, 11, 23, 9, 30, 12, tzinfo=UTC).timestamp())
    # Valid through 23 November 2026, Paris time (UTC+1 in winter).
    assert payload["validUntil"] == "2026-11-23T22:59:59Z"
    assert payload["exp"] == int(datetime(2026, 11, 23, 22, 59, 59, tzinfo=UTC).timestamp())


def test_the_credential_has_the_fields_of_an_open_badge(key_file):
    facts = make_facts()
    credential = build_credential(facts)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {
        "id": f"{HOST}/badges/issuer",
        "type": ["Profile"],
        "name": "SAVE IT Studio",
        "otherIdentifier": [
            {"type": "IdentifierEntry", "identifier": "552100554", "identifierType": "ext:SIREN"},
            {
                "type": "IdentifierEntry",
                "identifier": "11755555575",
                "identifierType": "ext:FrenchTrainingActivityDeclaration",
            },
        ],
        "address": {
            "type": ["Address"],
            "streetAddress": "12 rue des Ateliers, 75011 Paris",
            "addressCountry": "France",
            "addressCountryCode": "FR",
        },
    }
    assert credential["name"]
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    badge = subject["achievement"]
    assert badge["id"] == facts.achievement_id
    assert badge["type"] == ["Achievement"]
    assert badge["achievementType"] == "Certificate"
    assert badge["name"] == "Consignation électrique des armoires de distribution"
    assert badge["humanCode"] == "MOD-01" and badge["version"] == "1.0"
    assert badge["description"]
    narrative = badge["criteria"]["narrative"]
    assert "80" in narrative
    assert "Poser et vérifier une consignation" in narrative
    assert facts.sources[0].sha256 in narrative
    [description] = badge["resultDescription"]
    assert description["resultType"] == "Percent"
    assert description["requiredValue"] == "80"
    assert subject["result"] == [
        {
            "type": ["Result"],
            "resultDescription": description["id"],
            "value": "87",
            "status": "Completed",
        }
    ]
    # The dates of the training, Paris days as UTC instants.
    assert subject["activityStartDate"] == "2025-11-17T23:00:00Z"
    assert subject["activityEndDate"] == "2025-11-23T22:59:59Z"
    assert credential["credentialStatus"] == {
        "id": f"{HOST}/badges/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": f"{HOST}/badges/status/1",
    }


def test_the_holder_is_named_as_on_the_learner_record_and_the_email_only_hashed(key_file):
    facts = make_facts()
    credential = build_credential(facts)
    text = json.dumps(credential, ensure_ascii=False)
    assert facts.holder_email.lower() not in text.lower()
    assert facts.organization not in text
    name, email = credential["credentialSubject"]["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityHash": "Camille Lefèvre",
        "identityType": "name",
        "hashed": False,
    }
    assert email["type"] == "IdentityObject"
    assert email["identityType"] == "emailAddress"
    assert email["hashed"] is True
    # IdentityHash: "sha256$" + hex(SHA-256(identifier + salt)), the address in lower case.
    expected = hashlib.sha256(
        ("camille.lefevre@laboratoires-alpha.fr" + email["salt"]).encode()
    ).hexdigest()
    assert email["identityHash"] == f"sha256${expected}"


def test_rebuilding_a_credential_gives_the_same_one_and_each_credential_its_own_salt(key_file):
    assert build_credential(make_facts()) == build_credential(make_facts())
    one = build_credential(make_facts())["credentialSubject"]
    other = build_credential(make_facts(number="ATT-2026-000043"))["credentialSubject"]
    assert one["identifier"][1]["salt"] != other["identifier"][1]["salt"]
    assert one["id"] != other["id"]


def test_a_credential_without_end_of_validity_has_no_expiry(key_file):
    token = sign_credential(build_credential(make_facts(valid_until=None)))
    _header, payload, _signature = parts(token)
    assert "validUntil" not in payload and "exp" not in payload
    assert verify_credential(token)["id"] == make_facts().credential_id


def test_the_last_day_ends_at_midnight_paris_time_in_summer_too(key_file):
    credential = build_credential(make_facts(valid_until=date(2026, 7, 14)))
    assert credential["validUntil"] == "2026-07-14T21:59:59Z"


# --- Verification ------------------------------------------------------------------------------


def test_our_verifier_returns_the_credential_it_checked(key_file):
    credential = build_credential(make_facts())
    verified = verify_credential(sign_credential(credential), now=DURING_VALIDITY)
    assert verified == credential


def test_a_tampered_score_fails_both_verifiers(key_file):
    token = sign_credential(build_credential(make_facts()))
    _header, payload, _signature = parts(token)
    payload["credentialSubject"]["result"][0]["value"] = "97"
    forged = with_payload(token, payload)

    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(forged, our_key(), algorithms=["EdDSA"])
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(forged)
    assert refusal.value.code == "signature"


def test_one_character_changed_anywhere_in_the_token_fails(key_file):
    token = sign_credential(build_credential(make_facts()))
    header, payload, signature = token.split(".")
    middle = len(payload) // 2
    flipped = "A" if payload[middle] != "A" else "B"
    forged = f"{header}.{payload[:middle]}{flipped}{payload[middle + 1 :]}.{signature}"
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(forged, our_key(), algorithms=["EdDSA"])
    with pytest.raises(InvalidCredential):
        verify_credential(forged)


def test_a_credential_signed_with_another_key_fails(key_file, settings, tmp_path):
    settings.SAVEIT_SIGNING_KEY_PATH = tmp_path / "intruder.pem"
    forged = sign_credential(build_credential(make_facts()))  # carries the intruder's jwk
    settings.SAVEIT_SIGNING_KEY_PATH = key_file

    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(forged, our_key(), algorithms=["EdDSA"])
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(forged)  # never trusts the key the token brings along
    assert refusal.value.code == "signature"


def test_an_expired_credential_is_refused(key_file):
    token = sign_credential(build_credential(make_facts(valid_until=date(2026, 11, 23))))
    assert verify_credential(token, now=datetime(2026, 11, 23, 22, 0, tzinfo=UTC))
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(token, now=datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
    assert refusal.value.code == "expired"
    assert "23 novembre 2026" in refusal.value.message


def test_an_expired_credential_is_refused_today(key_file):
    facts = make_facts(
        issued_at=datetime(2023, 3, 1, 10, 0, tzinfo=UTC), valid_until=date(2024, 3, 1)
    )
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(sign_credential(build_credential(facts)))
    assert refusal.value.code == "expired"


def test_a_credential_is_refused_before_its_date_of_issue(key_file):
    token = sign_credential(build_credential(make_facts()))
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(token, now=datetime(2025, 11, 1, tzinfo=UTC))
    assert refusal.value.code == "not_yet"


def test_a_token_with_another_algorithm_is_refused(key_file):
    token = sign_credential(build_credential(make_facts()))
    _header, payload, signature = token.split(".")
    for header in ({"alg": "none", "typ": "JWT"}, {"alg": "HS256", "typ": "JWT"}):
        encoded = b64encode(json.dumps(header).encode())
        with pytest.raises(InvalidCredential) as refusal:
            verify_credential(f"{encoded}.{payload}.{signature}")
        assert refusal.value.code == "algorithm"


def test_claims_that_contradict_the_credential_are_refused_even_if_signed(key_file):
    credential = build_credential(make_facts())
    header = {"alg": "EdDSA", "typ": "JWT", "jwk": keys.public_jwk()}
    payload = credential | {
        "iss": "https://elsewhere.example/issuer",
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": 1763890212,
    }
    signing_input = ".".join(
        b64encode(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
    )
    signature = b64encode(keys.signing_key().sign(signing_input.encode()))
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(f"{signing_input}.{signature}")
    assert refusal.value.code == "claims"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "....", "e30.e30.", "eyJ.eyJ.AAAA"])
def test_anything_but_a_compact_jws_is_refused_as_malformed(key_file, garbage):
    with pytest.raises(InvalidCredential) as refusal:
        verify_credential(garbage)
    assert refusal.value.code in {"malformed", "algorithm"}


def test_a_verifier_can_be_given_the_public_key_explicitly(key_file):
    token = sign_credential(build_credential(make_facts()))
    assert verify_credential(token, jwk=keys.public_jwk(), now=DURING_VALIDITY)


# --- Published documents -----------------------------------------------------------------------


def test_the_issuer_profile_publishes_the_signing_key(key_file):
    profile = issuer_profile(f"{HOST}/badges/issuer", "SAVE IT Studio", f"{HOST}/")
    assert profile["id"] == f"{HOST}/badges/issuer"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "SAVE IT Studio" and profile["url"] == f"{HOST}/"
    [method] = profile["verificationMethod"]
    jwk = keys.public_jwk()
    assert method["id"] == f"{HOST}/badges/issuer#{jwk['kid']}"
    assert method["controller"] == profile["id"]
    assert method["publicKeyJwk"] == {"kty": "OKP", "crv": "Ed25519", "x": jwk["x"]}
    assert profile["assertionMethod"] == [method["id"]]


def test_the_public_achievement_is_the_one_in_the_credential_without_the_holder(key_file):
    facts = make_facts()
    document = achievement(facts)
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    embedded = build_credential(facts)["credentialSubject"]["achievement"]
    assert {k: v for k, v in document.items() if k != "@context"} == embedded
    text = json.dumps(document, ensure_ascii=False)
    assert facts.holder_name not in text and facts.number not in text


# --- Key rotation ------------------------------------------------------------------------------


def test_a_credential_signed_before_a_key_rotation_still_verifies_after_it(key_file):
    old_token = sign_credential(build_credential(make_facts()))
    old_kid = keys.public_jwk()["kid"]
    call_command("rotate_signing_key")
    new_token = sign_credential(build_credential(make_facts()))
    assert parts(new_token)[0]["jwk"]["kid"] != old_kid
    for token in (old_token, new_token):
        assert verify_credential(token, now=DURING_VALIDITY)["type"]
    profile = issuer_profile(f"{HOST}/badges/issuer", "SAVE IT Studio", f"{HOST}/")
    assert profile["assertionMethod"][1] == f"{HOST}/badges/issuer#{old_kid}"


def test_a_credential_of_a_key_neither_current_nor_retired_is_refused(key_file, settings):
    token = sign_credential(build_credential(make_facts()))
    settings.SAVEIT_SIGNING_KEY_PATH = key_file.with_name("another-installation.pem")
    keys.rotate()  # this installation has a current key and a retired one, neither signed it
    with pytest.raises(InvalidCredential) as refused:
        verify_credential(token, now=DURING_VALIDITY)
    assert refused.value.code == "signature"
