"""The attendance sheet of a half-day (filled in, or blank to be signed on paper)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.selectors import provider_organization
from saveit.core.dates import long_date, long_datetime
from saveit.core.pdf.documents import base_labels, document_header
from saveit.core.pdf.render import render_pdf

from .models import Presence, Slot
from .selectors import sheet


def _hm(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _status(presence: Presence | None) -> str:
    if presence is None:
        return "—"
    label = str(presence.get_status_display())
    if presence.minutes_missed:
        label += " " + _("(%(minutes)s min)") % {"minutes": presence.minutes_missed}
    if presence.justification:
        label += " — " + presence.justification
    return label


def sheet_data(slot: Slot, *, blank: bool = False) -> dict[str, Any]:
    session = slot.session
    engagement = session.engagement
    trainers = ", ".join(
        [t.user.full_name or t.user.email for t in session.trainers.select_related("user")]
        + ([session.external_trainers] if session.external_trainers else [])
    )
    data = document_header(
        provider=provider_organization(),
        client=engagement.client,
        engagement=engagement,
        title=_("Attendance sheet"),
        reference=f"{engagement.reference}-S{session.pk}-{slot.pk}",
        issued_on=timezone.localdate(),
        signer_role_label="",
    )
    data.pop("signature")
    place = session.virtual_room_url or " — ".join(
        p for p in (" ".join(session.place.split()), session.room) if p
    )
    data["labels"] = {
        **base_labels(_("Attendance sheet")),
        "participants": _("Participants"),
        "participant": _("Participant"),
        "status": _("Attendance"),
        "signed_at": _("Signed at"),
        "method": _("How"),
        "evidence": _("Fingerprint"),
        "trainer": _("Trainer"),
        "signature_col": _("Signature"),
        "none": _("No participant."),
    }
    data["facts"] = [
        {"label": _("Session"), "value": session.title},
        {"label": _("Modality"), "value": str(session.get_modality_display())},
        {"label": _("Place"), "value": place or "—"},
        {
            "label": _("Half-day"),
            "value": f"{long_date(timezone.localtime(slot.starts_at))}, "
            f"{_hm(slot.starts_at)}–{_hm(slot.ends_at)}",
        },
        {"label": _("Trainers"), "value": trainers or "—"},
    ]
    data["blank"] = blank
    data["rows"] = [
        {
            "name": row.learner.full_name,
            "status": "" if blank else _status(row.presence),
            "signed_at": (
                f"{timezone.localtime(row.presence.signed_at):%d/%m/%Y %H:%M}"
                if row.presence and row.presence.signed_at
                else "—"
            ),
            "method": str(row.presence.get_method_display()) if row.presence else "—",
            "evidence": (row.presence.statement_sha256[:12] if row.presence else "") or "—",
        }
        for row in sheet(slot)
    ]
    signer = slot.trainer_signed_by
    data["trainer"] = {
        "name": (signer.user.full_name or signer.user.email) if signer else trainers,
        "signed_at": long_datetime(slot.trainer_signed_at) if slot.trainer_signed_at else "—",
        "evidence": slot.trainer_statement_sha256[:12] or "—",
    }
    data["statement"] = (
        _(
            "Each participant signs for the half-day they attended; the trainer signs at the end. "
            "Once signed, scan this sheet and upload it on the session's page."
        )
        if blank
        else _(
            "Signatures on the phone are simple electronic signatures: the signed-in account "
            "scanned the trainer's rotating QR code; the moment, address and fingerprint of the "
            "statement are kept in the audit trail."
        )
    )
    return data


def render_sheet(slot: Slot, *, blank: bool = False) -> bytes:
    return render_pdf("attendance_sheet", sheet_data(slot, blank=blank))
