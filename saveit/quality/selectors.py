"""Reads of the quality app: frameworks with applicability, the self-assessment, coverage,
the home's figures and the public result indicators of an offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import timezone

from saveit.accounts.models import Organization

from .applicability import Applicability, applicability
from .models import (
    Assessment,
    Audit,
    Complaint,
    Criterion,
    Evidence,
    Framework,
    ImprovementAction,
    Indicator,
    OfferSheet,
    ProviderProfile,
    SurveyAnswer,
    SurveyRequest,
)


def frameworks() -> list[Framework]:
    return list(Framework.objects.order_by("pk"))


def framework_by_code(code: str) -> Framework | None:
    return Framework.objects.filter(code=code).first()


def profile_of(provider: Organization) -> ProviderProfile | None:
    return ProviderProfile.objects.filter(organization=provider).first()


def indicator_applicability(indicator: Indicator, profile: ProviderProfile | None) -> Applicability:
    if profile is None:  # no profile yet: everything applies until the provider says otherwise
        return Applicability(True)
    return applicability(indicator.applicability, profile.categories, profile.activities)


@dataclass
class IndicatorRow:
    indicator: Indicator
    applies: bool
    reason: str
    assessment: Assessment | None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def coverage(self) -> str:
        """complete / partial / none, from what the collectors found (not applicable: n/a)."""
        if not self.applies:
            return "n/a"
        level = self.assessment.proposed_level if self.assessment else None
        return {1: "complete", 2: "partial"}.get(level or 3, "none")


@dataclass
class CriterionRow:
    criterion: Criterion
    indicators: list[IndicatorRow]


def framework_rows(
    framework: Framework, provider: Organization | None, *, with_evidence: bool = False
) -> list[CriterionRow]:
    profile = profile_of(provider) if provider else None
    assessments: dict[int, Assessment] = {}
    evidence: dict[int, list[Evidence]] = {}
    if provider is not None:
        assessments = {
            a.indicator_id: a
            for a in Assessment.objects.filter(
                organization=provider, indicator__framework=framework
            )
        }
        if with_evidence:
            for item in Evidence.objects.filter(assessment__in=assessments.values()):
                evidence.setdefault(item.assessment_id, []).append(item)
    rows: list[CriterionRow] = []
    indicators = Indicator.objects.filter(framework=framework).order_by("number")
    by_criterion: dict[int, list[IndicatorRow]] = {}
    for indicator in indicators:
        verdict = indicator_applicability(indicator, profile)
        assessment = assessments.get(indicator.pk)
        by_criterion.setdefault(indicator.criterion_id, []).append(
            IndicatorRow(
                indicator,
                verdict.applies,
                verdict.reason,
                assessment,
                evidence.get(assessment.pk, []) if assessment else [],
            )
        )
    for criterion in Criterion.objects.filter(framework=framework).order_by("number"):
        rows.append(CriterionRow(criterion, by_criterion.get(criterion.pk, [])))
    return rows


def indicator_rows(framework: Framework, provider: Organization, **kw: Any) -> list[IndicatorRow]:
    return [row for c in framework_rows(framework, provider, **kw) for row in c.indicators]


def coverage(framework: Framework, provider: Organization) -> dict[str, list[IndicatorRow]]:
    out: dict[str, list[IndicatorRow]] = {"complete": [], "partial": [], "none": [], "n/a": []}
    for row in indicator_rows(framework, provider):
        out[row.coverage].append(row)
    return out


OPEN_COMPLAINT_STATUSES = (
    Complaint.Status.RECEIVED,
    Complaint.Status.ACKNOWLEDGED,
    Complaint.Status.MEDIATION,
)


def open_complaints_of(provider: Organization) -> Any:
    """Still waiting for the provider: not answered yet, or in mediation."""
    return Complaint.objects.filter(organization=provider, status__in=OPEN_COMPLAINT_STATUSES)


def open_actions_of(provider: Organization) -> Any:
    """Improvement actions still to carry out: planned or under way."""
    return ImprovementAction.objects.filter(
        organization=provider,
        status__in=(ImprovementAction.Status.PLANNED, ImprovementAction.Status.IN_PROGRESS),
    )


def audits_ahead_of(provider: Organization, today: date, ahead: timedelta) -> Any:
    """The provider's audits from today to `ahead` days on, soonest first."""
    return Audit.objects.filter(
        organization=provider, held_on__gte=today, held_on__lte=today + ahead
    ).order_by("held_on")


@dataclass(frozen=True)
class HomeFigures:
    open_complaints: int
    late_complaints: int
    open_actions: int
    late_actions: int
    surveys_asked: int
    surveys_answered: int

    @property
    def response_rate(self) -> Decimal | None:
        if not self.surveys_asked:
            return None
        rate = Decimal(self.surveys_answered * 100) / Decimal(self.surveys_asked)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def home_figures(provider: Organization, today: date | None = None) -> HomeFigures:
    today = today or timezone.localdate()
    open_complaints = open_complaints_of(provider)
    late = open_complaints.filter(
        Q(answered_at__isnull=True, answer_by__lt=today)
        | Q(acknowledged_at__isnull=True, acknowledge_by__lt=today)
    )
    actions = open_actions_of(provider)
    surveys = SurveyRequest.objects.filter(organization=provider).aggregate(
        asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return HomeFigures(
        open_complaints=open_complaints.count(),
        late_complaints=late.count(),
        open_actions=actions.count(),
        late_actions=actions.filter(due_on__lt=today).count(),
        surveys_asked=surveys["asked"],
        surveys_answered=surveys["answered"],
    )


# ---------------------------------------------------------------- public results of an offer


@dataclass(frozen=True)
class OfferResults:
    sheet: OfferSheet
    computed_on: date
    learners: int
    completed: int
    passed: int
    satisfaction: Decimal | None  # average of the four dimensions, out of 5
    answers: int
    citable_clients: list[str]

    @property
    def completion_rate(self) -> Decimal | None:
        return _rate(self.completed, self.learners)

    @property
    def pass_rate(self) -> Decimal | None:
        return _rate(self.passed, self.completed)


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def offer_results(sheet: OfferSheet) -> OfferResults:
    """Counts only: no name, no e-mail; clients named only when they agreed to be cited."""
    from saveit.learning.models import Assignment

    modules = list(sheet.modules.values_list("pk", flat=True))
    assignments = Assignment.objects.filter(module_version__module_id__in=modules).exclude(
        status=Assignment.Status.REPLACED
    )
    counts = assignments.aggregate(
        learners=Count("learner_id", distinct=True),
        completed=Count("pk", filter=Q(status__in=("passed", "failed"))),
        passed=Count("pk", filter=Q(status="passed")),
    )
    answers = SurveyAnswer.objects.filter(
        organization=sheet.organization, request__module_id__in=modules
    ).aggregate(n=Count("pk"), **{d: Avg(d) for d in SurveyAnswer.DIMENSIONS})
    satisfaction = None
    if answers["n"]:
        mean: Decimal = sum((Decimal(str(answers[d])) for d in SurveyAnswer.DIMENSIONS), Decimal(0))
        mean /= 4
        satisfaction = mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return OfferResults(
        sheet=sheet,
        computed_on=timezone.localdate(),
        learners=counts["learners"],
        completed=counts["completed"],
        passed=counts["passed"],
        satisfaction=satisfaction,
        answers=answers["n"],
        citable_clients=sorted(sheet.clients_citable.values_list("name", flat=True)),
    )
