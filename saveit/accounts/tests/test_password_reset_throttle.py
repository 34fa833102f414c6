"""Password-reset e-mails are rate-limited per address and per IP, with the same answer always."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("accounts:password_reset")


def _ask(email: str, ip: str = "203.0.113.9"):  # type: ignore[no-untyped-def]
    return Client(REMOTE_ADDR=ip).post(URL, {"email": email})


def test_an_address_gets_at_most_three_reset_e_mails_an_hour(owner):
    answers = [_ask(owner.user.email, ip=f"198.51.100.{n}") for n in range(5)]
    assert len(mail.outbox) == 3
    assert {a.status_code for a in answers} == {302}
    assert {a["Location"] for a in answers} == {reverse("accounts:password_reset_done")}


def test_one_address_asking_for_many_accounts_is_capped(owner, manager):
    for n in range(20):
        _ask(f"someone-{n}@nowhere.test")
    assert _ask(owner.user.email).status_code == 302
    assert not mail.outbox
    assert _ask(manager.user.email, ip="192.0.2.44").status_code == 302
    assert len(mail.outbox) == 1
