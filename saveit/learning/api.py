"""Deployment and learner API, mounted at /api/v1/: populations, learners, imports, assignments,
re-certification campaigns, attempts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from saveit.accounts.permissions import acting_member
from saveit.catalog.models import ModuleVersion
from saveit.core.api_support import COMMON_ERRORS, OFFSET_MAX, ErrorOut, Id
from saveit.core.uploads import read_upload
from saveit.engagements.permissions import access_engagement

from . import selectors
from .importing import FIELDS
from .models import (
    Assignment,
    Attempt,
    Learner,
    Population,
    PopulationImport,
    RecertificationCampaign,
)
from .permissions import (
    access_campaign,
    access_import,
    access_learner,
    access_own_assignment,
    access_own_attempt,
    access_population,
)
from .services import assignments, attempts, learners, populations, recertification

router = Router(tags=["deployment"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class PopulationOut(Schema):
    id: int
    name: str
    description: str
    size: int


class PopulationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=2000)


class ImportOut(Schema):
    id: int
    population_id: int
    filename: str
    sha256: str
    status: str
    valid_rows: int
    error_count: int
    errors: list[dict[str, Any]]
    created_learners: int
    updated_learners: int


class LearnerPatch(Schema):
    """Only the fields given change; null or "" empties an optional one."""

    last_name: str | None = Field(None, max_length=150)
    first_name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    employee_id: str | None = Field(None, max_length=64)
    site: str | None = Field(None, max_length=200)
    job: str | None = Field(None, max_length=200)
    manager: str | None = Field(None, max_length=200)


class LearnerOut(Schema):
    id: int
    last_name: str
    first_name: str
    email: str
    employee_id: str
    site: str
    job: str
    manager: str


class LearnerPage(Schema):
    count: int  # learners of the population matching `q`
    items: list[LearnerOut]


class CampaignIn(Schema):
    due_on: date


class CampaignOut(Schema):
    id: int
    module_version_id: int
    replaced_versions: list[int]
    due_on: date
    created_at: datetime


class AssignIn(Schema):
    version_id: int
    population_id: int | None = None
    learner_ids: list[Id] = Field(default_factory=list, max_length=100_000)
    due_on: date | None = None


class AssignOut(Schema):
    created: int


class AssignmentOut(Schema):
    id: int
    module_version_id: int
    module_title: str
    version_label: str
    status: str
    due_on: date | None
    started_at: datetime | None
    completed_at: datetime | None
    attempts_used: int
    best_score: int | None


class QuestionOut(Schema):
    key: str
    kind: str
    prompt: str
    unit: str
    choices: list[str]


class AttemptOut(Schema):
    number: int
    status: str
    started_at: datetime
    deadline_at: datetime | None
    score: int | None
    passed: bool | None
    questions: list[QuestionOut]
    sections: list[dict[str, Any]]


class AnswersIn(Schema):
    answers: dict[str, list[str]] = Field(..., description="item key → display positions or number")


def _population(p: Population) -> dict[str, Any]:
    return {"id": p.pk, "name": p.name, "description": p.description, "size": p.members.count()}


def _import(b: PopulationImport) -> dict[str, Any]:
    return {
        "id": b.pk,
        "population_id": b.population_id,
        "filename": b.filename,
        "sha256": b.sha256,
        "status": b.status,
        "valid_rows": b.valid_rows,
        "error_count": b.error_count,
        "errors": b.errors,
        "created_learners": b.created_learners,
        "updated_learners": b.updated_learners,
    }


def _learner(learner: Learner) -> dict[str, Any]:
    return {"id": learner.pk, **{key: getattr(learner, key) for key in FIELDS}}


def _campaign(c: RecertificationCampaign) -> dict[str, Any]:
    return {
        "id": c.pk,
        "module_version_id": c.version_id,
        "replaced_versions": c.replaced_versions,
        "due_on": c.due_on,
        "created_at": c.created_at,
    }


def _assignment(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "module_version_id": a.module_version_id,
        "module_title": a.module_version.title,
        "version_label": a.module_version.label,
        "status": a.status,
        "due_on": a.due_on,
        "started_at": a.started_at,
        "completed_at": a.completed_at,
        "attempts_used": a.attempts_used,
        "best_score": a.best_score,
    }


def _attempt(attempt: Attempt) -> dict[str, Any]:
    from saveit.catalog.snapshot import snapshot_of

    items = {i["key"]: i for i in snapshot_of(attempt.assignment.module_version)["items"]}
    questions = []
    if attempt.status == Attempt.Status.OPEN:
        for key, order in attempt.drawn:
            item = items[key]
            questions.append(
                {
                    "key": key,
                    "kind": item["kind"],
                    "prompt": item["prompt"],
                    "unit": item["unit"],
                    "choices": [item["choices"][i] for i in order],
                }
            )
    return {
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at,
        "score": attempt.score,
        "passed": attempt.passed,
        "questions": questions,
        "sections": (attempt.outcome or {}).get("sections", []),
    }


@router.get(
    "/engagements/{engagement_id}/populations", response={200: list[PopulationOut], **COMMON_ERRORS}
)
def list_populations(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    engagement = access_engagement(acting_member(request), engagement_id)
    return [_population(p) for p in selectors.populations_of(engagement)]


@router.post(
    "/engagements/{engagement_id}/populations", response={201: PopulationOut, **WRITE_ERRORS}
)
def create_population(
    request: HttpRequest, engagement_id: int, payload: PopulationIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    population = populations.create_population(
        engagement=engagement, name=payload.name, description=payload.description, by=member
    )
    return 201, _population(population)


@router.post("/populations/{population_id}/imports", response={201: ImportOut, **WRITE_ERRORS})
def upload_import(
    request: HttpRequest, population_id: int, file: File[UploadedFile]
) -> tuple[int, dict[str, Any]]:
    """A CSV or XLSX file of learners: checked in full, kept for the commit (nothing imported)."""
    member = acting_member(request)
    population = access_population(member, population_id)
    content, name = read_upload(file, default_name="import")
    batch = populations.preview_import(
        population=population, content=content, filename=name, by=member
    )
    return 201, _import(batch)


@router.get("/populations/{population_id}/learners", response={200: LearnerPage, **COMMON_ERRORS})
def list_learners(
    request: HttpRequest,
    population_id: int,
    q: str = Query("", max_length=200),
    offset: int = Query(0, ge=0, le=OFFSET_MAX),
    limit: int = Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """The population's learners by name, `limit` from `offset`; `q` searches names, e-mail,
    employee id and site."""
    population = access_population(acting_member(request), population_id)
    found = selectors.members_of(population, q.strip())
    return {"count": found.count(), "items": [_learner(x) for x in found[offset : offset + limit]]}


@router.patch(
    "/populations/{population_id}/learners/{learner_id}", response={200: LearnerOut, **WRITE_ERRORS}
)
def update_learner(
    request: HttpRequest, population_id: int, learner_id: int, payload: LearnerPatch
) -> dict[str, Any]:
    """Corrects a learner of the population, held to the import's rules (409 with the fields at
    fault in `errors`). A new e-mail address ends the access opened with the old one."""
    member = acting_member(request)
    population = access_population(member, population_id)
    learner = access_learner(member, population, learner_id)
    given = {k: v or "" for k, v in payload.model_dump(exclude_unset=True).items()}
    fields = {key: getattr(learner, key) for key in FIELDS} | given
    updated = learners.update_learner(
        population=population, learner=learner, fields=fields, by=member
    )
    return _learner(updated)


@router.post("/population-imports/{import_id}/commit", response={200: ImportOut, **WRITE_ERRORS})
def commit_import(request: HttpRequest, import_id: int) -> dict[str, Any]:
    """All or nothing; a second commit of the same import answers 409."""
    member = acting_member(request)
    batch = populations.commit_import(batch=access_import(member, import_id), by=member)
    return _import(batch)


@router.post("/engagements/{engagement_id}/assignments", response={201: AssignOut, **WRITE_ERRORS})
def assign(
    request: HttpRequest, engagement_id: int, payload: AssignIn
) -> tuple[int, dict[str, int]]:
    """Assigns an active version to a population or to learners; 409 for any other version."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    version = ModuleVersion.objects.filter(
        pk=payload.version_id, module__engagement=engagement
    ).first()
    if version is None:
        raise Http404
    if payload.population_id is not None:
        population = engagement.populations.filter(pk=payload.population_id).first()
        if population is None:
            raise Http404
        created = assignments.assign_population(
            version=version, population=population, due_on=payload.due_on, by=member
        )
    else:
        created = assignments.assign_learners(
            version=version, learner_ids=payload.learner_ids, due_on=payload.due_on, by=member
        )
    return 201, {"created": created}


