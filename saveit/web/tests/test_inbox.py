"""The home page as an inbox: each role sees what waits for it, why, and one link to act."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from saveit.accounts.models import Membership
from saveit.accounts.roles import Role
from saveit.catalog.services import request_changes
from saveit.engagements import services as engagement_services
from saveit.orchestration import services as workflow
from saveit.orchestration.gates import GATES
from saveit.quality import complaints
from saveit.support import services as support_services
from saveit.support.models import Status as TicketStatus
from saveit.support.tests.factories import make_contract
from saveit.testing.catalog_setup import new_module, submitted
from saveit.testing.factories import make_engagement, make_member, signed_in
from saveit.web.inbox import counts_for, request_counts

pytestmark = pytest.mark.django_db


def _message(name: str) -> str:
    """A check's message of the gate table, in French as the page shows it."""
    check = next(c for checks in GATES.values() for c in checks if c.name == name)
    with translation.override("fr"):
        return str(check.message)


def _issued_note(client_org, pm, owner):
    """An engagement in phase 0 whose scoping note waits for the owner's signature."""
    engagement = make_engagement(client_org, pm, title="Hygiène des vestiaires")
    engagement_services.record_interview(
        engagement=engagement,
        by=pm,
        held_on=dt.date(2026, 11, 2),
        participants="Claire Dubois",
        notes="Former les agents.",
    )
    engagement_services.save_scoping_note(
        engagement=engagement,
        by=pm,
        objectives="Maîtriser les procédures.",
        scope="Site de Lyon",
        constraints="Aucune.",
        expectations="Attestation.",
        planning="Janvier 2027",
    )
    note = engagement_services.issue_scoping_note(engagement=engagement, by=pm)
    return engagement, note


def _badge(html: str, url: str) -> int:
    """The count shown beside a navigation entry (0: no badge)."""
    nav = re.search(r'<nav class="sidenav".*?</nav>', html, re.S)
    assert nav
    match = re.search(
        rf'<a href="{re.escape(url)}"[^>]*>[^<]*<span class="nav-count">(\d+)', nav.group(0)
    )
    return int(match.group(1)) if match else 0


def _signature_counts(member) -> tuple[int, int]:
    counts = counts_for(member)
    return counts["web:home"], counts["engagements:to_sign"]


def _items(response, code: str) -> list:
    for section in response.context["sections"]:
        if section.source.code == code:
            return section.items
    return []


def test_the_owner_sees_signatures_and_module_reviews_with_the_gates_reasons(
    client_org, pm, owner, in_production
):
    engagement, note = _issued_note(client_org, pm, owner)
    version = submitted(new_module(in_production, pm), pm)
    assert _items(signed_in(owner).get(reverse("web:home")), "reviews") == []  # not yet: phase 3
    workflow.advance_phase(engagement=in_production, by=pm)  # phase 4: the client reviews

    response = signed_in(owner).get(reverse("web:home"))
    html = response.content.decode()

    (sign,) = _items(response, "signatures")
    # Straight to the page where it is read and signed, as the « À signer » list does.
    assert sign.url == reverse("engagements:read_and_sign", args=[engagement.pk, note.document_id])
    assert sign.reason == _message("scoping_note_signed")
    assert sign.engagement == engagement
    (review,) = _items(response, "reviews")
    assert review.url == reverse("catalog:preview", args=[version.pk])
    assert review.reason == _message("modules_approved")
    # One click to act: both links are on the page, with their reasons.
    assert f'href="{sign.url}"' in html and f'href="{review.url}"' in html
    assert escape(_message("scoping_note_signed")) in html
    # The badges: 2 things wait, 1 of them a signature.
    assert _badge(html, reverse("web:home")) == 2
    assert _badge(html, reverse("engagements:to_sign")) == 1


def test_once_signed_the_document_leaves_the_inbox_and_its_badge(client_org, pm, owner):
    from saveit.testing.engagement_setup import sign

    _, note = _issued_note(client_org, pm, owner)
    assert _signature_counts(owner) == (1, 1)
    sign(note, owner)
    assert _signature_counts(owner) == (0, 0)
    response = signed_in(owner).get(reverse("web:home"))
    assert _items(response, "signatures") == []
    assert 'data-inbox="empty"' in response.content.decode()


