"""The provider's board: each engagement in its phase's column, with whom it waits for by name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from saveit.accounts.models import User
from saveit.accounts.roles import Role
from saveit.engagements import services
from saveit.orchestration.gates import CLIENT, PROVIDER, gate_status
from saveit.testing.engagement_setup import through_phase_0
from saveit.testing.factories import make_engagement, make_member, signed_in

pytestmark = pytest.mark.django_db


def _rename(member, first, last):
    User.objects.filter(pk=member.user_id).update(first_name=first, last_name=last)
    member.user.refresh_from_db()


def _columns(html: str) -> dict[int, str]:
    found = re.findall(
        r'<section class="board-column"[^>]*aria-labelledby="phase-(\d)">(.*?)</section>',
        html,
        re.S,
    )
    return {int(phase): body for phase, body in found}


def _card(html: str, reference: str) -> str:
    match = re.search(
        rf'<article class="board-card" data-engagement="{reference}"[^>]*>.*?</article>', html, re.S
    )
    assert match, reference
    return match.group(0)


def test_a_new_engagement_waits_for_the_provider_to_record_the_interview(client_org, pm, owner):
    engagement = make_engagement(client_org, pm)
    status = gate_status(engagement)
    assert status.unmet[0].name == "scoping_interview_recorded"
    assert status.waiting_for == PROVIDER


def test_the_provider_board_shows_the_phase_and_the_awaited_person(client_org, pm, owner):
    _rename(pm, "Inès", "Moreau")
    _rename(owner, "Sophie", "Martin")
    _rename(make_member(client_org, Role.CLIENT_OWNER), "Autre", "Responsable")
    fresh = make_engagement(client_org, pm, title="Nouvelle demande")
    mapped = services.create_engagement(
        client=client_org, by=pm, title="Cartographie en cours", client_owner=owner
    )
    mapped = through_phase_0(mapped, pm, owner)  # phase 1: the client must upload its sources
    assert gate_status(mapped).waiting_for == CLIENT

    html = signed_in(pm).get(reverse("engagements:list")).content.decode()

    columns = _columns(html)
    assert fresh.reference in columns[0] and fresh.reference not in columns[1]
    assert mapped.reference in columns[1] and mapped.reference not in columns[0]
    waiting_for_us = _card(html, fresh.reference)
    assert 'data-waiting="provider"' in waiting_for_us
    assert "Inès Moreau" in waiting_for_us
    waiting_for_client = _card(html, mapped.reference)
    assert 'data-waiting="client"' in waiting_for_client
    assert "Sophie Martin" in waiting_for_client
    assert "Autre Responsable" not in waiting_for_client  # only the owner named on it


def test_without_a_named_owner_the_board_names_every_current_owner(client_org, pm, owner):
    _rename(owner, "Sophie", "Martin")
    _rename(make_member(client_org, Role.CLIENT_OWNER), "Paul", "Durand")
    engagement = through_phase_0(make_engagement(client_org, pm), pm, owner)
    card = _card(
        signed_in(pm).get(reverse("engagements:list")).content.decode(), engagement.reference
    )
    assert "Sophie Martin" in card and "Paul Durand" in card


def test_a_written_but_unissued_note_waits_for_the_provider_not_the_client(engagement, pm):
    from datetime import date

    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives="O", scope="Lyon")
    status = gate_status(engagement)
    assert status.unmet[0].name == "scoping_note_signed"
    assert status.waiting_for == PROVIDER  # the note must be issued before the client can sign
    services.issue_scoping_note(engagement=engagement, by=pm)
    assert gate_status(engagement).waiting_for == CLIENT
