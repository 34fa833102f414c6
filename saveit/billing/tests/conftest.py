from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saveit.accounts.models import Organization
from saveit.billing import services
from saveit.billing.services import LineInput


def complete_identities(provider: Organization, client: Organization) -> None:
    Organization.objects.filter(pk=provider.pk).update(
        vat_number="FR44732829320", address="12 rue des Ateliers\n69002 Lyon"
    )
    Organization.objects.filter(pk=client.pk).update(
        siren="552100554", vat_number="FR96552100554", address="8 avenue Pasteur\n31000 Toulouse"
    )
    provider.refresh_from_db()
    client.refresh_from_db()


@pytest.fixture
def billable(provider, client_org):
    complete_identities(provider, client_org)
    return client_org


def two_lines() -> list[LineInput]:
    return [
        LineInput(
            "Conception d'un module certifiant", Decimal("2"), Decimal("1200"), Decimal("20")
        ),
        LineInput("Guide imprimé", Decimal("3"), Decimal("10.55"), Decimal("5.5")),
    ]


def draft(client, by, kind="standard", lines=None):
    return services.create_invoice(
        client=client,
        by=by,
        kind=kind,
        lines=lines or two_lines(),
        supplied_on=date(2026, 11, 30),
    )


@pytest.fixture
def signed(engagement, pm, owner, billable):
    """An engagement in phase 2 whose client signed a proposal of 2 750,50 € excl. VAT."""
    from saveit.testing.engagement_setup import signed_proposal, through_phase_1

    engagement = through_phase_1(engagement, pm, owner)
    signed_proposal(engagement, pm, owner)
    return engagement


def deliver(engagement, pm, owner):
    """The delivery note, issued and signed by the client (as closure does in phase 7)."""
    from django.db import transaction

    from saveit.engagements.artefacts import DELIVERY_NOTE
    from saveit.engagements.models import DeliveryNote
    from saveit.engagements.services.common import issue_artefact
    from saveit.testing.engagement_setup import sign
    from saveit.testing.pdf import make_pdf

    with transaction.atomic():
        note = DeliveryNote.objects.create(engagement=engagement, snapshot={"modules": []})
        issue_artefact(artefact=note, kind=DELIVERY_NOTE, by=pm, pdf=make_pdf("Bon de livraison"))
    sign(note, owner)
    return note
