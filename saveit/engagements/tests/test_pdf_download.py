"""An engagement PDF is served under the client's file name, safely quoted in the header."""

from __future__ import annotations

import pytest
from django.urls import reverse

from saveit.engagements import services
from saveit.testing.engagement_setup import signed_proposal, through_phase_1
from saveit.testing.factories import signed_in
from saveit.testing.pdf import make_pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ('bon "final".pdf', 'inline; filename="bon \\"final\\".pdf"'),
        ("bon\\de commande.pdf", 'inline; filename="de commande.pdf"'),
        ("commande n°1.pdf", "inline; filename*=utf-8''commande%20n%C2%B01.pdf"),
    ],
)
def test_the_file_name_is_quoted_in_the_download_header(engagement, pm, owner, name, header):
    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    order = services.record_purchase_order(
        engagement=engagement, by=owner, uploaded_file=(make_pdf("Bon de commande"), name)
    )
    response = signed_in(pm).get(
        reverse("engagements:pdf", args=[engagement.pk, order.document_id])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == header
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
