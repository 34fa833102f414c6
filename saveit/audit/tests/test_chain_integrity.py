"""The hash chain refuses appends outside a transaction and detects every kind of tampering."""

from __future__ import annotations

import pytest
from django.db import transaction

from saveit.accounts import services
from saveit.accounts.roles import Role
from saveit.audit.chain import record_event, verify_chain
from saveit.audit.models import AuditEvent, ChainHead
from saveit.core.request_context import Origin, reset_origin, set_origin


@pytest.fixture
def from_browser():  # type: ignore[no-untyped-def]
    """Appends made during the test come from a known IP and user agent."""
    token = set_origin(Origin(ip="192.0.2.10", user_agent="Mozilla/5.0 (pytest)"))
    yield
    reset_origin(token)


@pytest.fixture
def chain(client_org, owner, from_browser):  # type: ignore[no-untyped-def]
    """client_org's chain with a handful of events after the ones its creation wrote."""
    for n in range(5):
        with transaction.atomic():
            record_event(
                organization=client_org,
                action="test.step",
                actor=owner,
                target=owner,
                before={"step": n},
                after={"step": n + 1},
            )
    return client_org


def _event(organization, seq):  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(organization=organization, seq=seq)


def _last_seq(organization) -> int:  # type: ignore[no-untyped-def]
    return ChainHead.objects.get(organization=organization).seq


@pytest.mark.django_db(transaction=True)
def test_record_event_is_refused_outside_a_transaction(client_org):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        record_event(organization=client_org, action="test.outside")
    assert AuditEvent.objects.count() == before


def test_chain_holds_after_several_service_writes(client_org, staff_admin):
    member = services.add_member(
        organization=client_org, email="x@alpha.test", role=Role.CLIENT_MANAGER, by=staff_admin
    )
    services.update_organization(organization=client_org, by=staff_admin, name="Alpha SA")
    services.change_member_role(membership=member, role=Role.LEARNER, by=staff_admin)
    services.set_membership_active(membership=member, active=False, by=staff_admin)
    report = verify_chain(client_org)
    assert report.ok, report
    assert report.events == AuditEvent.objects.filter(organization=client_org).count() >= 5
    seqs = list(
        AuditEvent.objects.filter(organization=client_org)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))


def test_an_untouched_chain_verifies(chain):
    report = verify_chain(chain)
    assert report.ok
    assert report.events == _last_seq(chain)


def test_editing_the_after_values_of_a_row_is_detected_at_that_seq(chain):
    _event(chain, 4).update(after={"step": 999})
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq) == (False, 4)
    assert "modified" in report.reason


def test_editing_the_action_of_a_row_is_detected_at_that_seq(chain):
    _event(chain, 3).update(action="test.innocent")
    assert verify_chain(chain).broken_seq == 3


def test_rewriting_a_row_with_a_fresh_hash_is_detected_at_the_next_seq(chain):
    from saveit.audit.chain import HASHED_COLUMNS, compute_hash

    _event(chain, 3).update(action="test.innocent")
    row = _event(chain, 3).values_list(*HASHED_COLUMNS).get()
    _event(chain, 3).update(hash=compute_hash(row))
    assert verify_chain(chain).broken_seq == 4


def test_deleting_a_middle_row_is_detected_at_that_seq(chain):
    _event(chain, 4).delete()
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq) == (False, 4)


def test_deleting_the_first_row_is_detected_at_seq_one(chain):
    _event(chain, 1).delete()
    assert verify_chain(chain).broken_seq == 1


def test_deleting_the_last_row_is_detected_against_the_chain_head(chain):
    last = _last_seq(chain)
    _event(chain, last).delete()
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq) == (False, last)
    assert "end" in report.reason


def test_deleting_every_row_is_detected_against_the_chain_head(chain):
    AuditEvent.objects.filter(organization=chain).delete()
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq, report.events) == (False, 1, 0)


def test_swapping_the_seq_of_two_rows_is_detected(chain):
    with transaction.atomic():
        _event(chain, 3).update(seq=-3)
        _event(chain, 4).update(seq=3)
        _event(chain, -3).update(seq=4)
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq) == (False, 3)


def test_editing_the_ip_of_a_row_is_detected_at_that_seq(chain):
    _event(chain, 5).update(ip="198.51.100.7")
    report = verify_chain(chain)
    assert (report.ok, report.broken_seq) == (False, 5)
    assert "IP" in report.reason


def test_editing_the_user_agent_of_a_row_is_detected_at_that_seq(chain):
    _event(chain, 5).update(user_agent="curl/8.0")
    assert verify_chain(chain).broken_seq == 5


def test_erasing_the_ip_alone_while_keeping_the_salt_is_detected(chain):
    _event(chain, 5).update(ip=None)
    assert verify_chain(chain).broken_seq == 5


def test_gdpr_erasure_of_ip_user_agent_and_salt_keeps_the_chain_valid(chain):
    erased = AuditEvent.objects.filter(organization=chain).update(
        ip=None, user_agent="", context_salt=""
    )
    assert erased == _last_seq(chain)
    assert _event(chain, 5).get().ip is None
    assert verify_chain(chain).ok


def test_moving_a_row_to_another_organisation_breaks_both_chains(chain, other_org):
    last = _last_seq(other_org)
    _event(chain, 2).update(organization=other_org, seq=last + 1)
    assert verify_chain(chain).broken_seq == 2
    assert verify_chain(other_org).broken_seq == last + 1


def test_the_origin_of_a_request_is_stored_with_the_event(chain):
    event = _event(chain, 6).get()
    assert (event.ip, event.user_agent) == ("192.0.2.10", "Mozilla/5.0 (pytest)")
    assert event.context_salt and event.context_digest
