"""The second-factor page follows `next` only to a path of this site, whatever is typed."""

from __future__ import annotations

import pytest

from saveit.testing.factories import signed_in


@pytest.mark.parametrize("target", ["foo", "accounts:security", "foo.bar", "//evil.test/x"])
def test_a_next_that_is_not_a_local_path_sends_a_verified_user_home(staff_admin, target):
    response = signed_in(staff_admin).get("/comptes/2fa/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_local_path_in_next_is_followed(staff_admin):
    response = signed_in(staff_admin).get("/comptes/2fa/", {"next": "/comptes/securite/"})
    assert response.status_code == 302
    assert response["Location"] == "/comptes/securite/"
