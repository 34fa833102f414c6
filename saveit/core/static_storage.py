"""Static files as whitenoise serves them (compressed, names with their content hash), with each
file's address kept once asked.

The manifest is read once per process and does not change while it runs, so neither does the
address of a file: finding it again (the manifest lookup, the URL quoting and joining) cost every
page ~0.2 ms for its four static addresses (issue 22). At most `KEPT` addresses are kept.
"""

from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

KEPT = 1024


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = super().url(name)  # a file missing from the manifest raises, and is not kept
            if len(self._urls) < KEPT:
                self._urls[name] = url
        return url
