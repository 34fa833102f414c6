"""Satisfaction surveys (indicator 30): hot at completion, cold N days later, reminders, answers
and results. A client reads its own answers, never a respondent's identity without consent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership, Organization
from saveit.accounts.selectors import provider_organization
from saveit.audit.chain import record_event
from saveit.core.errors import Refusal
from saveit.core.tasks import send_email_after_commit

from .models import SurveyAnswer, SurveyRequest

_SALT = "saveit.quality.survey"


def survey_token(request: SurveyRequest) -> str:
    """The secret of a survey link: whoever holds it answers that one survey, once."""
    return signing.dumps({"s": request.pk}, salt=_SALT)


def request_from_token(token: str) -> SurveyRequest | None:
    try:
        pk = signing.loads(token, salt=_SALT)["s"]
    except (signing.BadSignature, KeyError, TypeError):
        return None
    return SurveyRequest.objects.filter(pk=pk).first()


def request_learner_survey(assignment: Any, moment: str, now: datetime) -> SurveyRequest | None:
    provider = provider_organization()
    if provider is None:
        return None
    learner = assignment.learner
    try:
        with transaction.atomic():
            request = SurveyRequest.objects.create(
                organization=provider,
                moment=moment,
                respondent=SurveyRequest.Respondent.LEARNER,
                client_id=assignment.organization_id,
                engagement_id=assignment.engagement_id,
                module_id=assignment.module_version.module_id,
                assignment=assignment,
                user_id=learner.user_id,
                name=f"{learner.first_name} {learner.last_name}".strip(),
                email=learner.email,
                created_at=now,
            )
    except IntegrityError:  # already asked for this assignment and moment
        return None
    record_event(
        organization=provider,
        action="quality.survey_requested",
        target=request,
        after={"moment": moment, "assignment": assignment.pk},
    )
    invite(request)
    return request


def request_hot_survey(*, assignment: Any, attempt: Any = None, **_: Any) -> None:
    """learning.attempt_passed handler: the training is complete, ask at once (idempotent)."""
    request_learner_survey(assignment, SurveyRequest.Moment.HOT, timezone.now())


def request_cold_surveys(*, now: datetime | None = None) -> int:
    """Daily: every assignment completed N days ago or more without a cold survey gets one."""
    from saveit.learning.models import Assignment

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.QUALITY_COLD_SURVEY_DAYS)
    asked = SurveyRequest.objects.filter(moment=SurveyRequest.Moment.COLD, assignment__isnull=False)
    due = (
        Assignment.objects.filter(
            status=Assignment.Status.PASSED,
            completed_at__lte=cutoff,
            completed_at__gte=cutoff - timedelta(days=365),
        )
        .exclude(pk__in=asked.values("assignment_id"))
        .select_related("learner", "module_version")
    )
    created = 0
    for assignment in due.iterator(chunk_size=500):
        with transaction.atomic():
            created += (
                request_learner_survey(assignment, SurveyRequest.Moment.COLD, now) is not None
            )
    return created


@transaction.atomic
def request_stakeholder_survey(
    *,
    provider: Organization,
    respondent: str,
    moment: str,
    name: str,
    email: str,
    engagement_id: int | None,
    client_id: int | None,
    by: Membership,
) -> SurveyRequest:
    """Client managers, funders and staff are asked by hand (one per engagement and moment)."""
    if (
        respondent not in SurveyRequest.Respondent.values
        or moment not in SurveyRequest.Moment.values
    ):
        raise Refusal(_("Unknown respondent or moment."))
    try:
        with transaction.atomic():
            request = SurveyRequest.objects.create(
                organization=provider,
                moment=moment,
                respondent=respondent,
                name=name.strip(),
                email=email.strip().lower(),
                engagement_id=engagement_id,
                client_id=client_id,
                created_at=timezone.now(),
            )
    except IntegrityError:
        raise Refusal(_("This person was already asked for this engagement.")) from None
    record_event(
        organization=provider,
        action="quality.survey_requested",
        actor=by,
        target=request,
        after={"moment": moment, "respondent": respondent},
    )
    invite(request)
    return request


def remind_surveys(*, today: date | None = None) -> int:
    """Daily: unanswered surveys are reminded every few days, a bounded number of times. The
    date of the last reminder makes a second run of the same day send nothing."""
    today = today or timezone.localdate()
    every = timedelta(days=settings.QUALITY_SURVEY_REMINDER_DAYS)
    due = SurveyRequest.objects.filter(
        answered_at__isnull=True,
        reminders_sent__lt=settings.QUALITY_SURVEY_MAX_REMINDERS,
        created_at__date__lte=today - every,
    ).filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=today - every))
    sent = 0
    for request in due.iterator(chunk_size=500):
        with transaction.atomic():
            changed = SurveyRequest.objects.filter(
                pk=request.pk, reminders_sent=request.reminders_sent
            ).update(reminders_sent=request.reminders_sent + 1, last_reminded_on=today)
            if changed:
                _send_reminder(request)
                record_event(
                    organization=request.organization,
                    action="quality.survey_reminded",
                    target=request,
                    after={"reminder": request.reminders_sent + 1},
                )
                sent += 1
    return sent


def _link(request: SurveyRequest) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse("quality:survey_answer", args=[survey_token(request)])


def invite(request: SurveyRequest) -> None:
    """The survey's e-mail, sent once the request is committed; its link is the only key."""
    if request.email:
        send_email_after_commit(
            to=[request.email],
            subject=_("Your opinion on your training"),
            body=_("Could you give us two minutes? Your answers help us improve: %(link)s")
            % {"link": _link(request)},
        )


