"""Quality API, mounted at /api/v1/quality/: frameworks, self-assessment, surveys, complaints,
improvement actions, audits and non-conformities, and the audit binder."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from saveit.accounts.models import Membership, Organization
from saveit.accounts.permissions import acting_member
from saveit.accounts.selectors import provider_organization
from saveit.core.api_support import COMMON_ERRORS, ErrorOut
from saveit.core.errors import Refusal

from . import audits as audit_services
from . import complaints as complaint_services
from . import selectors, services
from .models import Complaint, ImprovementAction, Indicator, NonConformity, SurveyAnswer
from .permissions import (
    access_action,
    access_audit,
    access_complaint,
    access_nonconformity,
    can_manage_quality,
    complaints_visible_to,
    is_client_reader,
    managed_provider,
    quality_provider,
    survey_requests_visible_to,
)
from .surveys import GROUPINGS, results

router = Router(tags=["quality"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


# ---------------------------------------------------------------- frameworks


class FrameworkSummaryOut(Schema):
    code: str
    title: str
    version: str


class IndicatorOut(Schema):
    number: int
    reference: str
    title: str
    applies: bool
    not_applicable_because: str
    major_only: bool


class CriterionOut(Schema):
    number: int
    part: int
    reference: str
    title: str
    indicators: list[IndicatorOut]


class FrameworkOut(Schema):
    code: str
    title: str
    version: str
    criteria: list[CriterionOut]


def _framework(code: str) -> Any:
    framework = selectors.framework_by_code(code)
    if framework is None:
        raise Http404
    return framework


@router.get("/quality/frameworks", response={200: list[FrameworkSummaryOut], **COMMON_ERRORS})
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    acting_member(request)
    return [
        {"code": f.code, "title": f.title, "version": f.version} for f in selectors.frameworks()
    ]


@router.get("/quality/frameworks/{code}", response={200: FrameworkOut, **COMMON_ERRORS})
def get_framework(request: HttpRequest, code: str) -> dict[str, Any]:
    """For EDUFORM the "indicators" of a criterion are its details, numbered 1 to 73 in order.
    `applies` follows the provider's profile (which categories and activities it declared)."""
    acting_member(request)
    framework = _framework(code)
    rows = selectors.framework_rows(framework, provider_organization())
    return {
        "code": framework.code,
        "title": framework.title,
        "version": framework.version,
        "criteria": [
            {
                "number": c.criterion.number,
                "part": c.criterion.part,
                "reference": c.criterion.reference,
                "title": c.criterion.title,
                "indicators": [
                    {
                        "number": r.indicator.number,
                        "reference": r.indicator.reference,
                        "title": r.indicator.title,
                        "applies": r.applies,
                        "not_applicable_because": r.reason,
                        "major_only": r.indicator.major_only,
                    }
                    for r in c.indicators
                ],
            }
            for c in rows
        ],
    }


# ---------------------------------------------------------------- profile and self-assessment


class ProfileIn(Schema):
    categories: list[str]
    activities: list[str] = []


class ProfileOut(Schema):
    categories: list[str]
    activities: list[str]


@router.get("/quality/profile", response={200: ProfileOut, **COMMON_ERRORS})
def get_profile(request: HttpRequest) -> dict[str, Any]:
    provider = quality_provider(acting_member(request))
    profile = selectors.profile_of(provider)
    return {
        "categories": profile.categories if profile else [],
        "activities": profile.activities if profile else [],
    }


