"""CI: fail when the code has a message that the French catalogue lacks (needs xgettext)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "saveit" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def main() -> int:
    if shutil.which("xgettext") is None:
        print("*** GNU gettext missing: the catalogue freshness check is SKIPPED ***")
        return 0
    saved = PO.read_bytes()
    try:
        subprocess.check_call([sys.executable, str(ROOT / "scripts" / "make_messages.py")])
        po = polib.pofile(str(PO))
        missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    finally:
        PO.write_bytes(saved)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
