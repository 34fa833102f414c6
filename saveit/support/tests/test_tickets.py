import datetime as dt

import pytest
from django.core import mail

from saveit.accounts.roles import Role
from saveit.core.errors import Forbidden, Refusal
from saveit.support import services
from saveit.support.clock import PARIS
from saveit.support.clocks import running_clock
from saveit.support.kpis import compute_kpis
from saveit.support.models import Status, TicketPause
from saveit.support.rules import PRIORITY_MATRIX, priority_for
from saveit.testing.factories import make_member

from .factories import make_agent, make_contract

pytestmark = pytest.mark.django_db


def paris(*args):
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("criticity", "severity", "expected"),
    [(c, s, p) for c, row in PRIORITY_MATRIX.items() for s, p in row.items()],
)
def test_the_whole_priority_matrix(criticity, severity, expected):
    contract = make_contract()
    client = make_member(contract.client, Role.CLIENT_MANAGER)
    ticket = services.open_ticket(
        contract=contract, by=client, title="x", description="y", type="incident", severity=severity
    )
    ticket = services.set_criticity(ticket=ticket, criticity=criticity, by=make_agent())
    assert ticket.priority == expected == priority_for(severity, criticity)


def test_the_matrix_is_the_one_of_the_spec():
    assert [[PRIORITY_MATRIX[c][s] for s in ("S1", "S2", "S3")] for c in ("C1", "C2", "C3")] == [
        ["P1", "P2", "P3"],
        ["P2", "P3", "P3"],
        ["P3", "P3", "P3"],
    ]


def _p2_ticket(opened):
    contract = make_contract()
    client = make_member(contract.client, Role.CLIENT_OWNER)
    agent = make_agent()
    ticket = services.open_ticket(
        contract=contract,
        by=client,
        title="Export en panne",
        description="500",
        type="incident",
        severity="S2",
        at=opened,
    )
    return contract, client, agent, ticket


def test_a_paused_p2_restores_on_business_minutes_only():
    # Tuesday 2 June 2026 10:00; acknowledged 10:30; paused 11:00 → next day 10:00; resolved 11:00.
    contract, client, agent, ticket = _p2_ticket(paris(2026, 6, 2, 10))
    services.set_criticity(ticket=ticket, criticity="C1", by=agent)
    services.change_status(
        ticket=ticket, to=Status.ACKNOWLEDGED, by=agent, at=paris(2026, 6, 2, 10, 30)
    )
    services.change_status(ticket=ticket, to=Status.WAITING, by=agent, at=paris(2026, 6, 2, 11))
    services.change_status(
        ticket=ticket, to=Status.IN_PROGRESS, by=client, at=paris(2026, 6, 3, 10)
    )
    ticket = services.change_status(
        ticket=ticket, to=Status.RESOLVED, by=agent, at=paris(2026, 6, 3, 11)
    )
    assert ticket.priority == "P2"
    assert ticket.acknowledgement_minutes == 30
    assert ticket.restoration_minutes == 60 + 60  # 10:00–11:00 on both days
    assert TicketPause.objects.get(ticket=ticket).ended_at == paris(2026, 6, 3, 10)
    kpis = compute_kpis(contract, paris(2026, 6, 1), paris(2026, 7, 1))
    assert kpis["restoration"]["P2"]["mean"] == 120 and kpis["restoration"]["P2"]["met"]
    assert kpis["acknowledgement"]["mean"] == 30


def test_a_ticket_opened_friday_evening_before_easter_monday_is_due_tuesday():
    _contract, _client, agent, ticket = _p2_ticket(paris(2026, 4, 3, 17, 30))
    ticket = services.set_criticity(ticket=ticket, criticity="C1", by=agent)
    clock = running_clock(ticket, paris(2026, 4, 6, 12))
    assert clock.name == "restoration" and clock.elapsed == 30
    assert clock.due_at == paris(2026, 4, 7, 12, 30)


def test_an_excluded_ticket_leaves_the_kpis():
    contract, _client, agent, ticket = _p2_ticket(paris(2026, 6, 2, 10))
    services.set_criticity(ticket=ticket, criticity="C1", by=agent)
    services.change_status(ticket=ticket, to=Status.RESOLVED, by=agent, at=paris(2026, 6, 10, 10))
    month = (paris(2026, 6, 1), paris(2026, 7, 1))
    assert compute_kpis(contract, *month)["restoration"]["P2"]["breaches"]
    with pytest.raises(Refusal):
        services.set_exclusion(ticket=ticket, exclusion="force_majeure", note=" ", by=agent)
    services.set_exclusion(ticket=ticket, exclusion="force_majeure", note="Inondation", by=agent)
    kpis = compute_kpis(contract, *month)
    assert kpis["restoration"]["P2"]["count"] == 0 and kpis["excluded"] == 1


def test_clients_may_not_set_criticity_nor_agent_moves():
    _contract, client, agent, ticket = _p2_ticket(paris(2026, 6, 2, 10))
    with pytest.raises(Forbidden):
        services.set_criticity(ticket=ticket, criticity="C1", by=client)
    with pytest.raises(Forbidden):
        services.change_status(ticket=ticket, to=Status.RESOLVED, by=client)
    with pytest.raises(Refusal):
        services.change_status(ticket=ticket, to=Status.CLOSED, by=agent)


def test_every_change_sends_an_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _contract, _client, agent, ticket = _p2_ticket(paris(2026, 6, 2, 10))
        services.set_criticity(ticket=ticket, criticity="C2", by=agent)
        services.post_message(ticket=ticket, by=agent, body="Pouvez-vous préciser ?")
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 3 and all(ticket.number in s for s in subjects)


def test_an_attachment_is_checked_like_every_upload():
    _contract, client, _agent, ticket = _p2_ticket(paris(2026, 6, 2, 10))
    with pytest.raises(Refusal):
        services.post_message(
            ticket=ticket, by=client, body="voir pj", files=[(b"MZ\x90\x00", "x.pdf")]
        )
    assert not ticket.messages.exists()
    message = services.post_message(
        ticket=ticket, by=client, body="voir pj", files=[(b"%PDF-1.4 x", "capture.pdf")]
    )
    assert message.attachments.get().original_name == "capture.pdf"