@router.put("/quality/profile", response={200: ProfileOut, **WRITE_ERRORS})
def update_profile(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    member = acting_member(request)
    profile = services.save_profile(
        organization=managed_provider(member),
        categories=payload.categories,
        activities=payload.activities,
        by=member,
    )
    return {"categories": profile.categories, "activities": profile.activities}


class EvidenceOut(Schema):
    kind: str
    label: str
    url: str
    dated: datetime | None
    collected_at: datetime


class AssessmentOut(Schema):
    number: int
    reference: str
    title: str
    applies: bool
    not_applicable_because: str
    level: int | None
    proposed_level: int | None
    coverage: str
    shown_to_auditor: str
    missing: list[str]
    evidence: list[EvidenceOut]


class FrameworkQuery(Schema):
    framework: str = "qualiopi"


def _assessment_out(row: selectors.IndicatorRow) -> dict[str, Any]:
    a = row.assessment
    return {
        "number": row.indicator.number,
        "reference": row.indicator.reference,
        "title": row.indicator.title,
        "applies": row.applies,
        "not_applicable_because": row.reason,
        "level": a.level if a else None,
        "proposed_level": a.proposed_level if a else None,
        "coverage": row.coverage,
        "shown_to_auditor": a.shown_to_auditor if a else "",
        "missing": a.missing if a else [],
        "evidence": [
            {
                "kind": e.kind,
                "label": e.label,
                "url": e.url,
                "dated": e.dated,
                "collected_at": e.collected_at,
            }
            for e in row.evidence
        ],
    }


@router.get("/quality/self-assessment", response={200: list[AssessmentOut], **COMMON_ERRORS})
def self_assessment(request: HttpRequest, query: Query[FrameworkQuery]) -> list[dict[str, Any]]:
    """One entry per indicator, with the evidence the collectors found. Provider only."""
    provider = quality_provider(acting_member(request))
    framework = _framework(query.framework)
    rows = selectors.indicator_rows(framework, provider, with_evidence=True)
    return [_assessment_out(row) for row in rows]


class AssessIn(Schema):
    level: int | None = Field(None, ge=1, le=3)
    shown_to_auditor: str = Field("", max_length=5000)


@router.put("/quality/self-assessment/{number}", response={200: AssessmentOut, **WRITE_ERRORS})
def assess(
    request: HttpRequest, number: int, payload: AssessIn, query: Query[FrameworkQuery]
) -> dict[str, Any]:
    member = acting_member(request)
    provider = managed_provider(member)
    framework = _framework(query.framework)
    indicator = Indicator.objects.filter(framework=framework, number=number).first()
    if indicator is None:
        raise Http404
    services.assess_indicator(
        provider=provider,
        indicator=indicator,
        level=payload.level,
        shown_to_auditor=payload.shown_to_auditor,
        by=member,
    )
    row = next(
        r
        for r in selectors.indicator_rows(framework, provider, with_evidence=True)
        if r.indicator.pk == indicator.pk
    )
    return _assessment_out(row)


class RefreshOut(Schema):
    links: int


@router.post("/quality/evidence/refresh", response={200: RefreshOut, **WRITE_ERRORS})
def refresh(request: HttpRequest) -> dict[str, Any]:
    provider = managed_provider(acting_member(request))
    return {"links": services.refresh_evidence(provider=provider)}


# ---------------------------------------------------------------- surveys


class SurveyResultOut(Schema):
    key: str
    label: str
    asked: int
    answered: int
    response_rate: float | None
    averages: dict[str, float | None]


class SurveyResultsQuery(Schema):
    by: Literal["module", "engagement", "client", "period"] = "module"


def _survey_scope(member: Membership) -> Any:
    from .permissions import can_read_quality

    if not (can_read_quality(member) or is_client_reader(member)):
        raise Http404
    return survey_requests_visible_to(member)


@router.get("/quality/surveys/results", response={200: list[SurveyResultOut], **COMMON_ERRORS})
def survey_results(request: HttpRequest, query: Query[SurveyResultsQuery]) -> list[dict[str, Any]]:
    requests = _survey_scope(acting_member(request))
    return [
        {
            "key": r.key,
            "label": r.label,
            "asked": r.asked,
            "answered": r.answered,
            "response_rate": r.response_rate,
            "averages": r.averages,
        }
        for r in results(requests, query.by if query.by in GROUPINGS else "module")
    ]


class SurveyAnswerOut(Schema):
    id: int
    moment: str
    respondent: str
    respondent_name: str | None = Field(None, description="null unless the respondent agreed")
    module: str
    engagement: str
    objectives: int
    methods: int
    materials: int
    organisation: int
    comment: str
    answered_at: datetime


@router.get("/quality/surveys/answers", response={200: list[SurveyAnswerOut], **COMMON_ERRORS})
def survey_answers(request: HttpRequest) -> list[dict[str, Any]]:
    """Provider staff see who answered; a client sees a name only when the respondent agreed."""
    member = acting_member(request)
    requests = _survey_scope(member)
    staff = not is_client_reader(member)
    answers = SurveyAnswer.objects.filter(request__in=requests).select_related(
        "request__module", "request__engagement"
    )[:500]
    return [
        {
            "id": a.pk,
            "moment": a.request.moment,
            "respondent": a.request.respondent,
            "respondent_name": a.request.name if (staff or a.share_identity) else None,
            "module": a.request.module.code if a.request.module else "",
            "engagement": a.request.engagement.reference if a.request.engagement else "",
            "objectives": a.objectives,
            "methods": a.methods,
            "materials": a.materials,
            "organisation": a.organisation,
            "comment": a.comment,
            "answered_at": a.answered_at,
        }
        for a in answers
    ]


# ---------------------------------------------------------------- complaints


class ComplaintIn(Schema):
    kind: Literal["complaint", "incident", "difficulty"] = "complaint"
    subject: str = Field(..., min_length=1, max_length=200)
    description: str = Field(..., min_length=1, max_length=10000)
    engagement_id: int | None = None


class ComplaintOut(Schema):
    id: int
    number: str
    kind: str
    party: str
    status: str
    subject: str
    description: str
    received_at: datetime
    acknowledge_by: date
    answer_by: date
    acknowledged_at: datetime | None
    answered_at: datetime | None
    answer: str
    acknowledged_late: bool
    answered_late: bool
    mediation_requested_at: datetime | None


def _complaint_out(c: Complaint) -> dict[str, Any]:
    from django.utils import timezone

    today = timezone.localdate()
    return {
        "id": c.pk,
        "number": c.number,
        "kind": c.kind,
        "party": c.party,
        "status": c.status,
        "subject": c.subject,
        "description": c.description,
        "received_at": c.received_at,
        "acknowledge_by": c.acknowledge_by,
        "answer_by": c.answer_by,
        "acknowledged_at": c.acknowledged_at,
        "answered_at": c.answered_at,
        "answer": c.answer,
        "acknowledged_late": c.acknowledged_late(today),
        "answered_late": c.answered_late(today),
        "mediation_requested_at": c.mediation_requested_at,
    }


@router.get("/quality/complaints", response={200: list[ComplaintOut], **COMMON_ERRORS})
def list_complaints(request: HttpRequest) -> list[dict[str, Any]]:
    return [_complaint_out(c) for c in complaints_visible_to(acting_member(request))[:500]]


def party_of(member: Membership) -> str:
    from saveit.accounts.roles import Role, is_provider_staff

    if is_provider_staff(member):
        return Complaint.Party.STAFF
    return Complaint.Party.LEARNER if member.role == Role.LEARNER else Complaint.Party.CLIENT


def file_for_member(
    member: Membership, kind: str, subject: str, description: str, engagement_id: int | None = None
) -> Complaint:
    """A signed-in member files a complaint: their organisation is the client concerned."""
    from saveit.accounts.roles import is_provider_staff

    provider = provider_organization()
    if provider is None:
        raise Refusal(_no_provider())
    client: Organization | None = None if is_provider_staff(member) else member.organization
    if engagement_id is not None and client is not None:
        from saveit.engagements.models import Engagement

        if not Engagement.objects.filter(pk=engagement_id, client=client).exists():
            raise Http404
    return complaint_services.file_complaint(
        provider=provider,
        kind=kind,
        party=party_of(member),
        name=member.user.full_name or member.user.email,
        email=member.user.email,
        subject=subject,
        description=description,
        client=client,
        engagement_id=engagement_id,
        filed_by=member.user,
        by=member,
    )


def _no_provider() -> str:
    from django.utils.translation import gettext as _

    return _("The provider is not set up yet.")


@router.post("/quality/complaints", response={201: ComplaintOut, **WRITE_ERRORS})
def create_complaint(request: HttpRequest, payload: ComplaintIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    complaint = file_for_member(
        member, payload.kind, payload.subject, payload.description, payload.engagement_id
    )
    return 201, _complaint_out(complaint)


@router.get("/quality/complaints/{complaint_id}", response={200: ComplaintOut, **COMMON_ERRORS})
def get_complaint(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    return _complaint_out(access_complaint(acting_member(request), complaint_id))


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=10000)


@router.post(
    "/quality/complaints/{complaint_id}/acknowledge", response={200: ComplaintOut, **WRITE_ERRORS}
)
def acknowledge(request: HttpRequest, complaint_id: int) -> dict[str, Any]:
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id, manage=True)
    return _complaint_out(complaint_services.acknowledge_complaint(complaint=complaint, by=member))


@router.post(
    "/quality/complaints/{complaint_id}/answer", response={200: ComplaintOut, **WRITE_ERRORS}
)
def answer(request: HttpRequest, complaint_id: int, payload: AnswerIn) -> dict[str, Any]:
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id, manage=True)
    done = complaint_services.answer_complaint(
        complaint=complaint, answer=payload.answer, by=member
    )
    return _complaint_out(done)


