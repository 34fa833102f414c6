"""Revocation a verifier learns from the credential alone: the W3C Bitstring Status List v1.0.

Each credential carries a `credentialStatus` entry (BitstringStatusListEntry) naming a bit of a
published list; the list is itself a verifiable credential (BitstringStatusListCredential),
signed with the installation key exactly as the badges are (VC-JWT, EdDSA). A set bit means
revoked. The bitstring is GZIP-compressed and multibase-encoded as base64url without padding
(prefix "u"); index 0 is the left-most bit, the most significant bit of the first byte (§ 3.2).
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable
from datetime import datetime
from typing import Any

# credential.py uses status_entry from here: each reaches the other through its module.
from . import credential

CONTEXT = ["https://www.w3.org/ns/credentials/v2"]
PURPOSE = "revocation"
MULTIBASE_BASE64URL = "u"


def encode_bitstring(set_bits: Iterable[int], size: int) -> str:
    """The `encodedList` of a list of `size` bits where `set_bits` are 1."""
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} outside a list of {size} bits")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same revocations give the same bytes, whenever the list is rebuilt.
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_bitstring(encoded: str) -> bytes:
    """The uncompressed bitstring of an `encodedList` (the inverse of encode_bitstring)."""
    if not encoded.startswith(MULTIBASE_BASE64URL):
        raise ValueError("encodedList is not multibase base64url")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_entry(list_url: str, index: int) -> dict[str, str]:
    """The `credentialStatus` of a credential whose revocation is bit `index` of `list_url`."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *, list_url: str, issuer_id: str, revoked: Iterable[int], size: int, now: datetime
) -> dict[str, Any]:
    return {
        "@context": list(CONTEXT),
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": credential._iso(now),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode_bitstring(revoked, size),
        },
    }


def sign_status_list(
    *, list_url: str, issuer_id: str, revoked: Iterable[int], size: int, now: datetime
) -> str:
    return credential.sign_credential(
        build_status_list_credential(
            list_url=list_url, issuer_id=issuer_id, revoked=revoked, size=size, now=now
        )
    )
