"""Compile every gettext catalogue (.po → .mo) with polib, so no GNU gettext is needed."""

from __future__ import annotations

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    count = 0
    for po_path in sorted((ROOT / "saveit").rglob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    print(f"compiled {count} catalogue(s)")


if __name__ == "__main__":
    main()
