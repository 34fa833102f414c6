"""The header is rendered once per language and set of memberships shown, and shared (issue 22):
each person still gets their own name, address to come back to and a CSRF token that works."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from saveit.accounts.models import User
from saveit.accounts.roles import Role
from saveit.testing.factories import make_member, make_organization, signed_in
from saveit.web.templatetags.navigation import TOPBARS

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _header(html: str) -> str:
    return html[html.index('<header class="topbar">') : html.index("</header>")]


def _named(member, first: str, last: str):
    User.objects.filter(pk=member.user_id).update(first_name=first, last_name=last)
    return member


def test_two_people_share_one_header_each_with_their_own_values():
    TOPBARS.clear()
    organization = make_organization("Hélios & fils")
    ines = _named(make_member(organization, Role.CLIENT_OWNER), "Inès", "<b>Roy</b>")
    paul = _named(make_member(organization, Role.CLIENT_OWNER), "Paul", "Martin")
    path = reverse("accounts:security") + "?retour=1&onglet=2"
    pages = {}
    for member in (ines, paul):
        client = signed_in(member)
        client.handler.enforce_csrf_checks = True
        response = client.get(path)
        assert response.status_code == 200
        pages[member.pk] = (client, _header(response.content.decode()))
    assert len(TOPBARS._kept) == 1  # one render, shared
    ines_header, paul_header = pages[ines.pk][1], pages[paul.pk][1]
    assert "Inès &lt;b&gt;Roy&lt;/b&gt;" in ines_header and "Paul" not in ines_header
    assert "Paul Martin" in paul_header and "Inès" not in paul_header
    assert "Hélios &amp; fils" in ines_header
    next_path = '<input type="hidden" name="next" value="/'
    assert next_path in ines_header and "?retour=1&amp;onglet=2" in ines_header
    assert "\x1e" not in ines_header + paul_header  # no mark left behind
    # each header's token is the person's own: sign-out works with it, not with the other's
    client, header = pages[paul.pk]
    others = TOKEN.findall(ines_header)[0]
    refused = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": others})
    assert refused.status_code == 403
    tokens = TOKEN.findall(header)
    assert len(tokens) == 2  # language and sign-out forms
    signed_out = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": tokens[-1]})
    assert signed_out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_other_memberships_give_another_header_with_the_switcher():
    TOPBARS.clear()
    first = make_organization("Alpha")
    single = make_member(first, Role.CLIENT_OWNER, email="seul@example.test")
    make_member(first, Role.CLIENT_OWNER, email="deux@example.test")
    double = make_member(first, Role.CLIENT_MANAGER, email="deux@example.test")
    path = reverse("accounts:security")
    one = _header(signed_in(single).get(path).content.decode())
    two = _header(signed_in(double).get(path).content.decode())
    assert len(TOPBARS._kept) == 2
    assert 'class="org-pill"' in one and "switch-membership" not in one
    assert 'id="switch-membership"' in two and two.count("<option") == 2
    assert f'<option value="{double.pk}" selected>' in two
    assert len(TOKEN.findall(two)) == 3  # the switcher has its own form


def test_without_a_csrf_token_the_forms_carry_none():
    page = Template("{% load navigation %}{% topbar %}").render(Context({}))
    assert "csrfmiddlewaretoken" not in page and "\x1e" not in page
    assert 'name="next" value=""' in page
