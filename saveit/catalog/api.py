"""Modules API, mounted at /api/v1/: modules of an engagement, versions, review, PV, SCORM."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import model_validator

from saveit.accounts.permissions import acting_member
from saveit.core.api_support import COMMON_ERRORS, ErrorOut, Id
from saveit.engagements.permissions import access_engagement

from . import selectors, services
from .models import Block, Lesson, ModuleVersion
from .permissions import access_version
from .snapshot import snapshot_of

router = Router(tags=["modules"])
WRITE_ERRORS: dict[int, Any] = {**COMMON_ERRORS, 409: ErrorOut}


class ModuleVersionOut(Schema):
    id: int
    module_id: int
    module_code: str
    label: str
    status: str
    title: str
    content_sha256: str
    submitted_at: datetime | None
    activated_at: datetime | None
    outdated: bool
    unreviewed: int


class VersionDetailOut(ModuleVersionOut):
    snapshot: dict[str, Any]
    outdated_changes: list[dict[str, Any]]


class ModuleOut(Schema):
    id: int
    code: str
    title: str
    in_scope: bool
    versions: list[ModuleVersionOut]


class ModuleIn(Schema):
    title: str = Field("", max_length=200)
    source_version_ids: list[Id] = Field(..., min_length=1, max_length=20)
    propose: bool = True


class SettingsIn(Schema):
    """Partial update: a field left out keeps its current value (so a client that sends only the
    title never erases the objectives). `time_limit_minutes: null` removes the time limit; any
    other field may not be null."""

    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, max_length=10000)
    objectives: list[str] | None = Field(None, max_length=30)
    prerequisites: str | None = Field(None, max_length=5000)
    duration_minutes: int | None = Field(None, ge=1, le=10000)
    items_per_attempt: int | None = Field(None, ge=1, le=500)
    randomise: bool | None = None
    pass_mark: int | None = Field(None, ge=1, le=100)
    max_attempts: int | None = Field(None, ge=1, le=100)
    time_limit_minutes: int | None = Field(None, ge=1, le=10000)
    validity_months: int | None = Field(None, ge=1, le=600)

    @model_validator(mode="after")
    def _only_the_time_limit_may_be_null(self) -> SettingsIn:
        nulls = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name != "time_limit_minutes"
        )
        if nulls:
            raise ValueError(
                _("These fields cannot be empty: %(fields)s.") % {"fields": ", ".join(nulls)}
            )
        return self


class LessonIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    source_anchor: str = Field("", max_length=120)
    source_version_id: int | None = Field(
        None, description="The source document version of the anchor, when several hold it."
    )


class LessonOut(Schema):
    id: int
    key: str
    position: int


class MoveIn(Schema):
    direction: Literal["up", "down"]


class BlockUpdateIn(Schema):
    """The edit of a block: its kind stays; the fields that kind does not use are ignored."""

    html: str = Field("", max_length=50000)
    url: str = Field("", max_length=200)
    alt: str = Field("", max_length=300)


class BlockOut(Schema):
    id: int
    lesson_id: int
    position: int
    kind: str
    html: str
    url: str
    name: str
    alt: str
    sha256: str
    media_type: str


class ItemIn(Schema):
    kind: str = Field(..., max_length=12)
    prompt: str = Field(..., min_length=1, max_length=5000)
    choices: list[str] = Field(default_factory=list, max_length=20)
    correct: list[int] = Field(default_factory=list, max_length=20)
    answer: Decimal | None = Field(None, max_digits=14, decimal_places=4)
    tolerance: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=4)
    unit: str = Field("", max_length=40)
    feedback: str = Field("", max_length=5000)
    source_anchors: list[str] = Field(..., min_length=1, max_length=20)
    source_version_id: int | None = Field(
        None, description="The source document version of the anchors, when several hold them."
    )


class KeysIn(Schema):
    keys: list[str] = Field(..., min_length=1, max_length=500)


class CommentIn(Schema):
    body: str = Field(..., min_length=1, max_length=5000)
    lesson_key: str = Field("", max_length=20)
    item_key: str = Field("", max_length=20)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)


class NewVersionIn(Schema):
    major: bool = False


class RecordOut(Schema):
    id: int
    revision: int
    document_id: int | None
    state: str
    modules: list[dict[str, Any]]


def _version(v: ModuleVersion, detail: bool = False) -> dict[str, Any]:
    out = {
        "id": v.pk,
        "module_id": v.module_id,
        "module_code": v.module.code,
        "label": v.label,
        "status": v.status,
        "title": v.title,
        "content_sha256": v.content_sha256,
        "submitted_at": v.submitted_at,
        "activated_at": v.activated_at,
        "outdated": v.is_outdated,
        "unreviewed": v.lessons.filter(reviewed=False).count()
        + v.items.filter(reviewed=False).count(),
    }
    if detail:
        out |= {"snapshot": snapshot_of(v), "outdated_changes": v.outdated_changes}
    return out


def _detail(v: ModuleVersion) -> dict[str, Any]:
    return _version(ModuleVersion.objects.select_related("module").get(pk=v.pk), detail=True)


@router.get(
    "/engagements/{engagement_id}/modules", response={200: list[ModuleOut], **COMMON_ERRORS}
)
def list_modules(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    visible = selectors.versions_visible_to(member).select_related("module")
    return [
        {
            "id": m.pk,
            "code": m.code,
            "title": m.title,
            "in_scope": m.in_scope,
            "versions": [_version(v) for v in visible.filter(module=m).order_by("major", "minor")],
        }
        for m in selectors.modules_of(engagement)
    ]


@router.post(
    "/engagements/{engagement_id}/modules", response={201: VersionDetailOut, **WRITE_ERRORS}
)
def create_module(
    request: HttpRequest, engagement_id: int, payload: ModuleIn
) -> tuple[int, dict[str, Any]]:
    """Create a module and its draft 1.0, proposed from the procedures' outlines."""
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    version = services.create_module(
        engagement=engagement,
        by=member,
        title=payload.title,
        source_version_ids=payload.source_version_ids,
        propose=payload.propose,
    )
    return 201, _detail(version)


