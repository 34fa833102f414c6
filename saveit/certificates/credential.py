"""Each attestation as an Open Badges 3.0 credential, signed as a VC-JWT with the installation key.

Open Badges 3.0 (1EdTech, on the W3C Verifiable Credentials Data Model 2.0), § 8.2 "JSON Web
Token Proof Format": the JWT payload is the OpenBadgeCredential itself plus the registered claims
`iss` (issuer.id), `jti` (id), `sub` (credentialSubject.id), `nbf` (validFrom) and `exp`
(validUntil, when there is one); the JOSE header carries `alg`, `typ` "JWT" and the public key as
`jwk` ("If you do not include a kid property in the header, you MUST include the public key in
the jwk property"), so anyone can check the signature offline and match the key against the one
the issuer profile publishes.

The holder is named as on the learner record (the same name the PDF and the verification page
show), and their e-mail address is added only as a salted SHA-256 (an IdentityObject), which
proves the badge is theirs to whoever knows the address. Revocation is in a published W3C
Bitstring Status List the credential points at (`credentialStatus`, see status_list.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
from datetime import UTC, date, datetime, time
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.core import keys
from saveit.core.dates import PARIS, long_date

from . import status_list
from .facts import AttestationFacts, action_nature, duration_text

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# The issuer profile doubles as a W3C controlled identifier document, the VC 2.0 way for an
# https identifier to list the keys allowed to sign on its behalf.
CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
CREDENTIAL_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
ALGORITHM = "EdDSA"
# OB 3.0 § 8.2.3: "Additional JOSE Headers are NOT allowed."
ALLOWED_HEADERS = frozenset({"alg", "kid", "jwk", "typ"})
REGISTERED_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")
# Clocks of the verifier and of the server drift a little; a minute is plenty.
LEEWAY_SECONDS = 60

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class InvalidCredential(Exception):
    """The credential is not one this platform issued as it stands, or it is no longer valid."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code  # "malformed", "algorithm", "signature", "claims", "not_yet", "expired"


# --- Building ----------------------------------------------------------------------------------


def build_credential(facts: AttestationFacts) -> dict[str, Any]:
    """The OpenBadgeCredential of an attestation, unsigned. Same facts and key → same dict.

    Every text is in the attestation's language (French unless the facts say otherwise).
    """
    valid_from = _iso(facts.issued_at)
    with override(facts.language):
        subject: dict[str, Any] = {
            "id": subject_id(facts),
            "type": ["AchievementSubject"],
            "identifier": _holder_identifiers(facts),
            "achievement": _achievement_body(facts),
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": _score_description_id(facts),
                    "value": str(facts.score),
                    "status": "Completed",
                }
            ],
        }
        if facts.started_on is not None:
            subject["activityStartDate"] = _iso(start_of_day(facts.started_on))
        if facts.completed_on is not None:
            subject["activityEndDate"] = _iso(end_of_validity(facts.completed_on))
        credential: dict[str, Any] = {
            "@context": list(CONTEXT),
            "id": facts.credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": _("Certificate of completion of training: %(title)s")
            % {"title": facts.module_title},
            "description": _credential_description(facts),
            "issuer": _issuer_profile_ref(facts),
            "validFrom": valid_from,
            "awardedDate": valid_from,
            "credentialSubject": subject,
            "credentialSchema": [dict(CREDENTIAL_SCHEMA)],
        }
    if facts.status_list_url and facts.status_index is not None:
        credential["credentialStatus"] = status_list.status_entry(
            facts.status_list_url, facts.status_index
        )
    if facts.valid_until is not None:
        credential["validUntil"] = _iso(end_of_validity(facts.valid_until))
    return credential


