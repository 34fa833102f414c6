"""A refused review comment comes back in its own box (lesson or question): summed up at the top
of that box, the textarea marked and described, what was typed kept, nothing recorded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from saveit.testing.catalog_setup import new_module, ready
from saveit.testing.factories import signed_in

from .. import services
from ..models import ReviewComment

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(in_production, designer_member):
    version = ready(new_module(in_production, designer_member), designer_member)
    return services.submit_version(version=version, by=designer_member)


def test_a_too_long_comment_is_refused_in_its_box_with_the_text_kept(submitted, owner):
    item_key = submitted.snapshot["items"][0]["key"]
    text = "Trop long. " * 500  # 5 500 characters
    response = signed_in(owner).post(
        reverse("catalog:comment", args=[submitted.pk]), {"body": text, "item_key": item_key}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("data-error-summary") == 1
    box = html[html.index(f'id="{item_key}"') :]
    summary = box[
        box.index("data-error-summary") : box.index("</div>", box.index("data-error-summary"))
    ]
    assert "Ce formulaire contient 1 erreur à corriger" in summary
    assert f'<a href="#c-{item_key}-body">Commentaire : ' in summary and "5000" in summary
    textarea = re.search(r"<textarea[^>]*>", box).group(0)
    assert f'id="c-{item_key}-body"' in textarea and 'aria-invalid="true"' in textarea
    assert f'aria-describedby="c-{item_key}-body_error"' in textarea
    assert f'<div id="c-{item_key}-body_error"><p class="error">' in box
    assert text.strip() in box  # what was typed is kept
    assert not ReviewComment.objects.exists()
    # The other boxes stay empty and unmarked.
    others = re.findall(r"<textarea[^>]*>", html[: html.index(f'id="{item_key}"')])
    assert others and all("aria-invalid" not in t for t in others)


def test_an_empty_comment_is_summed_up_in_the_lesson_box(submitted, owner):
    lesson_key = submitted.snapshot["lessons"][0]["key"]
    response = signed_in(owner).post(
        reverse("catalog:comment", args=[submitted.pk]), {"body": "  ", "lesson_key": lesson_key}
    )
    assert response.status_code == 400
    html = response.content.decode()
    box = html[html.index(f'id="{lesson_key}"') :]
    assert "data-error-summary" in box and '<details open><summary class="small">' in box
    assert f'<a href="#c-{lesson_key}-body">Commentaire : Ce champ est obligatoire.</a>' in box
    assert not ReviewComment.objects.exists()