class MediationIn(Schema):
    outcome: str = Field("", max_length=10000)


@router.post(
    "/quality/complaints/{complaint_id}/mediation", response={200: ComplaintOut, **WRITE_ERRORS}
)
def mediation(request: HttpRequest, complaint_id: int, payload: MediationIn) -> dict[str, Any]:
    """The complainant (or the provider) refers the complaint to the mediator."""
    member = acting_member(request)
    complaint = access_complaint(member, complaint_id)
    if payload.outcome and not can_manage_quality(member):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    done = complaint_services.refer_to_mediation(
        complaint=complaint, outcome=payload.outcome, by=member
    )
    return _complaint_out(done)


# ---------------------------------------------------------------- improvement actions


class ActionIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    cause: Literal["complaint", "incident", "survey", "nonconformity", "dropout", "other"]
    owner_id: int
    due_on: date
    description: str = ""
    cause_detail: str = ""
    complaint_id: int | None = None
    survey_answer_id: int | None = None
    nonconformity_id: int | None = None
    assignment_id: int | None = None


class ActionPatch(Schema):
    status: Literal["planned", "in_progress", "done", "effective", "ineffective"]
    efficacy_check: str = ""


class ActionOut(Schema):
    id: int
    number: str
    title: str
    cause: str
    complaint_id: int | None
    survey_answer_id: int | None
    nonconformity_id: int | None
    assignment_id: int | None
    owner_id: int
    due_on: date
    status: str
    done_on: date | None
    efficacy_check: str
    efficacy_checked_on: date | None
    late: bool


