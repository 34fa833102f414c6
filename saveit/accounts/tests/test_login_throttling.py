from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from saveit.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_even_for_the_right_password(learner):
    client = Client()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": learner.user.email, "password": "wrong-password-1"})
    locked = client.post(url, {"username": learner.user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert b"auth-card" in locked.content
    assert "_auth_user_id" not in client.session


def test_failures_on_one_account_do_not_lock_another(learner, owner):
    client = Client()
    url = reverse("accounts:login")
    for _ in range(5):
        client.post(url, {"username": learner.user.email, "password": "wrong-password-1"})
    ok = client.post(url, {"username": owner.user.email, "password": PASSWORD})
    assert ok.status_code == 302