def test_a_new_revision_replaces_the_old_one_in_the_count(client_org, pm, owner):
    engagement, _ = _issued_note(client_org, pm, owner)
    engagement_services.save_scoping_note(
        engagement=engagement,
        by=pm,
        objectives="Maîtriser les procédures, révisé.",
        scope="Site de Lyon",
        constraints="Aucune.",
        expectations="Attestation.",
        planning="Février 2027",
    )
    engagement_services.issue_scoping_note(engagement=engagement, by=pm)  # revision 2
    assert counts_for(owner)["engagements:to_sign"] == 1
    response = signed_in(owner).get(reverse("web:home"))
    assert len(_items(response, "signatures")) == 1


def test_staff_see_what_each_engagement_waits_for_and_from_whom(client_org, pm, owner):
    waiting_client, _ = _issued_note(client_org, pm, owner)
    waiting_us = make_engagement(client_org, pm, title="Nouvelle demande")

    response = signed_in(pm).get(reverse("web:home"))
    waits = {w.engagement.pk: w for w in response.context["waits"]}
    assert waits[waiting_client.pk].who == "client"
    assert not waits[waiting_client.pk].mine
    assert waits[waiting_client.pk].reason == _message("scoping_note_signed")
    assert waits[waiting_us.pk].who == "provider" and waits[waiting_us.pk].mine
    assert waits[waiting_us.pk].reason == _message("scoping_interview_recorded")
    html = response.content.decode()
    assert html.index(waiting_client.reference) < html.index(waiting_us.reference) or (
        waits[waiting_client.pk].since == waits[waiting_us.pk].since
    )
    # Staff see the engagements' waits; nothing of their own waits (no badge).
    assert _badge(html, reverse("web:home")) == 0


def test_the_client_sees_that_an_unissued_note_waits_for_the_provider(client_org, pm, owner):
    engagement = make_engagement(client_org, pm)
    engagement_services.record_interview(
        engagement=engagement, by=pm, held_on=dt.date(2026, 11, 2), participants="A", notes="B"
    )
    (wait,) = signed_in(owner).get(reverse("web:home")).context["waits"]
    assert wait.who == "provider" and not wait.mine
    assert wait.reason.startswith(_message("scoping_note_signed"))


def test_the_designer_sees_versions_returned_by_the_client(pm, owner, designer, in_production):
    version = submitted(new_module(in_production, pm), pm)
    workflow.advance_phase(engagement=in_production, by=pm)
    request_changes(version=version, by=owner, reason="Le vocabulaire est à revoir.")

    response = signed_in(designer).get(reverse("web:home"))
    (fix,) = _items(response, "returned")
    assert fix.url == reverse("catalog:version", args=[version.pk])
    assert _badge(response.content.decode(), reverse("web:home")) == 1


def test_support_agents_see_tickets_by_sla_deadline_and_clients_those_awaiting_them(
    client_org, owner, provider
):
    agent = make_member(provider, Role.SUPPORT_AGENT)
    contract = make_contract(client_org)
    now = timezone.now()
    kw = {"contract": contract, "by": owner, "description": "y", "type": "incident"}
    minor = support_services.open_ticket(title="Lenteur", severity="S3", at=now, **kw)
    blocking = support_services.open_ticket(title="Panne", severity="S1", at=now, **kw)

    response = signed_in(agent).get(reverse("web:home"))
    items = _items(response, "tickets")
    assert {i.url for i in items} == {
        reverse("support:ticket", args=[t.pk]) for t in (minor, blocking)
    }
    dues = [i.due for i in items]
    assert all(dues)
    assert dues == sorted(dues)  # the least time left first
    html = response.content.decode()
    assert _badge(html, reverse("web:home")) == 2
    assert _badge(html, reverse("support:tickets")) == 2
    # The agent's frame: the ticket queue comes right after the inbox.
    nav = [str(e["url"]) for e in response.context["navigation"]]
    assert nav[:2] == [reverse("web:home"), reverse("support:tickets")]

    # The client has nothing to answer until the agent waits for it.
    assert _items(signed_in(owner).get(reverse("web:home")), "tickets") == []
    support_services.change_status(ticket=minor, to=TicketStatus.ACKNOWLEDGED, by=agent)
    support_services.change_status(ticket=minor, to=TicketStatus.WAITING, by=agent)
    (item,) = _items(signed_in(owner).get(reverse("web:home")), "tickets")
    assert item.url == reverse("support:ticket", args=[minor.pk])


