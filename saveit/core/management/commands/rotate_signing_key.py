"""manage.py rotate_signing_key — a new installation key becomes current; the old one verifies.

What the old key signed (Open Badges credentials, evidence pack seals, audit chain checkpoints)
still verifies: its public half is kept in the retired keys folder and published in the JWK Set.
Take a backup (manage.py backup) right after: it must hold the new key.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand

from saveit.core import keys

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Make a new installation signing key current; keep the old public key for verification."

    def handle(self, *args: Any, **options: Any) -> None:
        retired, current = keys.rotate()
        logger.warning("installation signing key rotated: %s retired, %s current", retired, current)
        self.stdout.write(f"retired key: {retired} (public half kept in {keys.retired_dir()})")
        self.stdout.write(f"current key: {current} ({keys.key_path()})")
        self.stdout.write(
            "Back the keys up now (manage.py backup): the new key is in no backup yet."
        )
