"""The proposal's PDF prints the version of the general terms of sale it carries."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.storage import default_storage
from pypdf import PdfReader

from saveit.billing import contracts
from saveit.billing.models import SignedSalesTerms


def _text(document) -> str:
    with default_storage.open(document.file.name, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_proposal_pdf_prints_the_cgv_version_in_force(
    engagement, pm, owner, billable, staff_admin
):
    from saveit.testing.engagement_setup import signed_proposal, through_phase_1

    contracts.publish_sales_terms(
        version="2025-2", effective_on=date(2025, 6, 1), body="Ancien texte", by=staff_admin
    )
    contracts.publish_sales_terms(
        version="2026-1", effective_on=date(2026, 1, 15), body="Article 1…", by=staff_admin
    )
    contracts.publish_sales_terms(
        version="2099-1", effective_on=date(2099, 1, 1), body="Plus tard", by=staff_admin
    )
    engagement = through_phase_1(engagement, pm, owner)
    proposal = signed_proposal(engagement, pm, owner)
    text = _text(proposal.document)
    assert "Conditions générales de vente : version 2026-1 du 15/01/2026" in text
    assert "2025-2" not in text and "2099-1" not in text
    # The version printed is the one the signature records.
    assert SignedSalesTerms.objects.get(proposal=proposal).sales_terms.version == "2026-1"


def test_without_published_terms_the_proposal_prints_no_version(engagement, pm, owner, billable):
    from saveit.testing.engagement_setup import signed_proposal, through_phase_1

    engagement = through_phase_1(engagement, pm, owner)
    proposal = signed_proposal(engagement, pm, owner)
    assert "Conditions générales de vente" not in _text(proposal.document)
