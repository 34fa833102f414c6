"""Lesson text is edited in a visual editor, cleaned on the server; refused forms keep the text.

The editor (django-prose-editor) offers exactly the tags the sanitiser keeps, loads from static
files only (no inline script: the CSP forbids it), and a forged POST is still cleaned. The
question editor shows each question as the learner's assessment page draws it.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

from saveit.audit.models import AuditEvent
from saveit.testing.catalog_setup import new_module
from saveit.testing.factories import signed_in

from ..models import Block
from ..richtext import EDITOR_JS, EXTENSIONS, MENU_LABELS
from ..sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(in_production, designer_member):
    return new_module(in_production, designer_member)


def _page(browser, version) -> str:
    return browser.get(reverse("catalog:version", args=[version.pk])).content.decode()


def test_the_editor_offers_exactly_the_tags_the_sanitiser_keeps():
    allowed = allowlist_from_extensions(expand_extensions(EXTENSIONS))
    assert set(allowed["tags"]) == ALLOWED_TAGS
    # every attribute the editor writes is kept, but for the link's rel (set by the sanitiser)
    # and the list's type markers (no meaning without a stylesheet of theirs)
    for tag, attributes in allowed["attributes"].items():
        dropped = set(attributes) - ALLOWED_ATTRIBUTES.get(tag, set())
        assert dropped <= {"rel", "type", "data-type"}, (tag, dropped)
    assert "HTML" not in EXTENSIONS  # nobody edits markup


def test_the_editor_page_loads_the_editor_from_static_files_only(draft, designer_member):
    page = _page(signed_in(designer_member), draft)
    assert "data-django-prose-editor-configurable" in page
    assert re.search(rf'<script[^>]+src="[^"]*{EDITOR_JS.replace(".js", "")}[^"]*"', page)
    assert "django_prose_editor/editor" in page  # its stylesheet
    assert 'type="importmap"' not in page  # an inline script the CSP would block
    for script in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S):
        assert 'src="' in script[0] and not script[1].strip(), script


def test_a_forged_post_with_a_script_or_a_handler_is_cleaned(draft, designer_member):
    browser = signed_in(designer_member)
    block = draft.lessons.first().blocks.filter(kind="text").first()
    forged = (
        '<h3 onclick="steal()">Zones</h3><script>alert(1)</script>'
        '<p style="color:red">Bien <strong>rincer</strong> &amp; <a href="javascript:x()">ici</a>'
        '<img src=x onerror="alert(2)"></p>'
    )
    url = reverse("catalog:block_edit", args=[draft.pk, block.pk])
    response = browser.post(url, {f"b{block.pk}-html": forged})
    assert response.status_code == 302
    html = Block.objects.get(pk=block.pk).html
    assert "<h3>Zones</h3>" in html and "<strong>rincer</strong>" in html and "&amp;" in html
    for bad in ("script", "onclick", "onerror", "style", "javascript", "<img", "alert"):
        assert bad not in html, bad


def test_a_text_added_through_the_page_is_cleaned_too(draft, designer_member):
    browser = signed_in(designer_member)
    lesson = draft.lessons.first()
    url = reverse("catalog:block_add", args=[draft.pk, lesson.pk])
    browser.post(url, {"kind": "text", "html": '<p onmouseover="x()">Gants</p><script>1</script>'})
    added = lesson.blocks.order_by("-pk").first()
    assert added.html == "<p>Gants</p>"


def test_a_refused_block_is_shown_again_with_the_error_summary_and_what_was_typed(
    draft, designer_member
):
    browser = signed_in(designer_member)
    lesson = draft.lessons.first()
    events = AuditEvent.objects.count()
    url = reverse("catalog:block_add", args=[draft.pk, lesson.pk])
    response = browser.post(url, {"kind": "video", "url": "pas une adresse", "html": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "data-error-summary" in page and f'href="#l{lesson.pk}-url"' in page
    assert 'value="pas une adresse"' in page  # what was typed is still there
    assert 'aria-invalid="true"' in page and f'aria-describedby="l{lesson.pk}-url_error"' in page
    assert f'id="l{lesson.pk}-url_error"' in page
    assert AuditEvent.objects.count() == events


def test_a_refused_question_keeps_its_text(draft, designer_member):
    browser = signed_in(designer_member)
    body = {"kind": "single", "prompt": "Qui valide le nettoyage ?", "choices": "Le chef\nLe stagiaire",
            "correct": "un", "source_anchors": []}  # fmt: skip
    response = browser.post(reverse("catalog:item_add", args=[draft.pk]), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Qui valide le nettoyage ?" in page and "Le stagiaire" in page
    assert "data-error-summary" in page


def test_each_question_is_shown_as_the_learner_sees_it(draft, designer_member):
    item = draft.items.filter(kind__in=["single", "true_false"]).first()
    page = _page(signed_in(designer_member), draft)
    preview = page[page.index(f'id="learner-view-{item.pk}"') :]
    preview = preview[: preview.index("</section>")]
    assert '<fieldset class="card question"' in preview and item.prompt in preview
    for choice in item.choices:
        assert choice in preview
    assert preview.count('type="radio"') == len(item.choices)


def test_the_editor_dialogs_speak_french(client):
    """django-prose-editor labels its dialogs through window.gettext: the catalogue served
    before the editor carries its French."""
    from django.urls import reverse

    from saveit.catalog.richtext import RichTextWidget

    url = reverse("core:javascript_catalog")
    assert url in str(RichTextWidget().media)
    body = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Ouvrir dans une nouvelle fen" in body or "nouvelle fen\\u00eatre" in body


def test_the_editor_menu_is_named_in_french(draft, designer_member):
    """The package names its menu items in English, hard-coded: the configuration each editor
    carries gives our module the French names (one for every heading level it offers)."""
    page = _page(signed_in(designer_member), draft)
    found = re.search(r'data-django-prose-editor-configurable="([^"]*)"', page)
    assert found
    labels = json.loads(html.unescape(found.group(1)))["labels"]
    assert labels["bold"] == "Gras" and labels["history:undo"] == "Annuler"
    assert labels["table:deleteTable"] == "Supprimer le tableau"
    for level in EXTENSIONS["Heading"]["levels"]:
        assert labels[f"heading{level}"] in {"Titre", "Sous-titre"}
    assert set(labels) == set(MENU_LABELS)
