"""The validation and activation record (PV) as an engagement artefact."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saveit.engagements.artefact_pages import register_page
from saveit.engagements.artefacts import ArtefactKind, register_artefact_kind
from saveit.engagements.models import Phase

from .models import AcceptanceRecord
from .pdf_data import acceptance_record_data
from .selectors import current_acceptance_record

ACCEPTANCE_RECORD = register_artefact_kind(
    ArtefactKind(
        "acceptance_record",
        _("Validation and activation record"),
        Phase.VALIDATION,
        AcceptanceRecord,
        "acceptance_record",
        current_acceptance_record,
        file_stem="pv-validation-activation",
    )
)
register_page(ACCEPTANCE_RECORD, acceptance_record_data)