def _credential_description(facts: AttestationFacts) -> str:
    """What a French attestation of end of training states, as one paragraph per fact."""
    lines = [
        _(
            "Certificate no. %(number)s, issued by %(issuer)s. Its status (valid, expired or "
            "revoked) can be checked at %(url)s."
        )
        % {"number": facts.number, "issuer": facts.issuer_name, "url": facts.verify_url}
    ]
    nature = action_nature(facts.action_category)
    if nature:
        lines.append(_("Nature of the action: %(nature)s.") % {"nature": nature})
    if facts.started_on and facts.completed_on:
        lines.append(
            _("Followed from %(start)s to %(end)s.")
            % {"start": long_date(facts.started_on), "end": long_date(facts.completed_on)}
        )
    if facts.distance_seconds is not None:
        lines.append(
            _("Distance training time: %(duration)s.")
            % {"duration": duration_text(facts.distance_seconds)}
        )
    if facts.attended_minutes is not None:
        lines.append(
            _("Attended hours in person: %(duration)s.")
            % {"duration": duration_text(facts.attended_minutes * 60)}
        )
    lines.append(
        _("Result: %(score)s %% for a pass mark of %(pass_mark)s %%, passed.")
        % {"score": facts.score, "pass_mark": facts.pass_mark}
    )
    return "\n\n".join(lines)


