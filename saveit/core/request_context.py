"""Where a write comes from (IP, user agent), set once per request for the audit trail."""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str = ""


_NO_ORIGIN = Origin()
_current: contextvars.ContextVar[Origin] = contextvars.ContextVar("origin", default=_NO_ORIGIN)


def current_origin() -> Origin:
    return _current.get()


def set_origin(origin: Origin) -> contextvars.Token[Origin]:
    return _current.set(origin)


def reset_origin(token: contextvars.Token[Origin]) -> None:
    _current.reset(token)


def normalise_ip(value: str | None) -> str | None:
    """One spelling per address, so that what PostgreSQL's inet returns hashes the same."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        return None


def origin_from_request(request) -> Origin:
    # Behind a reverse proxy, REMOTE_ADDR is set from X-Forwarded-For by the proxy's own
    # configuration (gunicorn --forwarded-allow-ips); we never trust the header directly.
    return Origin(
        ip=normalise_ip(request.META.get("REMOTE_ADDR")),
        user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:400],
    )
