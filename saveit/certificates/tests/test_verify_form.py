"""The public verification form: any typed code gets an answer, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize("code", ["a/b", "../x", "a b", "%2F", "x" * 300])
def test_a_code_that_cannot_exist_answers_404_with_the_not_found_page(db, code):
    response = Client().get("/verify/", {"code": code})
    assert response.status_code == 404
    assert "Attestation inconnue." in response.content.decode()


def test_a_well_formed_code_is_sent_to_its_page(db):
    response = Client().get("/verify/", {"code": " abc-DEF_12 "})
    assert response.status_code == 302
    assert response["Location"] == "/verify/abc-DEF_12/"
