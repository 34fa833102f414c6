from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_reset_link_by_e_mail_sets_a_new_password(owner):
    client = Client()
    client.post(reverse("accounts:password_reset"), {"email": owner.user.email})
    link = re.search(
        r"https?://\S+(/comptes/mot-de-passe/nouveau/\S+/)", mail.outbox[-1].body
    ).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    target = form.redirect_chain[-1][0] if form.redirect_chain else link
    client.post(
        target,
        {
            "new_password1": "nouveau-mot-de-passe-2026",
            "new_password2": "nouveau-mot-de-passe-2026",
        },
    )
    owner.user.refresh_from_db()
    assert owner.user.check_password("nouveau-mot-de-passe-2026")


def test_unknown_addresses_get_the_same_answer_and_no_mail(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert not mail.outbox