def test_quality_managers_see_open_complaints_first(provider, client_org, quality_manager):
    complaint = complaints.file_complaint(
        provider=provider,
        kind="complaint",
        party="client",
        name="Claire Dupont",
        email="claire@example.fr",
        subject="Vidéo interrompue",
        description="La vidéo s'arrête.",
        client=client_org,
    )
    response = signed_in(quality_manager).get(reverse("web:home"))
    assert response.context["sections"][0].source.code == "complaints"
    (item,) = _items(response, "complaints")
    assert item.url == reverse("quality:complaint", args=[complaint.pk])
    html = response.content.decode()
    assert complaint.number in html
    assert _badge(html, reverse("web:home")) == 1
    assert _badge(html, reverse("quality:home")) == 1
    assert reverse("quality:binder") in html  # the quality manager's frame


def test_the_auditor_sees_when_the_access_ends_and_a_warning_in_the_last_days(auditor):
    Membership.objects.filter(pk=auditor.pk).update(
        expires_at=timezone.make_aware(dt.datetime(2027, 1, 7, 18, 0))
    )
    html = signed_in(auditor).get(reverse("web:home")).content.decode()
    assert "7 janvier 2027" in html
    assert "is-soon" not in html and "alert-warn access-ends" in html

    Membership.objects.filter(pk=auditor.pk).update(
        expires_at=timezone.now() + dt.timedelta(days=2, hours=1)
    )
    html = signed_in(auditor).get(reverse("web:home")).content.decode()
    assert "access-card is-soon" in html
    assert "alert-error access-ends" in html


def test_another_tenants_items_never_appear(client_org, other_org, pm, owner, outsider):
    _issued_note(client_org, pm, owner)
    other_owner = make_member(other_org, Role.CLIENT_OWNER)
    response = signed_in(other_owner).get(reverse("web:home"))
    assert response.context["sections"] == []
    assert response.context["waits"] == []
    assert _signature_counts(other_owner) == (0, 0)


def test_learners_keep_their_trainings_as_home_and_cost_no_count(learner):
    response = signed_in(learner).get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:my_trainings")
    with CaptureQueriesContext(connection) as queries:
        assert counts_for(learner) == {}
    assert len(queries) == 0


def test_the_badges_cost_a_few_queries_once_per_request(client_org, pm, owner, rf):
    _issued_note(client_org, pm, owner)
    request = rf.get("/")
    request.member = owner
    with CaptureQueriesContext(connection) as queries:
        first = request_counts(request)
    assert first["engagements:to_sign"] == 1
    assert len(queries) <= 6, [q["sql"] for q in queries.captured_queries]
    with CaptureQueriesContext(connection) as again:
        assert request_counts(request) is first
    assert len(again) == 0


def test_the_quality_manager_sees_open_actions_and_the_audits_ahead(provider, quality_manager):
    from saveit.quality import audits
    from saveit.quality.models import Framework, ImprovementAction

    today = timezone.localdate()

    def action(title, due_on, status=None):
        made = complaints.open_action(
            provider=provider, title=title, cause="other", owner=quality_manager,
            due_on=due_on, by=quality_manager,
        )  # fmt: skip
        if status:
            ImprovementAction.objects.filter(pk=made.pk).update(status=status)
        return made

    late = action("Relire les supports", today - dt.timedelta(days=2))
    action("Former les formateurs", today + dt.timedelta(days=20))
    action("Déjà fait", today + dt.timedelta(days=5), ImprovementAction.Status.DONE)
    qualiopi = Framework.objects.get(code="qualiopi")
    for days in (30, 200, -10):  # within 90 days, too far, past
        audits.record_audit(
            provider=provider, framework=qualiopi, kind="surveillance", body="AFNOR",
            held_on=today + dt.timedelta(days=days), decision_on=None, by=quality_manager,
        )  # fmt: skip
    response = signed_in(quality_manager).get(reverse("web:home"))
    actions = _items(response, "actions")
    assert [a.title.split(" · ")[1] for a in actions] == [
        "Relire les supports",
        "Former les formateurs",
    ]
    assert actions[0].late and not actions[1].late and actions[0].title.startswith(late.number)
    (ahead,) = _items(response, "audits")
    assert ahead.due == today + dt.timedelta(days=30)
