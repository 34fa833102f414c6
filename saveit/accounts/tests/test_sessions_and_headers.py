"""Sessions and headers: pages of a signed-in user are never cached, provider staff are signed
out after a while without activity, production cookies carry the __Host- prefix."""

from __future__ import annotations

import importlib
import time

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from saveit.accounts.middleware import LAST_SEEN_SESSION_KEY, NoStoreForSignedInMiddleware
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db


def test_a_signed_in_page_is_never_stored_by_a_cache(manager):
    response = signed_in(manager).get(
        reverse("accounts:organization_detail", args=[manager.organization_id])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_view_s_own_cache_policy_is_kept(manager):
    request = RequestFactory().get("/")
    request.user = manager.user

    def view(_request):  # type: ignore[no-untyped-def]
        response = HttpResponse("public")
        response["Cache-Control"] = "public, max-age=60"
        return response

    assert NoStoreForSignedInMiddleware(view)(request)["Cache-Control"] == "public, max-age=60"


def test_a_public_page_of_an_anonymous_visitor_is_not_forced_to_no_store(db):
    from django.test import Client

    response = Client().get(reverse("accounts:password_reset"))
    assert "no-store" not in response.get("Cache-Control", "")


def _idle(client, minutes: float) -> None:  # type: ignore[no-untyped-def]
    session = client.session
    session[LAST_SEEN_SESSION_KEY] = time.time() - minutes * 60
    session.save()


def test_provider_staff_idle_for_31_minutes_must_sign_in_again(designer):
    client = signed_in(designer)
    assert client.get("/").status_code in (200, 302)
    _idle(client, 31)
    response = client.get(reverse("accounts:security"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/api/v1/me").status_code == 401


def test_provider_staff_active_within_30_minutes_stay_signed_in(designer):
    client = signed_in(designer)
    client.get("/")
    _idle(client, 29)
    assert client.get(reverse("accounts:security")).status_code == 200


def test_client_members_are_not_signed_out_after_30_minutes(manager):
    client = signed_in(manager)
    client.get("/")
    _idle(client, 45)
    assert client.get(reverse("accounts:security")).status_code == 200


def test_production_cookies_carry_the_host_prefix(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production = importlib.reload(importlib.import_module("config.settings.production"))
    assert production.SESSION_COOKIE_NAME.startswith("__Host-")
    assert production.CSRF_COOKIE_NAME.startswith("__Host-")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert getattr(production, "SESSION_COOKIE_DOMAIN", None) is None
    assert production.STAFF_IDLE_TIMEOUT_MINUTES == 30


def test_every_page_carries_the_browser_security_headers(manager):
    response = signed_in(manager).get(reverse("accounts:security"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_htmx_injects_no_inline_style_the_csp_would_refuse(manager):
    """htmx adds its indicator rules as an inline <style> unless told not to (app.css has them);
    the CSP keeps refusing inline styles."""
    response = signed_in(manager).get(reverse("accounts:security"))
    page = response.content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    assert "style-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_session_cookie_is_http_only_and_same_site(manager):
    from django.test import Client

    from saveit.testing.factories import PASSWORD

    client = Client()
    client.post(reverse("accounts:login"), {"username": manager.user.email, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