@router.get("/module-versions/{version_id}", response={200: VersionDetailOut, **COMMON_ERRORS})
def get_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    return _detail(access_version(acting_member(request), version_id))


@router.put(
    "/module-versions/{version_id}/settings", response={200: VersionDetailOut, **WRITE_ERRORS}
)
def put_settings(request: HttpRequest, version_id: int, payload: SettingsIn) -> dict[str, Any]:
    member = acting_member(request)
    version = access_version(member, version_id)
    given = payload.dict(exclude_unset=True)
    data = replace(services.VersionSettings.of(version), **given)
    return _detail(services.update_settings(version=version, by=member, data=data))


@router.post(
    "/module-versions/{version_id}/lessons", response={201: dict[str, Any], **WRITE_ERRORS}
)
def add_lesson(
    request: HttpRequest, version_id: int, payload: LessonIn
) -> tuple[int, dict[str, int | str]]:
    member = acting_member(request)
    version = access_version(member, version_id)
    lesson = services.save_lesson(
        version=version, by=member, data=services.LessonInput(**payload.dict())
    )
    return 201, {"id": lesson.pk, "key": lesson.key}


@router.put(
    "/module-versions/{version_id}/lessons/{lesson_id}",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def put_lesson(
    request: HttpRequest, version_id: int, lesson_id: int, payload: LessonIn
) -> dict[str, int | str]:
    member = acting_member(request)
    version = access_version(member, version_id)
    data = services.LessonInput(**payload.dict())
    lesson = services.save_lesson(version=version, by=member, data=data, lesson_id=lesson_id)
    return {"id": lesson.pk, "key": lesson.key}


@router.delete(
    "/module-versions/{version_id}/lessons/{lesson_id}", response={204: None, **WRITE_ERRORS}
)
def delete_lesson(request: HttpRequest, version_id: int, lesson_id: int) -> tuple[int, None]:
    member = acting_member(request)
    version = access_version(member, version_id)
    services.delete_lesson(version=version, by=member, lesson_id=lesson_id)
    return 204, None


@router.post(
    "/module-versions/{version_id}/lessons/{lesson_id}/move",
    response={200: LessonOut, **WRITE_ERRORS},
)
def move_lesson(request: HttpRequest, version_id: int, lesson_id: int, payload: MoveIn) -> Lesson:
    """Swap the lesson with the one above ("up") or below ("down")."""
    member = acting_member(request)
    version = access_version(member, version_id)
    return services.move_lesson(
        version=version, by=member, lesson_id=lesson_id, direction=payload.direction
    )


@router.post(
    "/module-versions/{version_id}/lessons/{lesson_id}/blocks",
    response={201: BlockOut, **WRITE_ERRORS},
)
def add_block(
    request: HttpRequest,
    version_id: int,
    lesson_id: int,
    kind: Form[str],
    html: Form[str] = "",
    url: Form[str] = "",
    alt: Form[str] = "",
    file: File[UploadedFile | None] = None,
) -> tuple[int, Block]:
    """A content block at the end of the lesson (multipart form; `file` for images and
    attachments, `alt` required for an image)."""
    member = acting_member(request)
    version = access_version(member, version_id)
    upload = (file.read(), file.name or "") if file is not None else None
    data = services.BlockInput(kind=kind, html=html, url=url, alt=alt, upload=upload)
    return 201, services.save_block(version=version, by=member, lesson_id=lesson_id, data=data)


@router.put(
    "/module-versions/{version_id}/blocks/{block_id}", response={200: BlockOut, **WRITE_ERRORS}
)
def put_block(
    request: HttpRequest, version_id: int, block_id: int, payload: BlockUpdateIn
) -> Block:
    """Edit a block: the text of a text or callout, the link of a video, an image's alt text."""
    member = acting_member(request)
    version = access_version(member, version_id)
    data = services.BlockInput(kind="", **payload.dict())
    return services.save_block(version=version, by=member, block_id=block_id, data=data)


@router.delete(
    "/module-versions/{version_id}/blocks/{block_id}", response={204: None, **WRITE_ERRORS}
)
def delete_block(request: HttpRequest, version_id: int, block_id: int) -> tuple[int, None]:
    member = acting_member(request)
    version = access_version(member, version_id)
    services.delete_block(version=version, by=member, block_id=block_id)
    return 204, None


@router.post(
    "/module-versions/{version_id}/blocks/{block_id}/move",
    response={200: BlockOut, **WRITE_ERRORS},
)
def move_block(request: HttpRequest, version_id: int, block_id: int, payload: MoveIn) -> Block:
    """Swap the block with the one above ("up") or below ("down") in its lesson."""
    member = acting_member(request)
    version = access_version(member, version_id)
    return services.move_block(
        version=version, by=member, block_id=block_id, direction=payload.direction
    )


@router.post("/module-versions/{version_id}/items", response={201: dict[str, Any], **WRITE_ERRORS})
def add_item(
    request: HttpRequest, version_id: int, payload: ItemIn
) -> tuple[int, dict[str, int | str]]:
    member = acting_member(request)
    version = access_version(member, version_id)
    item = services.save_item(version=version, by=member, data=services.ItemInput(**payload.dict()))
    return 201, {"id": item.pk, "key": item.key}


@router.put(
    "/module-versions/{version_id}/items/{item_id}", response={200: dict[str, Any], **WRITE_ERRORS}
)
def put_item(
    request: HttpRequest, version_id: int, item_id: int, payload: ItemIn
) -> dict[str, int | str]:
    member = acting_member(request)
    version = access_version(member, version_id)
    data = services.ItemInput(**payload.dict())
    item = services.save_item(version=version, by=member, data=data, item_id=item_id)
    return {"id": item.pk, "key": item.key}


@router.post(
    "/module-versions/{version_id}/accept", response={200: VersionDetailOut, **WRITE_ERRORS}
)
def accept(request: HttpRequest, version_id: int, payload: KeysIn) -> dict[str, Any]:
    """Accept generated lessons or items (by key) as they are."""
    member = acting_member(request)
    version = access_version(member, version_id)
    services.accept_proposals(version=version, by=member, keys=payload.keys)
    return _detail(version)


@router.post(
    "/module-versions/{version_id}/submit", response={200: VersionDetailOut, **WRITE_ERRORS}
)
def submit(request: HttpRequest, version_id: int) -> dict[str, Any]:
    member = acting_member(request)
    return _detail(services.submit_version(version=access_version(member, version_id), by=member))


@router.post(
    "/module-versions/{version_id}/new-version", response={201: VersionDetailOut, **WRITE_ERRORS}
)
def new_version(
    request: HttpRequest, version_id: int, payload: NewVersionIn
) -> tuple[int, dict[str, Any]]:
    member = acting_member(request)
    version = access_version(member, version_id)
    return 201, _detail(services.create_version(version=version, by=member, major=payload.major))


@router.post(
    "/module-versions/{version_id}/comments", response={201: dict[str, int], **WRITE_ERRORS}
)
def comment(
    request: HttpRequest, version_id: int, payload: CommentIn
) -> tuple[int, dict[str, int]]:
    member = acting_member(request)
    version = access_version(member, version_id)
    created = services.add_comment(version=version, by=member, **payload.dict())
    return 201, {"id": created.pk}


@router.post(
    "/module-versions/{version_id}/approve", response={200: VersionDetailOut, **WRITE_ERRORS}
)
def approve(request: HttpRequest, version_id: int) -> dict[str, Any]:
    member = acting_member(request)
    return _detail(services.approve_version(version=access_version(member, version_id), by=member))


@router.post(
    "/module-versions/{version_id}/request-changes",
    response={200: VersionDetailOut, **WRITE_ERRORS},
)
def changes(request: HttpRequest, version_id: int, payload: ReasonIn) -> dict[str, Any]:
    member = acting_member(request)
    version = access_version(member, version_id)
    return _detail(services.request_changes(version=version, by=member, reason=payload.reason))


@router.post(
    "/engagements/{engagement_id}/acceptance-record", response={201: RecordOut, **WRITE_ERRORS}
)
def acceptance_record(request: HttpRequest, engagement_id: int) -> tuple[int, dict[str, Any]]:
    """Generate the PV listing the approved versions; the client owner signs its document."""
    from saveit.engagements.signing import state_of

    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    record = services.generate_acceptance_record(engagement=engagement, by=member)
    return 201, {
        "id": record.pk,
        "revision": record.revision,
        "document_id": record.document_id,
        "state": str(state_of(record)),
        "modules": record.snapshot["modules"],
    }


@router.get("/module-versions/{version_id}/scorm", response={200: None, **COMMON_ERRORS})
def scorm(request: HttpRequest, version_id: int) -> HttpResponse:
    """The SCORM 1.2 package of an active version (404 for any other)."""
    from .views_review import scorm_response

    return scorm_response(access_version(acting_member(request), version_id))
