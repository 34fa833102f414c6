"""What an attestation states, frozen at issue: the single input of its PDF and its credential.

Plain data, no model: the attestation stores these facts as JSON so that re-rendering the PDF or
re-reading the credential years later shows exactly what was true on the day of issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from saveit.core.dates import long_date


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
    # Fields below came with the attestation of end of training (SPEC §9); facts stored before
    # have their defaults, and print what they had.
    language: str = "fr"  # the language every text of the PDF and the credential is in
    action_category: str = ""  # key of ACTION_CATEGORIES ("" on attestations issued before)
    started_on: date | None = None  # first day of training (Paris calendar)
    completed_on: date | None = None  # day the final assessment was passed
    distance_seconds: int | None = None  # time on task recorded on the platform
    attended_minutes: int | None = None  # in-person sessions; None = there were none
    issuer_siren: str = ""
    issuer_activity_declaration: str = ""  # NDA, 11 digits, when the provider gave it
    issuer_address: str = ""
    signatory_name: str = ""
    signatory_role: str = ""
    signature_sha256: str = ""  # the signature or stamp image, kept in storage under its hash
    status_list_url: str = ""  # the published revocation list holding this attestation's bit
    status_index: int | None = None


# The categories of actions that develop skills, Code du travail L6313-1; the key is stored in
# the facts, the label printed in the attestation's language.
ACTION_CATEGORIES: dict[str, tuple[str, str]] = {
    "training": (gettext_noop("Training action"), "L. 6313-1, 1°"),
    "skills_assessment": (gettext_noop("Skills assessment"), "L. 6313-1, 2°"),
    "vae": (gettext_noop("Validation of prior learning (VAE)"), "L. 6313-1, 3°"),
    "apprenticeship": (gettext_noop("Apprenticeship training action"), "L. 6313-1, 4°"),
}
# What the platform delivers: modules followed and assessed, training actions.
DEFAULT_ACTION_CATEGORY = "training"


def action_nature(category: str) -> str:
    """The printed nature of the action, e.g. « Action de formation (Code du travail, art.
    L. 6313-1, 1°) »; empty for facts issued before it was recorded."""
    if category not in ACTION_CATEGORIES:
        return ""
    return _("%(label)s (%(reference)s)") % {
        "label": action_label(category),
        "reference": action_reference(category),
    }


def action_label(category: str) -> str:
    return _(ACTION_CATEGORIES[category][0]) if category in ACTION_CATEGORIES else ""


def action_reference(category: str) -> str:
    if category not in ACTION_CATEGORIES:
        return ""
    return _("French Labour Code, art. %(article)s") % {"article": ACTION_CATEGORIES[category][1]}


def duration_text(seconds: int) -> str:
    """« 1 h 05 min », « 12 min », « moins d'une minute »: how long, the French way."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return _("less than a minute")
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return _("%(m)s min") % {"m": minutes}
    return _("%(h)s h %(m)02d min") % {"h": hours, "m": minutes}


def siren_text(siren: str) -> str:
    return f"{siren[:3]} {siren[3:6]} {siren[6:]}" if len(siren) == 9 else siren


def declaration_text(number: str) -> str:
    """11 digits grouped as the prefectures print them: 11 75 12345 75."""
    if len(number) != 11:
        return number
    return f"{number[:2]} {number[2:4]} {number[4:9]} {number[9:]}"


def end_of_training(facts: AttestationFacts) -> dict[str, str]:
    """The facts of an attestation of end of training, worded in the active language.

    Empty strings for what the facts do not hold (attestations issued before they were
    recorded, no sessions in person, no SIREN…), so every page and the PDF leave them out.
    """
    if facts.started_on and facts.completed_on and facts.started_on != facts.completed_on:
        period = _("from %(start)s to %(end)s") % {
            "start": long_date(facts.started_on),
            "end": long_date(facts.completed_on),
        }
    elif facts.completed_on:
        period = _("on %(day)s") % {"day": long_date(facts.completed_on)}
    else:
        period = ""
    identity = []
    if facts.issuer_siren:
        identity.append(_("SIREN %(siren)s") % {"siren": siren_text(facts.issuer_siren)})
    if facts.issuer_activity_declaration:
        identity.append(
            _("activity declaration no. %(number)s")
            % {"number": declaration_text(facts.issuer_activity_declaration)}
        )
    return {
        "nature": action_nature(facts.action_category),
        "nature_label": action_label(facts.action_category),
        "nature_reference": action_reference(facts.action_category),
        "period": period,
        "distance": duration_text(facts.distance_seconds)
        if facts.distance_seconds is not None
        else "",
        "attended": duration_text(facts.attended_minutes * 60)
        if facts.attended_minutes is not None
        else "",
        "result": _("%(score)s %% (pass mark %(pass_mark)s %%): passed")
        % {"score": facts.score, "pass_mark": facts.pass_mark},
        "issuer_identity": " · ".join(identity),
        "issuer_address": facts.issuer_address,
        "signatory": ", ".join(p for p in (facts.signatory_name, facts.signatory_role) if p),
    }
