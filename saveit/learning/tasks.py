from __future__ import annotations

from django_tasks import task


@task()
def send_invitations(*, assignment_ids: list[int]) -> int:
    """One e-mail per learner of the batch, with a fresh one-time sign-in link."""
    from .services.access import invite_learners

    return invite_learners(assignment_ids=assignment_ids)
