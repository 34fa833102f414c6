"""The restore check's pieces that need no PostgreSQL server to be tested."""

from __future__ import annotations

import dj_database_url

from saveit.core.backup import restored_database_url


def test_the_restored_database_url_keeps_a_password_with_url_characters_intact():
    params = {"USER": "save it", "PASSWORD": "p@ss:w/rd?#%", "HOST": "db.internal", "PORT": 5433}
    parsed = dj_database_url.parse(restored_database_url(params, "saveit_restore_check"))
    assert (parsed["USER"], parsed["PASSWORD"]) == ("save it", "p@ss:w/rd?#%")
    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"]) == (
        "db.internal",
        5433,
        "saveit_restore_check",
    )


def test_the_restored_database_url_without_credentials_uses_the_local_server():
    url = restored_database_url({"USER": "", "PASSWORD": "", "HOST": "", "PORT": ""}, "copy")
    assert url == "postgres://127.0.0.1:5432/copy"
