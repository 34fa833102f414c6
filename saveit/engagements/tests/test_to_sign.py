""" "À signer" lists only what a client owner can still usefully sign."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.engagements import selectors, services
from saveit.engagements.models import Engagement, ScopingNote
from saveit.engagements.permissions import engagements_visible_to
from saveit.testing.engagement_setup import sign
from saveit.testing.factories import make_member, signed_in

pytestmark = pytest.mark.django_db


def _issued_note(engagement, pm):
    services.record_interview(
        engagement=engagement, by=pm, held_on=date(2026, 11, 2), participants="A", notes="B"
    )
    services.save_scoping_note(engagement=engagement, by=pm, objectives="O", scope="Lyon")
    return services.issue_scoping_note(engagement=engagement, by=pm)


def _to_sign(member) -> list[int]:
    """What awaits the member's signature; the side menu's cheap count (a prepared query) must
    see the same documents."""
    items = selectors.awaiting_signature(member, engagements_visible_to(member))
    found = [item.document.pk for item in items]
    assert sorted(d.pk for d in selectors.documents_to_sign(member)) == sorted(found)
    return found


def test_an_issued_note_awaits_the_owners_signature(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    assert _to_sign(owner) == [note.document_id]
    html = signed_in(owner).get(reverse("engagements:to_sign")).content.decode()
    assert reverse("engagements:read_and_sign", args=[engagement.pk, note.document_id]) in html


def test_a_note_signed_by_another_owner_no_longer_awaits_a_signature(
    engagement, pm, owner, client_org
):
    note = _issued_note(engagement, pm)
    colleague = make_member(client_org, Role.CLIENT_OWNER)
    sign(note, colleague)
    assert _to_sign(owner) == []
    assert _to_sign(colleague) == []


def test_an_artefact_altered_after_issue_is_not_offered_for_signature(engagement, pm, owner):
    note = _issued_note(engagement, pm)
    ScopingNote.objects.filter(pk=note.pk).update(objectives="Autre chose")
    assert selectors.awaiting_signature(owner, engagements_visible_to(owner)) == []
    # the one case the cheap count cannot see (a content hash): it still counts the document
    assert [d.pk for d in selectors.documents_to_sign(owner)] == [note.document_id]


def test_what_the_member_signed_is_no_longer_counted(engagement, pm, owner, client_org):
    note = _issued_note(engagement, pm)
    manager = make_member(client_org, Role.CLIENT_MANAGER)
    sign(note, owner)
    assert _to_sign(owner) == [] and _to_sign(manager) == []


def test_nothing_of_a_closed_engagement_awaits_a_signature(engagement, pm, owner):
    _issued_note(engagement, pm)
    Engagement.objects.filter(pk=engagement.pk).update(closed_at=timezone.now())
    assert _to_sign(owner) == []


def test_a_signature_from_an_incomplete_page_is_summed_up_and_nothing_is_signed(
    engagement, pm, owner
):
    import re

    note = _issued_note(engagement, pm)
    url = reverse("engagements:read_and_sign", args=[engagement.pk, note.document_id])
    response = signed_in(owner).post(url, {"intent": "Lu et approuvé", "password": ""})
    assert response.status_code == 400
    html = response.content.decode()
    summary = html[html.index("data-error-summary") :]
    assert "La page était incomplète : rechargez-la avant de signer." in summary
    assert '<a href="#id_password">' in summary
    password = re.search(r'<input[^>]*name="password"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in password
    assert 'aria-describedby="id_password_helptext id_password_error"' in password
    assert 'id="id_password_helptext"' in html and 'id="id_password_error"' in html
    assert "Lu et approuvé" in html  # what was typed is kept
    assert note.document.signatures.count() == 0
