"""The clocks of one ticket, all through `clock.counted_minutes` / `clock.deadline`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .clock import counted_minutes, deadline
from .models import Status, Ticket
from .rules import ACKNOWLEDGEMENT_TARGET, RESTORATION_TARGETS

Pauses = list[tuple[dt.datetime, dt.datetime | None]]


def pauses_of(ticket: Ticket) -> Pauses:
    return [(p.started_at, p.ended_at) for p in ticket.pauses.all()]


def acknowledgement_minutes(ticket: Ticket, at: dt.datetime, pauses: Pauses) -> int:
    return counted_minutes(ticket.opened_at, at, ACKNOWLEDGEMENT_TARGET[1], pauses)


def restoration_minutes(ticket: Ticket, at: dt.datetime, pauses: Pauses) -> int | None:
    if not ticket.priority:
        return None
    return counted_minutes(ticket.opened_at, at, RESTORATION_TARGETS[ticket.priority][1], pauses)


@dataclass(frozen=True)
class Clock:
    """One running or stopped clock, as a page shows it."""

    name: str  # "acknowledgement" or "restoration"
    target: int  # minutes
    window: str
    elapsed: int
    due_at: dt.datetime | None  # None while paused (the deadline moves)
    stopped: bool
    paused: bool

    @property
    def left(self) -> int:
        return self.target - self.elapsed

    @property
    def breached(self) -> bool:
        return self.elapsed > self.target


def ticket_clocks(ticket: Ticket, now: dt.datetime, pauses: Pauses | None = None) -> list[Clock]:
    pauses = pauses_of(ticket) if pauses is None else pauses
    paused = ticket.status == Status.WAITING
    clocks = []
    target, window = ACKNOWLEDGEMENT_TARGET
    ack_end = ticket.acknowledged_at or now
    clocks.append(
        Clock(
            "acknowledgement",
            target,
            window,
            counted_minutes(ticket.opened_at, ack_end, window, pauses),
            None if paused else deadline(ticket.opened_at, target, window, pauses),
            ticket.acknowledged_at is not None,
            paused and ticket.acknowledged_at is None,
        )
    )
    if ticket.priority:
        target, window = RESTORATION_TARGETS[ticket.priority]
        end = ticket.restored_at or now
        clocks.append(
            Clock(
                "restoration",
                target,
                window,
                counted_minutes(ticket.opened_at, end, window, pauses),
                None if paused else deadline(ticket.opened_at, target, window, pauses),
                ticket.restored_at is not None,
                paused,
            )
        )
    return clocks


def running_clock(ticket: Ticket, now: dt.datetime, pauses: Pauses | None = None) -> Clock | None:
    """The clock that matters in the queue: restoration once prioritised, else acknowledgement."""
    running = [c for c in ticket_clocks(ticket, now, pauses) if not c.stopped]
    return running[-1] if running else None
