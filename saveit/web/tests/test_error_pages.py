"""403, 404 and 500: French pages with a way home; the API keeps answering JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from saveit.testing.factories import signed_in
from saveit.web import views_errors

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_an_unknown_page_answers_a_french_404_with_a_link_home(owner):
    response = signed_in(owner).get("/cette-page-n-existe-pas/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Cette page est introuvable" in page and "Not Found" not in page
    assert f'href="{reverse("web:home")}"' in page and "Retour à mon accueil" in page
    assert '<html lang="fr">' in page and 'name="viewport"' in page


@override_settings(DEBUG=False)
def test_an_anonymous_visitor_gets_the_same_french_404():
    response = Client().get("/nulle-part/")
    assert response.status_code == 404 and "Cette page est introuvable" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_api_route_still_answers_json():
    response = Client().get("/api/v1/nulle-part", HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"


def test_the_403_page_is_french_with_a_way_back():
    request = RequestFactory().get("/missions/1/")
    with translation.override("fr"):
        response = views_errors.permission_denied(request, PermissionError())
    page = response.content.decode()
    assert response.status_code == 403 and "Votre rôle actuel ne permet pas" in page
    assert f'href="{reverse("web:home")}"' in page


def test_the_api_403_is_json():
    response = views_errors.permission_denied(RequestFactory().get("/api/v1/x"), None)
    assert response.status_code == 403 and b'"code": "forbidden"' in response.content


def test_the_500_page_needs_no_database_and_is_french():
    request = RequestFactory().get("/missions/")
    with translation.override("fr"), CaptureQueriesContext(connection) as queries:
        response = views_errors.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and len(queries) == 0
    assert "Un problème est survenu de notre côté" in page and "Retour à mon accueil" in page
    api = views_errors.server_error(RequestFactory().get("/api/v1/engagements"))
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
