"""The attestation PDF: one landscape page in the attestation's language (French by default),
with what a French attestation of end of training states and a QR code to its verification.

It is rendered from the frozen facts alone (no database read), so a re-download years later
prints what was stated on the day of issue; only the revocation mark can be added.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import struct
from typing import Any

import segno
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from saveit.core.dates import long_date
from saveit.core.pdf import render_pdf
from saveit.core.pdf.qr import qr_svg as _qr_svg

from .facts import AttestationFacts, end_of_training

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
    return _qr_svg(url, mask=mask, dark=QR_COLOUR)


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


def signature_svg(sha256: str) -> str:
    """The provider's signature or stamp, by hash, as an SVG wrapping the PNG (typst reads SVG
    from text; the PNG inside stays binary-exact). Empty when none or when the file is gone."""
    if not sha256:
        return ""
    return _signature_svg(sha256)


@functools.lru_cache(maxsize=8)
def _signature_svg(sha256: str) -> str:
    from django.core.files.storage import default_storage

    from saveit.accounts.services import signature_image_path

    try:
        with default_storage.open(signature_image_path(sha256), "rb") as stored:
            png = stored.read()
    except (FileNotFoundError, OSError):
        return ""
    if hashlib.sha256(png).hexdigest() != sha256:
        return ""  # not the image the attestation was issued with: print none rather than another
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<image width="{width}" height="{height}" '
        f'xlink:href="data:image/png;base64,{encoded}"/></svg>'
    )


def attestation_data(
    facts: AttestationFacts,
    *,
    status: str = "valid",
    qr_mask: int | None = None,
    with_qr: bool = True,
) -> dict[str, Any]:
    """The typst data of the attestation; `with_qr=False` leaves `qr_svg` None, for a bulk
    render whose workers draw the QR codes (`saveit.core.pdf.render.compile_many_with_qr`)."""
    if status not in STATUSES:
        raise ValueError(f"unknown attestation status: {status!r}")
    with override(facts.language):
        title = _("Certificate of completion of training")
        sources, more_sources = _sources(facts)
        summary = end_of_training(facts)
        objectives, more_objectives = _objectives(facts)
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
            "objectives": objectives,
            "more_objectives": more_objectives,
            "nature": summary["nature_label"],
            "nature_reference": summary["nature_reference"],
            "period": summary["period"],
            "distance": summary["distance"],
            "attended": summary["attended"],
            "score": percent(facts.score),
            "pass_mark": percent(facts.pass_mark),
            "issued_on": long_date(facts.issued_at),
            "valid_until": long_date(facts.valid_until) if facts.valid_until else "",
            "issuer": facts.issuer_name,
            "issuer_identity": summary["issuer_identity"],
            "issuer_address": summary["issuer_address"],
            "signatory_name": facts.signatory_name,
            "signatory_role": facts.signatory_role,
            "signature_svg": signature_svg(facts.signature_sha256),
            "verify_url": facts.verify_url,
            "qr_svg": qr_svg(facts.verify_url, qr_mask) if with_qr else None,
            "revoked": status == "revoked",
            "labels": {
                "title": title,
                "number": _("Certificate no."),
                "awarded_to": _("awarded to"),
                "of_organization": _("of the organisation"),
                "statement": _("for following and passing the training module"),
                "module_line": _("module %(code)s · version %(version)s")
                % {"code": facts.module_code, "version": facts.version_label},
                "nature": _("Nature of the action"),
                "period": _("Dates"),
                "duration": _("Duration"),
                "distance": _("at a distance"),
                "attended": _("in person"),
                "result": _("Result"),
                "passed": _("passed, pass mark %(mark)s") % {"mark": percent(facts.pass_mark)},
                "objectives": _("Objectives"),
                "score": _("Score obtained"),
                "pass_mark": _("pass mark %(mark)s") % {"mark": percent(facts.pass_mark)},
                "issued_on": _("Issued on"),
                "done_on": _("Issued on %(date)s") % {"date": long_date(facts.issued_at)},
                "valid_until": _("Valid until"),
                "no_limit": _("no time limit"),
                "sources": _("Source procedures"),
                "version": _("version"),
                "issued_by": _("Issued by"),
                "for_issuer": _("For %(issuer)s") % {"issuer": facts.issuer_name},
                "verify": _(
                    "Verify the authenticity of this certificate by scanning the code or at:"
                ),
                "revoked": _("REVOKED"),
            },
        }


MAX_OBJECTIVES = 4
MAX_OBJECTIVE = 110


def _objectives(facts: AttestationFacts) -> tuple[list[str], str]:
    shown = facts.objectives[:MAX_OBJECTIVES]
    hidden = len(facts.objectives) - len(shown)
    more = (
        ngettext("and %(count)s other objective", "and %(count)s other objectives", hidden)
        % {"count": hidden}
        if hidden
        else ""
    )
    return [shorten(objective, MAX_OBJECTIVE) for objective in shown], more


def render_attestation_pdf(
    facts: AttestationFacts, *, status: str = "valid", qr_mask: int | None = None
) -> bytes:
    """The attestation as issued; `status="revoked"` stamps it RÉVOQUÉE across the page."""
    return render_pdf("attestation", attestation_data(facts, status=status, qr_mask=qr_mask))
