import re
from pathlib import Path

from saveit.audit.labels import ACTION_LABELS

ROOT = Path(__file__).resolve().parents[2]


def _action_codes_written_by_services() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts:
            continue
        for line in re.findall(r"action=([^\n]+)", path.read_text()):
            codes.update(re.findall(r'"([a-z_]+\.[a-z_]+)"', line))
    return codes


def test_every_audited_action_has_a_readable_label():
    codes = _action_codes_written_by_services()
    assert {"document.signed", "membership.deactivated", "invitation.sent"} <= codes
    missing = sorted(codes - set(ACTION_LABELS))
    assert not missing, f"add labels in saveit/audit/labels.py for {missing}"
