"""Rendered HTML kept per process, for pieces of a page that depend on nothing that can change.

A key must name every input of the piece by value (a content hash, the drawn questions, the
language…), never by a row id alone: an id can come back with other content (a restored
backup, a test database), a hash cannot. Nothing personal beyond what the key holds is kept,
and a process keeps at most `size` pieces, dropping the least recently used (issue 22: the
question list was a quarter of the assessment page's CPU).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.utils.safestring import SafeString, mark_safe


class Fragments:
    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, SafeString] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, key: Hashable, render: Callable[[], str]) -> SafeString:
        """The piece kept under `key`, rendered (and kept) the first time."""
        with self._lock:
            html = self._kept.get(key)
            if html is not None:
                self._kept.move_to_end(key)
                return html
        html = mark_safe(render())  # noqa: S308 - a rendered template, escaped by it
        with self._lock:
            self._kept[key] = html
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
