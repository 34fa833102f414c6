"""Signing's re-authentication cannot be guessed: the sixth try, even right, is refused."""

from __future__ import annotations

import pytest

from saveit.audit import services
from saveit.audit.models import Signature
from saveit.core.errors import Refusal
from saveit.testing.factories import PASSWORD, make_document, signed_in

pytestmark = pytest.mark.django_db
INTENT = "I have read this document and I approve it."


def test_five_wrong_passwords_lock_signing_even_with_the_right_one(owner):
    document = make_document(owner)
    for _ in range(5):
        with pytest.raises(Refusal) as wrong:
            services.sign_document(document=document, by=owner, intent=INTENT, password="nope")
        assert wrong.value.code == "reauth_failed"
    with pytest.raises(Refusal) as locked:
        services.sign_document(document=document, by=owner, intent=INTENT, password=PASSWORD)
    assert locked.value.code == "reauth_locked"
    assert not Signature.objects.exists()


def test_the_signing_page_explains_the_lock_in_french(owner):
    document = make_document(owner)
    browser = signed_in(owner)
    url = f"/audit/documents/{document.pk}/signer/"
    for _ in range(5):
        browser.post(url, {"intent": INTENT, "password": "nope"})
    response = browser.post(url, {"intent": INTENT, "password": PASSWORD})
    assert response.status_code == 409
    assert "Trop de tentatives" in response.content.decode()
    assert not Signature.objects.exists()
