"""Phase 1's mapping report: the inventory of the client's source documents, issued for
acknowledgement (it reads the documents app, so it lives above it)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.core.errors import Refusal
from saveit.documents.selectors import mapping_snapshot
from saveit.engagements import pdf_data, selectors
from saveit.engagements.artefacts import MAPPING_REPORT
from saveit.engagements.models import Engagement, MappingReport, Phase
from saveit.engagements.services.common import issue_artefact, lock, require_manager, require_phase


@transaction.atomic
def generate_mapping_report(*, engagement: Engagement, by: Membership) -> MappingReport:
    """Take the inventory as it stands and issue it for the client's acknowledgement."""
    require_manager(by)
    engagement = lock(engagement)
    require_phase(engagement, Phase.MAPPING)
    snapshot = mapping_snapshot(engagement)
    if not snapshot["version_ids"]:
        raise Refusal(
            _("Upload at least one source document in force before the report."),
            code="no_sources",
        )
    previous = selectors.current_mapping_report(engagement)
    report = MappingReport.objects.create(
        engagement=engagement,
        revision=previous.revision + 1 if previous else 1,
        snapshot=snapshot,
    )
    pdf = pdf_data.render_mapping_report(report)
    issue_artefact(artefact=report, kind=MAPPING_REPORT, by=by, pdf=pdf)
    return report
