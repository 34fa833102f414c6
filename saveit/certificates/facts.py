"""What an attestation states, frozen at issue: the single input of its PDF and its credential.

Plain data, no model: the attestation stores these facts as JSON so that re-rendering the PDF or
re-reading the credential years later shows exactly what was true on the day of issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SourceRef:
    """A source procedure the module was built from, pinned to the exact file."""

    document: str
    version_label: str
    sha256: str


@dataclass(frozen=True)
class AttestationFacts:
    number: str  # "ATT-2026-000042": unique, printed
    code: str  # random url-safe verification code, in the QR URL
    holder_name: str
    holder_email: str  # only ever published salted and hashed
    organization: str  # the client organisation of the holder
    module_code: str
    module_title: str
    version_label: str
    sources: tuple[SourceRef, ...]
    score: int  # percent, 0–100
    pass_mark: int  # percent, 0–100
    issued_at: datetime  # aware, UTC
    valid_until: date | None  # last day of validity (Paris calendar); None = no limit
    issuer_name: str  # the training provider
    verify_url: str  # public verification page
    credential_id: str  # absolute URL identifying the credential
    issuer_id: str  # absolute URL of the issuer profile
    achievement_id: str  # absolute URL of the achievement (module version)
    objectives: tuple[str, ...] = ()  # learning objectives, shown as criteria
