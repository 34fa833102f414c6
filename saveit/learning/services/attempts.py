"""The assessment: items drawn on the server, answers scored on the server, attempts limited."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.catalog.selectors import section_titles
from saveit.catalog.snapshot import snapshot_of
from saveit.core.errors import Refusal

from ..assessment import DrawnItem, InvalidAnswers, Outcome, draw, parse_answers, score
from ..hooks import attempt_passed, tracking
from ..models import Activity, Assignment, Attempt
from .progress import _require_open

# Network latency between the last click and the server: a submission this late still counts.
GRACE = timedelta(seconds=30)


def drawn_items(attempt: Attempt) -> list[DrawnItem]:
    return [DrawnItem(key=key, order=tuple(order)) for key, order in attempt.drawn]


def _activity(assignment: Assignment, kind: str, at) -> None:
    Activity.objects.create(
        organization_id=assignment.organization_id,
        learner_id=assignment.learner_id,
        assignment=assignment,
        kind=kind,
        at=at,
        user_id=assignment.learner.user_id,
    )


@dataclass(frozen=True)
class AnswerState:
    """What a submission of these answers meets, by the rules that score it."""

    accepted: bool  # open, and its time limit (with GRACE for the round trip) not yet passed
    may_review: bool  # time left before the deadline itself: a pause to review is offered
    unanswered: frozenset[str]  # keys of the drawn items without an answer, as scored
    readable: bool = True  # False: the answers cannot be read and the submission refuses them


def answer_state(*, attempt: Attempt, form) -> AnswerState:
    """Whether answers posted now are still accepted, whether the learner may still review
    them, and which drawn items they leave without an answer (read by `parse_answers`, as
    when scoring). Within GRACE after the deadline the answers are scored at once: no time
    is left to come back to the questions, and a later confirmation would be late."""
    now = timezone.now()
    deadline = attempt.deadline_at
    accepted = attempt.status == Attempt.Status.OPEN and (
        deadline is None or now <= deadline + GRACE
    )
    may_review = accepted and (deadline is None or now < deadline)
    if not accepted:
        return AnswerState(accepted=False, may_review=False, unanswered=frozenset())
    snapshot = snapshot_of(attempt.assignment.module_version)
    try:
        answers = parse_answers(drawn_items(attempt), snapshot, form)
    except InvalidAnswers:
        return AnswerState(True, may_review, frozenset(), readable=False)
    return AnswerState(True, may_review, frozenset(k for k, v in answers.items() if v is None))


def attempts_left(assignment: Assignment) -> int:
    limit = snapshot_of(assignment.module_version)["assessment"]["max_attempts"]
    return max(0, limit - assignment.attempts_used)


@transaction.atomic
def start_attempt(*, assignment: Assignment) -> Attempt:
    """The open attempt if there is one, else a new draw — within the attempts allowed."""
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("module_version", "learner", "engagement")
        .get(pk=assignment.pk)
    )
    with tracking(assignment.pk):
        return _start(assignment)


def _start(assignment: Assignment) -> Attempt:
    _require_open(assignment)
    current = assignment.attempts.filter(status=Attempt.Status.OPEN).first()
    if current is not None and not _expire_if_late(current, assignment):
        return current
    if assignment.status == Assignment.Status.PASSED:
        raise Refusal(_("You have already passed this assessment."), code="passed")
    if attempts_left(assignment) == 0:
        raise Refusal(_("You have used every attempt allowed for this assessment."), code="limit")
    snapshot = snapshot_of(assignment.module_version)
    now = timezone.now()
    seed = secrets.token_hex(16)
    limit = snapshot["assessment"]["time_limit_minutes"]
    attempt = Attempt.objects.create(
        assignment=assignment,
        number=assignment.attempts_used + 1,
        seed=seed,
        drawn=[[d.key, list(d.order)] for d in draw(snapshot, seed=seed)],
        started_at=now,
        deadline_at=now + timedelta(minutes=limit) if limit else None,
    )
    assignment.attempts_used += 1
    fields = ["attempts_used"]
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        assignment.started_at = assignment.started_at or now
        fields += ["status", "started_at"]
    assignment.save(update_fields=fields)
    _activity(assignment, Activity.Kind.ATTEMPT_STARTED, now)
    return attempt


def _expire_if_late(attempt: Attempt, assignment: Assignment) -> bool:
    """Closes an attempt whose time ran out (it counts, scored 0); True if it did."""
    if attempt.deadline_at is None or timezone.now() <= attempt.deadline_at + GRACE:
        return False
    attempt.status = Attempt.Status.EXPIRED
    attempt.score, attempt.passed = 0, False
    attempt.save(update_fields=["status", "score", "passed"])
    _settle(assignment, passed=False)
    return True


def _settle(assignment: Assignment, *, passed: bool) -> None:
    now = timezone.now()
    if passed:
        assignment.status = Assignment.Status.PASSED
        assignment.completed_at = now
    elif attempts_left(assignment) == 0:
        assignment.status = Assignment.Status.FAILED
        assignment.completed_at = now
    assignment.save(update_fields=["status", "completed_at", "best_score"])
    kind = Activity.Kind.PASSED if passed else Activity.Kind.FAILED
    if assignment.completed_at == now:
        _activity(assignment, kind, now)


def close_if_late(*, attempt: Attempt) -> bool:
    """Closes an open attempt whose time ran out; committed on its own, before any refusal.

    An attempt whose time has not run out (by the row just read: a deadline never moves) has
    nothing to close: answered without a lock or a write transaction (the assessment page)."""
    if attempt.deadline_at is None or timezone.now() <= attempt.deadline_at + GRACE:
        return False
    return _close_if_late(attempt)


@transaction.atomic
def _close_if_late(attempt: Attempt) -> bool:
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.status != Attempt.Status.OPEN:
        return False
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("learner")
        .get(pk=attempt.assignment_id)
    )
    with tracking(assignment.pk):
        return _expire_if_late(attempt, assignment)


def submit_attempt(*, attempt: Attempt, form, by: Membership | None = None) -> Outcome:
    """Scores once: a second submission, a late one or a forged answer set is refused."""
    if close_if_late(attempt=attempt):
        raise Refusal(
            _("The time limit was exceeded: this attempt is closed without a score."),
            code="late",
        )
    return _score_attempt(attempt=attempt, form=form, by=by)


@transaction.atomic
def _score_attempt(*, attempt: Attempt, form, by: Membership | None) -> Outcome:
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("module_version__module", "learner", "engagement")
        .get(pk=attempt.assignment_id)
    )
    _require_open(assignment)
    if attempt.status != Attempt.Status.OPEN:
        raise Refusal(_("This attempt has already been submitted."), code="replayed")
    with tracking(assignment.pk):
        return _record_outcome(attempt, assignment, form, by)


def _record_outcome(
    attempt: Attempt, assignment: Assignment, form, by: Membership | None
) -> Outcome:
    snapshot = snapshot_of(assignment.module_version)
    drawn = drawn_items(attempt)
    try:
        answers = parse_answers(drawn, snapshot, form)
    except InvalidAnswers as error:
        raise Refusal(str(error), code="invalid_answers") from error
    outcome = score(
        drawn, snapshot, answers, section_titles=section_titles(assignment.module_version)
    )
    now = timezone.now()
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now
    attempt.answers = {k: _jsonable(v) for k, v in answers.items()}
    attempt.score, attempt.passed = outcome.score, outcome.passed
    attempt.outcome = _jsonable(asdict(outcome))
    attempt.save()
    assignment.best_score = max(assignment.best_score or 0, outcome.score)
    _activity(assignment, Activity.Kind.ATTEMPT_SUBMITTED, now)
    _settle(assignment, passed=outcome.passed)
    record_event(
        organization=assignment.learner.organization,
        action="attempt.submitted",
        actor=by,
        target=attempt,
        after={
            "assignment": assignment.pk,
            "number": attempt.number,
            "score": outcome.score,
            "passed": outcome.passed,
        },
    )
    if outcome.passed:
        attempt_passed(assignment=assignment, attempt=attempt)
    return outcome


def _jsonable(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value
