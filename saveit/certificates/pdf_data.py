"""The attestation PDF: one landscape page, always in French, with a QR code to its verification.

It is rendered from the frozen facts alone (no database read), so a re-download years later
prints what was stated on the day of issue; only the revocation mark can be added.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from saveit.core.dates import long_date
from saveit.core.pdf import render_pdf

from .facts import AttestationFacts

NBSP = "\u00a0"
STATUSES = frozenset({"valid", "expired", "revoked"})
QR_COLOUR = "#1d2330"  # the app's ink token, like every dark line of the PDF
# The page holds one line per source; the credential and the verification page list them all.
MAX_SOURCES = 3
MAX_SOURCE_NAME = 60


def best_qr_mask(url: str) -> int:
    """The mask pattern the QR standard's penalty rules choose for `url` (stored at issue)."""
    return int(segno.make(url, error="m", micro=False).mask)


def qr_svg(url: str, mask: int | None = None) -> str:
    """The QR code of `url` as SVG, with the 4-module quiet zone scanners need.

    Error correction M survives a crease or a stain; the URL is short enough that the code stays
    small at that level. `mask`: the one best_qr_mask chose at issue (None: choose it now; the
    code is the same either way).
    """
    qr = segno.make(url, error="m", micro=False, mask=mask)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", border=4, dark=QR_COLOUR, light="#ffffff", xmldecl=False)
    return buffer.getvalue().decode("utf-8")


def percent(value: int) -> str:
    return f"{value}{NBSP}%"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _sources(facts: AttestationFacts) -> tuple[list[dict[str, str]], str]:
    """The sources printed, and the "and N others" line when they do not all fit."""
    shown = facts.sources if len(facts.sources) <= MAX_SOURCES else facts.sources[: MAX_SOURCES - 1]
    hidden = len(facts.sources) - len(shown)
    more = (
        ngettext("and %(count)s other procedure", "and %(count)s other procedures", hidden)
        % {"count": hidden}
        if hidden
        else ""
    )
    rows = [
        {
            "document": shorten(source.document, MAX_SOURCE_NAME),
            "version": source.version_label,
            "sha256": source.sha256[:12],
        }
        for source in shown
    ]
    return rows, more


def attestation_data(
    facts: AttestationFacts, *, status: str = "valid", qr_mask: int | None = None
) -> dict[str, Any]:
    if status not in STATUSES:
        raise ValueError(f"unknown attestation status: {status!r}")
    with override("fr"):
        title = _("Certificate of achievement")
        sources, more_sources = _sources(facts)
        return {
            "title": title,
            "number": facts.number,
            "holder": facts.holder_name,
            "organization": facts.organization,
            "module": {
                "code": facts.module_code,
                "title": facts.module_title,
                "version": facts.version_label,
            },
            "sources": sources,
            "more_sources": more_sources,
            "score": percent(facts.score),
            "pass_mark": percent(facts.pass_mark),
            "issued_on": long_date(facts.issued_at),
            "valid_until": long_date(facts.valid_until) if facts.valid_until else "",
            "issuer": facts.issuer_name,
            "verify_url": facts.verify_url,
            "qr_svg": qr_svg(facts.verify_url, qr_mask),
            "revoked": status == "revoked",
            "labels": {
                "title": title,
                "number": _("Certificate no."),
                "awarded_to": _("awarded to"),
                "of_organization": _("of the organisation"),
                "statement": _("for following and passing the training module"),
                "module_line": _("module %(code)s · version %(version)s")
                % {"code": facts.module_code, "version": facts.version_label},
                "score": _("Score obtained"),
                "pass_mark": _("pass mark %(mark)s") % {"mark": percent(facts.pass_mark)},
                "issued_on": _("Issued on"),
                "valid_until": _("Valid until"),
                "no_limit": _("no time limit"),
                "sources": _("Source procedures"),
                "version": _("version"),
                "issued_by": _("Issued by"),
                "verify": _(
                    "Verify the authenticity of this certificate by scanning the code or at:"
                ),
                "revoked": _("REVOKED"),
            },
        }


def render_attestation_pdf(
    facts: AttestationFacts, *, status: str = "valid", qr_mask: int | None = None
) -> bytes:
    """The attestation as issued; `status="revoked"` stamps it RÉVOQUÉE across the page."""
    return render_pdf("attestation", attestation_data(facts, status=status, qr_mask=qr_mask))