def _holder_identifiers(facts: AttestationFacts) -> list[dict[str, Any]]:
    """The holder's name as on the learner record, and their address only salted and hashed."""
    salt = identity_salt(facts)
    return [
        {
            "type": "IdentityObject",
            "identityHash": facts.holder_name,
            "identityType": "name",
            "hashed": False,
        },
        {
            "type": "IdentityObject",
            "identityHash": identity_hash(facts.holder_email, salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": salt,
        },
    ]


def _issuer_profile_ref(facts: AttestationFacts) -> dict[str, Any]:
    """The issuer as the credential names it: with its SIREN, NDA and address when known."""
    issuer = _issuer_ref(facts.issuer_id, facts.issuer_name)
    identifiers = [
        {"type": "IdentifierEntry", "identifier": value, "identifierType": kind}
        for value, kind in (
            (facts.issuer_siren, "ext:SIREN"),
            (facts.issuer_activity_declaration, "ext:FrenchTrainingActivityDeclaration"),
        )
        if value
    ]
    if identifiers:
        issuer["otherIdentifier"] = identifiers
    if facts.issuer_address:
        issuer["address"] = {
            "type": ["Address"],
            "streetAddress": facts.issuer_address,
            "addressCountry": "France",
            "addressCountryCode": "FR",
        }
    return issuer


def achievement(facts: AttestationFacts) -> dict[str, Any]:
    """The Achievement (module version) as a standalone JSON-LD document, for its public URL.

    It carries only module facts, never the holder's: every attestation of the version has the
    same achievement.
    """
    with override(facts.language):
        return {"@context": list(CONTEXT)} | _achievement_body(facts)


def issuer_profile(issuer_id: str, name: str, url: str) -> dict[str, Any]:
    """The issuer Profile, with the public key a verifier matches against the credential's `jwk`.

    The key is listed as a JsonWebKey verification method and as an assertion method, the shape
    of a W3C controlled identifier document (the VC 2.0 way to publish the keys of an https
    identifier).
    """
    methods = [
        {
            "id": f"{issuer_id}#{jwk['kid']}",
            "type": "JsonWebKey",
            "controller": issuer_id,
            "publicKeyJwk": {k: jwk[k] for k in ("kty", "crv", "x")},
        }
        for jwk in keys.verification_jwks()  # the current key first, then the retired ones
    ]
    return {
        "@context": [*CONTEXT, CID_CONTEXT],
        "id": issuer_id,
        "type": ["Profile"],
        "name": name,
        "url": url,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def _issuer_ref(issuer_id: str, name: str) -> dict[str, Any]:
    return {"id": issuer_id, "type": ["Profile"], "name": name}


def _score_description_id(facts: AttestationFacts) -> str:
    return f"{facts.achievement_id}#score"


def _achievement_body(facts: AttestationFacts) -> dict[str, Any]:
    """Call under override(facts.language): the texts are those of the credential."""
    return {
        "id": facts.achievement_id,
        "type": ["Achievement"],
        # "Credential that designates requisite knowledge and skills of an occupation": what an
        # assessed pass is. Not "Certification" (awarded by an authoritative body, a regulated
        # word in France) nor "CertificateOfCompletion" (attendance is not enough here).
        "achievementType": "Certificate",
        "name": facts.module_title,
        "description": _(
            "Training module %(code)s “%(title)s”, version %(version)s, by %(issuer)s: the "
            "learner followed the module built from the organisation's own procedures and "
            "passed its final assessment."
        )
        % {
            "code": facts.module_code,
            "title": facts.module_title,
            "version": facts.version_label,
            "issuer": facts.issuer_name,
        },
        **({"tag": [nature]} if (nature := action_nature(facts.action_category)) else {}),
        "criteria": {"narrative": _criteria_narrative(facts)},
        "humanCode": facts.module_code,
        "version": facts.version_label,
        "inLanguage": facts.language,
        "creator": _issuer_ref(facts.issuer_id, facts.issuer_name),
        "resultDescription": [
            {
                "id": _score_description_id(facts),
                "type": ["ResultDescription"],
                "name": _("Final assessment score, in percent"),
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
                "requiredValue": str(facts.pass_mark),
            }
        ],
    }


def _criteria_narrative(facts: AttestationFacts) -> str:
    """Markdown, as the spec allows for criteria.narrative."""
    parts = [
        _("Pass the final assessment of the module with a score of at least %(pass_mark)s %%.")
        % {"pass_mark": facts.pass_mark}
    ]
    if facts.objectives:
        lines = "\n".join(f"- {objective}" for objective in facts.objectives)
        heading = _("Learning objectives:")
        parts.append(f"{heading}\n\n{lines}")
    if facts.sources:
        lines = "\n".join(
            "- "
            + _("%(document)s, version %(version)s (SHA-256 %(sha256)s)")
            % {"document": s.document, "version": s.version_label, "sha256": s.sha256}
            for s in facts.sources
        )
        heading = _("Built from the source procedures:")
        parts.append(f"{heading}\n\n{lines}")
    return "\n\n".join(parts)


# --- Holder identity ---------------------------------------------------------------------------


def _derived(purpose: str, facts: AttestationFacts) -> bytes:
    """Per-credential values that rebuild identically, bound to this installation's key."""
    key_id = keys.public_jwk()["kid"].encode("ascii")
    return hmac.new(key_id, f"{purpose}:{facts.number}".encode(), hashlib.sha256).digest()


def identity_salt(facts: AttestationFacts) -> str:
    return _derived("identity-salt", facts)[:16].hex()


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: "sha256$" + hex SHA-256 of the UTF-8 identifier followed by the salt.

    Addresses are compared case-insensitively everywhere else, so the hash is of the lower-case
    address: a verifier who types it with a capital still gets a match.
    """
    material = email.strip().lower() + salt
    return "sha256$" + hashlib.sha256(material.encode("utf-8")).hexdigest()


def subject_id(facts: AttestationFacts) -> str:
    """An opaque id for the subject of this one credential, which the required `sub` claim needs.

    It is derived per credential, so two credentials of the same person cannot be linked by it.
    """
    return f"urn:uuid:{uuid.UUID(bytes=_derived('subject', facts)[:16], version=4)}"


# --- Dates -------------------------------------------------------------------------------------


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0, 0), tzinfo=PARIS).astimezone(UTC)


def end_of_validity(last_day: date) -> datetime:
    """The attestation is valid through its last day, Paris time."""
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=PARIS).astimezone(UTC)


def _iso(moment: datetime) -> str:
    """DateTimeZ in UTC to the second: `nbf`/`exp` are whole seconds and must equal it."""
    if moment.tzinfo is None:
        raise ValueError("credential dates must be aware datetimes")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _numeric_date(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


# --- Signing -----------------------------------------------------------------------------------


def _b64url_json(value: dict[str, Any]) -> str:
    compact = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return keys.b64url(compact.encode("utf-8"))


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The registered claims OB 3.0 § 8.2.4 derives from the credential."""
    issuer = credential["issuer"]
    claims: dict[str, Any] = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _numeric_date(credential["validFrom"]),
    }
    if credential.get("validUntil"):
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def sign_credential(credential: dict[str, Any]) -> str:
    """The credential as a Compact JWS (VC-JWT), signed with the installation's Ed25519 key."""
    header = {"alg": ALGORITHM, "typ": "JWT", "jwk": keys.public_jwk()}
    payload = credential | jwt_claims(credential)
    signing_input = f"{_b64url_json(header)}.{_b64url_json(payload)}"
    signature = keys.signing_key().sign(signing_input.encode("ascii"))
    return f"{signing_input}.{keys.b64url(signature)}"


# --- Verifying ---------------------------------------------------------------------------------


def _b64url_decode(segment: str) -> bytes:
    if not _B64URL.match(segment):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _public_key(jwk: dict[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 JWK")
    return Ed25519PublicKey.from_public_bytes(_b64url_decode(str(jwk["x"])))


def _installation_jwk(header: dict[str, Any]) -> dict[str, Any]:
    named = header.get("jwk")
    kid = named.get("kid") if isinstance(named, dict) else None
    found = keys.find_jwk(kid) if isinstance(kid, str) else None
    return found if found is not None else keys.public_jwk()


def verify_credential(
    token: str, jwk: dict[str, Any] | None = None, *, now: datetime | None = None
) -> dict[str, Any]:
    """The OpenBadgeCredential inside `token`, once proven ours, untouched and currently valid.

    The signature is checked against `jwk` (default: the installation's key the header names by
    its key id, current or retired by a rotation), never against the key the token carries in
    its own header. Raises InvalidCredential.
    """
    malformed = InvalidCredential(_("This is not a signed credential."), code="malformed")
    try:
        header_b64, payload_b64, signature_b64 = token.strip().split(".")
        header = json.loads(_b64url_decode(header_b64))
        payload = json.loads(_b64url_decode(payload_b64))
        signature = _b64url_decode(signature_b64)
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise malformed from error
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise malformed

    if (
        header.get("alg") != ALGORITHM
        or header.get("typ", "JWT") != "JWT"
        or not set(header) <= ALLOWED_HEADERS
    ):
        raise InvalidCredential(
            _("The credential is not signed the way this platform signs credentials."),
            code="algorithm",
        )
    try:
        public_key = _public_key(jwk if jwk is not None else _installation_jwk(header))
        public_key.verify(signature, f"{header_b64}.{payload_b64}".encode("ascii"))
    except (InvalidSignature, ValueError, KeyError) as error:
        raise InvalidCredential(
            _("The credential has been altered or was not signed by this platform."),
            code="signature",
        ) from error

    claims = {name: payload.pop(name) for name in REGISTERED_CLAIMS if name in payload}
    credential = payload
    try:
        is_badge = {"VerifiableCredential", "OpenBadgeCredential"} <= set(credential["type"]) or {
            "VerifiableCredential",
            "AchievementCredential",
        } <= set(credential["type"])
        expected = jwt_claims(credential)
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCredential(
            _("The credential does not have the shape of an Open Badge."), code="claims"
        ) from error
    if not is_badge or credential.get("@context", [])[:2] != CONTEXT:
        raise InvalidCredential(
            _("The credential does not have the shape of an Open Badge."), code="claims"
        )
    if claims != expected:
        raise InvalidCredential(
            _("The signed claims of the credential do not match its content."), code="claims"
        )

    instant = (now or datetime.now(UTC)).timestamp()
    if instant + LEEWAY_SECONDS < claims["nbf"]:
        raise InvalidCredential(_("The credential is not valid yet."), code="not_yet")
    if "exp" in claims and instant - LEEWAY_SECONDS >= claims["exp"]:
        last_day = datetime.fromtimestamp(claims["exp"], UTC)
        raise InvalidCredential(
            _("The credential expired on %(date)s.") % {"date": long_date(last_day)},
            code="expired",
        )
    return credential
