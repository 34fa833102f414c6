"""The PDF of the acceptance record (procès-verbal), always in French."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from saveit.core.pdf import render_pdf
from saveit.core.pdf.documents import base_labels, today
from saveit.core.versions import version_tag
from saveit.engagements.pdf_data import common

from .models import AcceptanceRecord


def render_acceptance_record(record: AcceptanceRecord) -> bytes:
    return render_pdf("acceptance_record", acceptance_record_data(record))


def acceptance_record_data(record: AcceptanceRecord) -> dict[str, Any]:
    """What the record states: its PDF and its page are both built from this."""
    engagement = record.engagement
    # Rendered on its day of issue; the page of an issued record shows that same day.
    issued_on = timezone.localdate(record.issued_at) if record.issued_at else today()
    with override("fr"):
        data = common(
            engagement,
            title=_("Validation and activation record"),
            reference=f"{engagement.reference}-PV-r{record.revision}",
            issued_on=issued_on,
        )
        data |= {
            "paragraphs": [
                _(
                    "%(client)s has reviewed each module version listed below, as its learners "
                    "will see it, and validates its business content."
                )
                % {"client": engagement.client.name},
                _(
                    "By signing this record, the client activates exactly these versions: only "
                    "they can be assigned to learners. Each version is identified by the SHA-256 "
                    "fingerprint of its content; any later change is a new version that needs a "
                    "new validation."
                ),
            ],
            "modules": [
                {
                    "code": m["code"],
                    "title": m["title"],
                    "version": m["version"],
                    "sha256": m["content_sha256"],
                    "sources": [
                        f"{s['document']} {version_tag(s['version_label'])} ({s['sha256'][:10]}…)"
                        for s in m["sources"]
                    ],
                }
                for m in record.snapshot["modules"]
            ],
            "labels": base_labels(_("Validation and activation record"))
            | {
                "statement": _("Statement"),
                "modules": _("Module versions validated"),
                "code": _("Code"),
                "module": _("Module"),
                "version": _("Version"),
                "sources": _("Source procedures"),
                "sha256": _("SHA-256 of the content"),
                "fingerprints": _("Fingerprints"),
                "fingerprints_note": _(
                    "The fingerprint covers the lessons, questions, answers, settings and "
                    "source references of the version."
                ),
            },
        }
    return data
