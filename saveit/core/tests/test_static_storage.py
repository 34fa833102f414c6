"""Static addresses are kept once found, and the same as whitenoise's own storage gives."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from saveit.core import static_storage
from saveit.core.static_storage import StaticFilesStorage


def _storages(tmp_path):
    manifest = {
        "paths": {
            "saveit/app.css": "saveit/app.3f2a1b.css",
            "saveit/app.js": "saveit/app.9c8d7e.js",
        },
        "version": "1.1",
    }
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return (
        StaticFilesStorage(location=str(tmp_path), base_url="/static/"),
        CompressedManifestStaticFilesStorage(location=str(tmp_path), base_url="/static/"),
    )


@override_settings(DEBUG=False)
def test_addresses_are_whitenoises_and_kept(tmp_path, monkeypatch):
    ours, theirs = _storages(tmp_path)
    for name in ("saveit/app.css", "saveit/app.js"):
        assert ours.url(name) == theirs.url(name) == f"/static/{theirs.stored_name(name)}"
    assert ours.url("saveit/app.css") == "/static/saveit/app.3f2a1b.css"
    # kept: asked again, the manifest is not looked at
    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", lambda *a, **k: "changed")
    assert ours.url("saveit/app.css") == "/static/saveit/app.3f2a1b.css"


@override_settings(DEBUG=False)
def test_a_missing_file_still_fails_and_the_kept_addresses_are_bounded(tmp_path, monkeypatch):
    ours, _theirs = _storages(tmp_path)
    with pytest.raises(ValueError):
        ours.url("saveit/missing.css")
    assert "saveit/missing.css" not in ours._urls
    monkeypatch.setattr(static_storage, "KEPT", 1)
    ours.url("saveit/app.css")
    ours.url("saveit/app.js")
    assert list(ours._urls) == ["saveit/app.css"]