def _action_out(a: ImprovementAction) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "id": a.pk,
        "number": a.number,
        "title": a.title,
        "cause": a.cause,
        "complaint_id": a.complaint_id,
        "survey_answer_id": a.survey_answer_id,
        "nonconformity_id": a.nonconformity_id,
        "assignment_id": a.assignment_id,
        "owner_id": a.owner_id,
        "due_on": a.due_on,
        "status": a.status,
        "done_on": a.done_on,
        "efficacy_check": a.efficacy_check,
        "efficacy_checked_on": a.efficacy_checked_on,
        "late": a.is_open and a.due_on < timezone.localdate(),
    }


@router.get("/quality/actions", response={200: list[ActionOut], **COMMON_ERRORS})
def list_actions(request: HttpRequest) -> list[dict[str, Any]]:
    provider = quality_provider(acting_member(request))
    return [_action_out(a) for a in ImprovementAction.objects.filter(organization=provider)]


@router.post("/quality/actions", response={201: ActionOut, **WRITE_ERRORS})
def create_action(request: HttpRequest, payload: ActionIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    provider = managed_provider(member)
    owner = Membership.objects.filter(pk=payload.owner_id, organization=provider).first()
    if owner is None:
        raise Http404
    complaint = access_complaint(member, payload.complaint_id) if payload.complaint_id else None
    answer_ = (
        SurveyAnswer.objects.filter(organization=provider, pk=payload.survey_answer_id).first()
        if payload.survey_answer_id
        else None
    )
    if payload.survey_answer_id and answer_ is None:
        raise Http404
    nc = (
        access_nonconformity(member, payload.nonconformity_id) if payload.nonconformity_id else None
    )
    action = complaint_services.open_action(
        provider=provider,
        title=payload.title,
        cause=payload.cause,
        owner=owner,
        due_on=payload.due_on,
        by=member,
        description=payload.description,
        cause_detail=payload.cause_detail,
        complaint=complaint,
        survey_answer=answer_,
        nonconformity=nc,
        assignment_id=payload.assignment_id,
    )
    return 201, _action_out(action)


@router.get("/quality/actions/{action_id}", response={200: ActionOut, **COMMON_ERRORS})
def get_action(request: HttpRequest, action_id: int) -> dict[str, Any]:
    return _action_out(access_action(acting_member(request), action_id))


@router.patch("/quality/actions/{action_id}", response={200: ActionOut, **WRITE_ERRORS})
def update_action(request: HttpRequest, action_id: int, payload: ActionPatch) -> dict[str, Any]:
    member = acting_member(request)
    action = access_action(member, action_id, manage=True)
    done = complaint_services.update_action(
        action=action, status=payload.status, efficacy_check=payload.efficacy_check, by=member
    )
    return _action_out(done)


# ---------------------------------------------------------------- audits


class NonConformityOut(Schema):
    id: int
    indicator: int
    reference: str
    grade: str
    description: str
    deadline: date
    resolved_on: date | None
    escalated_at: date | None


class AuditOut(Schema):
    id: int
    framework: str
    kind: str
    body: str
    held_on: date
    decision_on: date | None
    minors_count_as_major: bool
    nonconformities: list[NonConformityOut]


class AuditIn(Schema):
    framework: str = "qualiopi"
    kind: Literal["initial", "surveillance", "renewal"]
    body: str = Field(..., min_length=1, max_length=200)
    held_on: date
    decision_on: date | None = None


class NonConformityIn(Schema):
    indicator: int
    grade: Literal["minor", "major"]
    description: str = Field(..., min_length=1, max_length=10000)


class ResolveIn(Schema):
    plan: str = Field(..., min_length=1, max_length=10000)
    resolved_on: date


def _nc_out(nc: NonConformity) -> dict[str, Any]:
    return {
        "id": nc.pk,
        "indicator": nc.indicator.number,
        "reference": nc.indicator.reference,
        "grade": nc.grade,
        "description": nc.description,
        "deadline": nc.deadline,
        "resolved_on": nc.resolved_on,
        "escalated_at": nc.escalated_at,
    }


def _audit_out(audit: Any) -> dict[str, Any]:
    return {
        "id": audit.pk,
        "framework": audit.framework.code,
        "kind": audit.kind,
        "body": audit.body,
        "held_on": audit.held_on,
        "decision_on": audit.decision_on,
        "minors_count_as_major": audit_services.minors_count_as_major(audit),
        "nonconformities": [
            _nc_out(nc) for nc in audit.nonconformities.select_related("indicator")
        ],
    }


@router.get("/quality/audits", response={200: list[AuditOut], **COMMON_ERRORS})
def list_audits(request: HttpRequest) -> list[dict[str, Any]]:
    from .models import Audit

    provider = quality_provider(acting_member(request))
    return [
        _audit_out(a)
        for a in Audit.objects.filter(organization=provider).select_related("framework")
    ]


@router.post("/quality/audits", response={201: AuditOut, **WRITE_ERRORS})
def create_audit(request: HttpRequest, payload: AuditIn) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    provider = managed_provider(member)
    audit = audit_services.record_audit(
        provider=provider,
        framework=_framework(payload.framework),
        kind=payload.kind,
        body=payload.body,
        held_on=payload.held_on,
        decision_on=payload.decision_on,
        by=member,
    )
    return 201, _audit_out(audit)


@router.get("/quality/audits/{audit_id}", response={200: AuditOut, **COMMON_ERRORS})
def get_audit(request: HttpRequest, audit_id: int) -> dict[str, Any]:
    return _audit_out(access_audit(acting_member(request), audit_id))


@router.post(
    "/quality/audits/{audit_id}/nonconformities", response={201: NonConformityOut, **WRITE_ERRORS}
)
def create_nonconformity(
    request: HttpRequest, audit_id: int, payload: NonConformityIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    audit = access_audit(member, audit_id, manage=True)
    indicator = Indicator.objects.filter(
        framework=audit.framework, number=payload.indicator
    ).first()
    if indicator is None:
        raise Http404
    nc = audit_services.record_nonconformity(
        audit=audit,
        indicator=indicator,
        grade=payload.grade,
        description=payload.description,
        by=member,
    )
    return 201, _nc_out(nc)


@router.post(
    "/quality/nonconformities/{nc_id}/resolve", response={200: NonConformityOut, **WRITE_ERRORS}
)
def resolve_nonconformity(request: HttpRequest, nc_id: int, payload: ResolveIn) -> dict[str, Any]:
    member = acting_member(request)
    nc = access_nonconformity(member, nc_id)
    done = audit_services.resolve_nonconformity(
        nc=nc, plan=payload.plan, resolved_on=payload.resolved_on, by=member
    )
    return _nc_out(done)


# ---------------------------------------------------------------- binder


class BinderIn(Schema):
    framework: Literal["qualiopi", "eduform"] = "qualiopi"
    indicator: int | None = Field(
        None, description="one indicator's binder; the whole framework when absent"
    )


class JobStartedOut(Schema):
    id: str
    job_url: str


@router.post("/quality/binder", response={202: JobStartedOut, **WRITE_ERRORS})
def start_binder(request: HttpRequest, payload: BinderIn) -> tuple[int, dict[str, Any]]:
    """Builds the sealed binder in the background: poll `job_url`, then download `result_url`.
    Provider staff and auditors with the QUALITY scope (until their access ends)."""
    from saveit.core.jobs import start_job

    member = acting_member(request)
    provider = quality_provider(member)
    framework = _framework(payload.framework)
    if (
        payload.indicator is not None
        and not Indicator.objects.filter(framework=framework, number=payload.indicator).exists()
    ):
        raise Http404
    job = start_job(
        kind="quality.binder",
        organization_id=provider.pk,
        requested_by=member.user,
        title=f"{framework.title} binder",
        params={
            "provider": provider.pk,
            "framework": framework.code,
            "indicator": payload.indicator,
        },
    )
    return 202, {"id": str(job.pk), "job_url": f"/api/v1/jobs/{job.pk}"}
