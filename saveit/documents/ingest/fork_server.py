"""Imported only by the fork server of `isolated`: Django and every parser loaded once, so each
child forked from it starts ready to parse (never imported by the web process itself)."""

from __future__ import annotations

import django
from django.apps import apps

from . import PARSERS, _parser, isolated

if not apps.ready:
    django.setup()

for _kind in PARSERS:
    _parser(_kind)

__all__ = ["isolated"]  # the children's target lives there
