"""What learning tells the apps above it, in the transaction of the change.

Reporting keeps its pre-aggregated figures exact around every change of assignments;
certificates issues the attestation when an attempt passes. They register in their
AppConfig.ready(), so learning never imports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

from django.db.models import QuerySet

from saveit.core.hooks import Hook, Veto

from .models import Assignment

assignment_changing = Hook("learning.assignment_changing")
assignments_shifting = Hook("learning.assignments_shifting")
learners_moving = Hook("learning.learners_moving")
assignments_added = Hook("learning.assignments_added")
attempt_passed = Hook("learning.attempt_passed")
# Before a reminder goes out: handlers get ids= (membership ids of the learners' accounts) and
# return those who must not be contacted (privacy: a learner who objected gets no reminder).
contact_refused = Veto("learning.contact_refused")


def tracking(assignment_id: int) -> AbstractContextManager[None]:
    """Wrap a change to one assignment (the caller holds its row lock)."""
    return assignment_changing.around(assignment_id=assignment_id)


def shifting(ids: Iterable[int]) -> AbstractContextManager[None]:
    """Wrap a bulk change of these assignments (status, due date, population…)."""
    return assignments_shifting.around(ids=list(ids))


def moving_learners(learner_ids: Iterable[int]) -> AbstractContextManager[None]:
    """Wrap a change of these learners' site."""
    return learners_moving.around(learner_ids=list(learner_ids))


def add_queryset(queryset: QuerySet[Assignment], *, sign: int = 1) -> None:
    """These assignments were created (sign=1) or are about to be deleted (sign=-1)."""
    assignments_added(queryset=queryset, sign=sign)
