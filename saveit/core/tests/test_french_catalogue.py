from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_message_of_the_french_catalogue_is_translated():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 300
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.django_db
def test_pages_speak_french_by_default_and_english_on_request():
    french = Client().get(reverse("accounts:login"))
    assert "Se connecter" in french.content.decode() and "Sign in" not in french.content.decode()
    browser_in_english = Client(headers={"Accept-Language": "en"}).get(reverse("accounts:login"))
    assert "Se connecter" in browser_in_english.content.decode()
    chooser = Client()
    chooser.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in chooser.get(reverse("accounts:login")).content.decode()
