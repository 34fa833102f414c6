"""Every refusal of an uploaded file, worded once for the people who upload it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from saveit.core.errors import Refusal

ACCEPTED = "Word (DOCX), OpenDocument (ODT), PDF, Markdown, HTML, TXT, Excel (XLSX), CSV"


def empty() -> Refusal:
    return Refusal(_("This file is empty."), code="empty")


def unsupported() -> Refusal:
    return Refusal(
        _("This type of file is not accepted. Accepted formats: %(formats)s.")
        % {"formats": ACCEPTED},
        code="unsupported_type",
    )


def damaged() -> Refusal:
    return Refusal(_("This file cannot be opened: it is damaged or incomplete."), code="malformed")


def malformed(label: str) -> Refusal:
    return Refusal(
        _("This file is not a %(format)s document that can be read: it is damaged.")
        % {"format": label},
        code="malformed",
    )


def encrypted() -> Refusal:
    return Refusal(
        _("This PDF is protected by a password: remove the protection, or send the source file."),
        code="encrypted",
    )


def no_text_layer() -> Refusal:
    return Refusal(
        _(
            "This PDF has no text layer (it is probably a scan): export it again from the "
            "word processor, or send the source file."
        ),
        code="no_text_layer",
    )


def no_text() -> Refusal:
    return Refusal(_("This document contains no text to work with."), code="no_text")
