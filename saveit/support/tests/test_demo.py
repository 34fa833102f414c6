import pytest

from saveit.support.models import MaintenanceWindow, Outage, SlaReport, Ticket
from saveit.web.demo.accounts import load_demo
from saveit.web.demo.support import load_demo_support

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_contract_tickets_an_outage_windows_and_closed_reports():
    load_demo()
    contract = load_demo_support()
    assert contract is not None and contract.services.count() == 3
    assert Ticket.objects.filter(contract=contract).count() > 30
    assert Outage.objects.filter(contract=contract).exists()
    assert MaintenanceWindow.objects.filter(contract=contract).count() >= 2
    assert SlaReport.objects.filter(contract=contract).count() == 3
    assert load_demo_support() is None  # idempotent