@router.patch(
    "/recertification-campaigns/{campaign_id}", response={200: CampaignOut, **WRITE_ERRORS}
)
def update_campaign(request: HttpRequest, campaign_id: int, payload: CampaignIn) -> dict[str, Any]:
    """A new due date for the campaign and its assignments still open (client owner or the
    provider's project manager)."""
    member = acting_member(request)
    campaign = recertification.change_campaign_due_date(
        campaign=access_campaign(member, campaign_id), due_on=payload.due_on, by=member
    )
    return _campaign(campaign)


@router.get("/me/assignments", response={200: list[AssignmentOut], **COMMON_ERRORS})
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    member = acting_member(request)
    return [
        _assignment(a) for a in selectors.my_assignments(member.user_id, member.organization_id)
    ]


@router.post("/me/assignments/{assignment_id}/attempts", response={201: AttemptOut, **WRITE_ERRORS})
def start_attempt(request: HttpRequest, assignment_id: int) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    attempt = attempts.start_attempt(assignment=access_own_assignment(member, assignment_id))
    return 201, _attempt(attempt)


@router.post(
    "/me/assignments/{assignment_id}/attempts/{number}/submit",
    response={200: AttemptOut, **WRITE_ERRORS},
)
def submit_attempt(
    request: HttpRequest, assignment_id: int, number: int, payload: AnswersIn
) -> dict[str, Any]:
    """Scored on the server; a replay, a late submission or a forged answer set answers 409."""
    member = acting_member(request)
    assignment = access_own_assignment(member, assignment_id)
    attempt = access_own_attempt(member, assignment, number)
    form = {f"item-{key}": values for key, values in payload.answers.items()}
    attempts.submit_attempt(attempt=attempt, form=form, by=member)
    attempt.refresh_from_db()
    return _attempt(attempt)
