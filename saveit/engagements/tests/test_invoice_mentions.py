"""French mentions on the proforma: the provider's legal form, share capital and RCS."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from saveit.accounts.models import Organization
from saveit.audit.models import Document
from saveit.core.errors import Refusal
from saveit.core.models import NumberSequence as InvoiceSequence
from saveit.engagements import services
from saveit.engagements.models import ProformaInvoice
from saveit.testing.engagement_setup import signed_proposal, through_phase_1

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(engagement, pm, owner):
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    return engagement


def _text(document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_proforma_prints_the_providers_legal_form_capital_and_rcs(signed, pm, provider):
    text = _text(services.issue_proforma(engagement=signed, by=pm).document)
    assert "SAS" in text and "10 000,00 €" in text
    assert "RCS Lyon 732 829 320" in text


@pytest.mark.parametrize(
    ("blank", "named"),
    [
        ({"siren": ""}, "SIREN"),
        ({"legal_form": ""}, "legal form"),
        ({"share_capital": None}, "share capital"),
        ({"rcs_city": ""}, "RCS"),
    ],
)
def test_a_proforma_is_refused_while_a_mention_is_missing(signed, pm, provider, blank, named):
    Organization.objects.filter(pk=provider.pk).update(**blank)
    documents = Document.objects.count()
    with pytest.raises(Refusal) as refusal:
        services.issue_proforma(engagement=signed, by=pm)
    assert refusal.value.code == "provider_mentions"
    assert named in refusal.value.message
    assert not ProformaInvoice.objects.exists() and Document.objects.count() == documents
    assert not InvoiceSequence.objects.filter(series="PF").exists()  # no number used up
