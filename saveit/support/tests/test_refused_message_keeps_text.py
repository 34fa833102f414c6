"""A refused message shows the ticket again with the text typed, instead of losing it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saveit.accounts.roles import Role
from saveit.support.models import Ticket
from saveit.testing.factories import make_member, signed_in

from .factories import make_contract

pytestmark = pytest.mark.django_db


def test_a_message_with_a_refused_attachment_is_shown_again_with_its_text():
    contract = make_contract()
    client = signed_in(make_member(contract.client, Role.CLIENT_MANAGER))
    client.post(
        reverse("support:ticket_new"),
        {"title": "Export en panne", "type": "incident", "severity": "S2",
         "service": contract.services.first().pk, "description": "Erreur 500"},
    )  # fmt: skip
    ticket = Ticket.objects.get()
    messages = ticket.messages.count()
    response = client.post(
        reverse("support:ticket_message", args=[ticket.pk]),
        {
            "body": "Toujours en panne après la mise à jour de 14 h.",
            "attachment": SimpleUploadedFile(
                "outil.exe", b"MZ\x90\x00binary", "application/x-msdownload"
            ),
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Toujours en panne après la mise à jour de 14 h." in page
    assert ticket.messages.count() == messages
