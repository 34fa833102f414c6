"""The client asks for changes as soon as a version is submitted (phase 3), as the e-mail
"to review" invites them to; approving waits for phase 4, and the page says so."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from saveit.engagements.models import Phase
from saveit.testing.catalog_setup import new_module, submitted
from saveit.testing.factories import signed_in

from ..models import ModuleVersion

pytestmark = pytest.mark.django_db
Status = ModuleVersion.Status


@pytest.fixture
def in_review(in_production, designer_member):
    assert in_production.phase == Phase.PRODUCTION
    return submitted(new_module(in_production, designer_member), designer_member)


def test_the_client_asks_for_changes_in_phase_3_from_the_preview(
    in_review, owner, django_capture_on_commit_callbacks
):
    browser = signed_in(owner)
    page = browser.get(reverse("catalog:preview", args=[in_review.pk])).content.decode()
    ask = reverse("catalog:request_changes", args=[in_review.pk])
    assert f'action="{ask}"' in page
    assert f'action="{reverse("catalog:approve", args=[in_review.pk])}"' not in page
    assert "phase 4" in page  # says when approving opens
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(ask, {"reason": "Ajouter la tenue des gants."})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.CHANGES_REQUESTED
    assert in_review.comments.filter(body="Ajouter la tenue des gants.").exists()
    assert any("Ajouter la tenue des gants." in m.body for m in mail.outbox)  # the PM is told


def test_approving_in_phase_3_is_still_refused(in_review, owner):
    response = signed_in(owner).post(reverse("catalog:approve", args=[in_review.pk]))
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.SUBMITTED


def test_a_request_without_reason_is_shown_again_and_changes_nothing(in_review, owner):
    response = signed_in(owner).post(
        reverse("catalog:request_changes", args=[in_review.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Status.SUBMITTED


def test_a_refused_request_keeps_the_text_typed(in_review, owner):
    # Someone decided while the client was typing: refused, and the text is not lost.
    ModuleVersion.objects.filter(pk=in_review.pk).update(status=Status.CHANGES_REQUESTED)
    response = signed_in(owner).post(
        reverse("catalog:request_changes", args=[in_review.pk]),
        {"reason": "Préciser le rinçage."},
    )
    assert response.status_code == 409
    assert "Préciser le rinçage." in response.content.decode()


def test_the_designer_cannot_ask_for_changes_in_the_clients_place(in_review, designer_member):
    response = signed_in(designer_member).post(
        reverse("catalog:request_changes", args=[in_review.pk]), {"reason": "Moi aussi."}
    )
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Status.SUBMITTED
