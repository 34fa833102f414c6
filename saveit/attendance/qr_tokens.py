"""Rotating QR tokens of a half-day: the trainer's screen shows a new one every PERIOD seconds;
a token is accepted during its own period and the next one (so a scan just before a change
still signs). Computed (HMAC of the session's key), never stored."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

PERIOD_SECONDS = 60
VALID_PERIODS = 2


@dataclass(frozen=True)
class ParsedToken:
    slot_id: int
    window: int
    mac: str


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // PERIOD_SECONDS


def _mac(key: str, slot_id: int, window: int) -> str:
    message = f"{slot_id}.{window}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:24]


def make_token(key: str, slot_id: int, moment: datetime) -> str:
    window = window_of(moment)
    return f"{slot_id}.{window}.{_mac(key, slot_id, window)}"


def parse(token: str) -> ParsedToken | None:
    parts = (token or "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    if len(parts[2]) != 24:
        return None
    return ParsedToken(int(parts[0]), int(parts[1]), parts[2])


def is_authentic(key: str, parsed: ParsedToken) -> bool:
    return hmac.compare_digest(_mac(key, parsed.slot_id, parsed.window), parsed.mac)


def is_current(parsed: ParsedToken, moment: datetime) -> bool:
    now = window_of(moment)
    return now - VALID_PERIODS < parsed.window <= now


def seconds_left(moment: datetime) -> int:
    return PERIOD_SECONDS - int(moment.timestamp()) % PERIOD_SECONDS