def _send_reminder(request: SurveyRequest) -> None:
    if request.email:
        send_email_after_commit(
            to=[request.email],
            subject=_("Reminder: your opinion on your training"),
            body=_("Could you give us two minutes? Your answers help us improve: %(link)s")
            % {"link": _link(request)},
        )


@transaction.atomic
def answer_survey(
    *, request: SurveyRequest, scores: dict[str, int], comment: str, share_identity: bool
) -> SurveyAnswer:
    request = SurveyRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_at is not None:
        raise Refusal(_("This survey has already been answered."), code="replayed")
    for dimension in SurveyAnswer.DIMENSIONS:
        if scores.get(dimension) not in (1, 2, 3, 4, 5):
            raise Refusal(_("Give every dimension a score from 1 to 5."), code="invalid")
    now = timezone.now()
    answer = SurveyAnswer.objects.create(
        request=request,
        organization=request.organization,
        comment=comment.strip(),
        share_identity=share_identity,
        answered_at=now,
        **{d: scores[d] for d in SurveyAnswer.DIMENSIONS},
    )
    request.answered_at = now
    request.save(update_fields=["answered_at"])
    record_event(
        organization=request.organization,
        action="quality.survey_answered",
        target=answer,
        after={"moment": request.moment, "respondent": request.respondent},
    )
    return answer


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class ResultRow:
    key: str
    label: str
    asked: int
    answered: int
    averages: dict[str, float | None]

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.asked if self.asked else None


GROUPINGS = {
    "module": ("module__code", "module__title"),
    "engagement": ("engagement__reference", "engagement__title"),
    "client": ("client__name", "client__name"),
    "period": ("period", "period"),
}


def results(requests: QuerySet[SurveyRequest], by: str) -> list[ResultRow]:
    """Response rate and the four averages, grouped by module, engagement, client or month."""
    from django.db.models.functions import TruncMonth

    key, label = GROUPINGS[by]
    qs = requests
    if by == "period":
        qs = qs.annotate(period=TruncMonth("created_at"))
    rows = (
        qs.values(key, label)
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            **{d: Avg(f"answer__{d}") for d in SurveyAnswer.DIMENSIONS},
        )
        .order_by(key)
    )
    out = []
    for row in rows:
        raw = row[label]
        shown = raw.strftime("%m/%Y") if hasattr(raw, "strftime") else (raw or _("(none)"))
        out.append(
            ResultRow(
                key=str(row[key]),
                label=str(shown),
                asked=row["asked"],
                answered=row["answered"],
                averages={
                    d: (round(row[d], 2) if row[d] is not None else None)
                    for d in SurveyAnswer.DIMENSIONS
                },
            )
        )
    return out


def response_rate(requests: QuerySet[SurveyRequest]) -> tuple[int, int]:
    counts = requests.aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return counts["answered"], counts["asked"]
