"""Invoice numbers: sequential per series and year, never a gap, never twice — under parallel
issuers (threads on SQLite and on PostgreSQL) and when an issue fails half-way."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from saveit.accounts.roles import OrganizationKind, Role
from saveit.billing import services
from saveit.billing.models import Invoice
from saveit.testing.factories import make_member, make_organization
from saveit.testing.processes import run_in_fresh_sqlite

from .conftest import complete_identities, draft

ISSUERS = 4
EACH = 3


def _numbers() -> list[int]:
    return sorted(
        int(number.rsplit("-", 1)[1])
        for number in Invoice.objects.exclude(number="").values_list("number", flat=True)
    )


def test_an_exception_mid_issue_gives_the_number_back(billable, pm, monkeypatch):
    first = services.issue_invoice(invoice=draft(billable, pm), by=pm)
    broken = draft(billable, pm)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("saveit.billing.services.facturx_xml.embed", fail)
    with pytest.raises(RuntimeError):
        services.issue_invoice(invoice=broken, by=pm)
    broken.refresh_from_db()
    assert broken.state == Invoice.State.DRAFT and broken.number == ""
    assert broken.document_id is None
    monkeypatch.undo()
    second = services.issue_invoice(invoice=broken, by=pm)
    assert first.number.endswith("-0001") and second.number.endswith("-0002")


def _issue_all(draft_ids: list[int], pm_id: int, failures: list[BaseException]) -> None:
    from saveit.accounts.models import Membership

    try:
        by = Membership.objects.get(pk=pm_id)
        for pk in draft_ids:
            services.issue_invoice(invoice=Invoice.objects.get(pk=pk), by=by)
    except BaseException as error:  # reported to the main thread
        failures.append(error)
    finally:
        connection.close()


def _race() -> None:
    provider = make_organization("SAVE IT", OrganizationKind.PROVIDER)
    client = make_organization("Client parallèle")
    complete_identities(provider, client)
    pm = make_member(provider, Role.PROJECT_MANAGER)
    drafts = [draft(client, pm).pk for _ in range(ISSUERS * EACH)]
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=_issue_all, args=(drafts[i::ISSUERS], pm.pk, failures))
        for i in range(ISSUERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == [], failures
    assert _numbers() == list(range(1, ISSUERS * EACH + 1))


def sqlite_scenario() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    _race()
    print("numbers ok")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite variant")
def test_parallel_issuers_on_sqlite_leave_no_gap(tmp_path):
    run_in_fresh_sqlite(
        tmp_path,
        "saveit.billing.tests.test_numbering:sqlite_scenario()",
        expect="numbers ok",
        name="invoices",
        timeout=400,
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_parallel_issuers_on_postgresql_leave_no_gap():
    _race()
