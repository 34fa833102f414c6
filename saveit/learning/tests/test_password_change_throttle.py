"""The current password asked at a change cannot be guessed: five wrong ones lock the change."""

from __future__ import annotations

import pytest

from saveit.audit.models import AuditEvent
from saveit.testing.factories import PASSWORD, signed_in

pytestmark = pytest.mark.django_db
NEW = "Paillasse-propre-2027"
URL = "/mes-formations/mot-de-passe/"


def test_five_wrong_current_passwords_lock_the_change_even_with_the_right_one(learner):
    browser = signed_in(learner)
    for n in range(5):
        browser.post(URL, {"current_password": f"guess-{n}", "password": NEW, "confirm": NEW})
    locked = browser.post(URL, {"current_password": PASSWORD, "password": NEW, "confirm": NEW})
    assert locked.status_code == 200
    assert "Trop de tentatives" in locked.content.decode()
    learner.user.refresh_from_db()
    assert learner.user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="user.reauth_locked").count() == 1
    assert not AuditEvent.objects.filter(action="user.password_set").exists()
