"""The client's preview and decision, the diff between versions, the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.errors import Refusal

from . import selectors, services
from .forms import ChangesForm, CommentForm
from .models import Block, ModuleVersion
from .permissions import access_version, can_review
from .services.common import approval_open
from .snapshot import snapshot_of


@login_required
def version_preview(request: HttpRequest, version_id: int) -> HttpResponse:
    member = acting_member(request)
    return _preview(request, member, access_version(member, version_id))


def _preview(
    request: HttpRequest,
    member: Any,
    version: ModuleVersion,
    changes_form: ChangesForm | None = None,
    status: int = 200,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    engagement = version.module.engagement
    snapshot = snapshot_of(version)
    comments = list(version.comments.select_related("author__user"))
    reviewer = can_review(member, engagement)
    can_decide = reviewer and version.status == ModuleVersion.Status.SUBMITTED
    return render(
        request,
        "catalog/version_preview.html",
        {
            "version": version,
            "engagement": engagement,
            "snapshot": snapshot,
            "comments": comments,
            "general_comments": [c for c in comments if not (c.lesson_key or c.item_key)],
            "reviewer": reviewer,
            "can_decide": can_decide,
            "can_approve": can_decide and approval_open(engagement),
            # A refused comment comes back in its own box (lesson or question), as typed.
            "comment_form": comment_form,
            "comment_key": _comment_key(comment_form.data) if comment_form else "",
            "changes_form": changes_form or ChangesForm(),
        },
        status=status,
    )


def _comment_key(data: Any) -> str:
    return str(data.get("lesson_key") or data.get("item_key") or "")


def _preview_url(version: ModuleVersion, anchor: str = "") -> str:
    return reverse("catalog:preview", args=[version.pk]) + anchor


@login_required
@require_POST
def comment_add(request: HttpRequest, version_id: int) -> HttpResponse:
    member = acting_member(request)
    version = access_version(member, version_id)
    key = _comment_key(request.POST)
    # The id of the box's textarea (the page holds one box per lesson and per question).
    form = CommentForm(request.POST, auto_id=f"c-{key}-%s")
    if not form.is_valid():
        if key:
            return _preview(request, member, version, status=400, comment_form=form)
        messages.error(request, _("The comment is empty."))
        return redirect(_preview_url(version))
    return act(
        request,
        lambda: services.add_comment(version=version, by=member, **form.cleaned_data),
        _("Your comment is recorded."),
        _preview_url(version, f"#{key}" if key else ""),
    )


@login_required
@require_POST
def version_approve(request: HttpRequest, version_id: int) -> HttpResponse:
    member = acting_member(request)
    version = access_version(member, version_id)
    return act(
        request,
        lambda: services.approve_version(version=version, by=member),
        _("You approved version %(label)s.") % {"label": version.label},
        _preview_url(version),
    )


@login_required
@require_POST
def version_request_changes(request: HttpRequest, version_id: int) -> HttpResponse:
    member = acting_member(request)
    version = access_version(member, version_id)
    form = ChangesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing is sent: say what must change."))
        return _preview(request, member, version, form, status=400)
    try:
        services.request_changes(version=version, by=member, reason=form.cleaned_data["reason"])
    except Refusal as refusal:  # shown again with the text typed, which is not lost
        messages.error(request, refusal.message)
        return _preview(request, member, version, form, status=refusal.status)
    messages.success(request, _("Your request for changes is sent to the provider."))
    return redirect(_preview_url(version))


@login_required
def version_diff(request: HttpRequest, version_id: int, other_id: int) -> HttpResponse:
    member = acting_member(request)
    version = access_version(member, version_id)
    other = access_version(member, other_id)
    if other.module_id != version.module_id:
        raise Http404
    old, new, diff = selectors.compared(version, other)
    return render(
        request,
        "catalog/version_diff.html",
        {
            "old": old,
            "new": new,
            "engagement": version.module.engagement,
            "diff": diff,
            "lessons": [lesson for lesson in diff.lessons if lesson.changed],
            "items": [item for item in diff.items if item.changed],
            "sources": [source for source in diff.sources if source.status != "unchanged"],
        },
    )


def _files(version: ModuleVersion) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for block in Block.objects.filter(lesson__version=version).exclude(sha256=""):
        with default_storage.open(str(block.file.name), "rb") as handle:
            files[block.sha256] = handle.read()
    return files


def scorm_response(version: ModuleVersion) -> HttpResponse:
    from saveit.accounts.selectors import provider_organization as provider

    from .scorm import PackageContext, build_scorm_package, scorm_filename

    if version.status != ModuleVersion.Status.ACTIVE:
        raise Http404  # only what the client activated leaves the platform
    snapshot = snapshot_of(version)
    client = version.module.engagement.client
    issuer = provider()
    context = PackageContext(
        client_name=client.name,
        client_key=client.slug,
        module_id=version.module_id,
        provider_name=issuer.name if issuer else "SAVE IT",
    )
    response = HttpResponse(
        build_scorm_package(snapshot, _files(version), context=context),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{scorm_filename(snapshot)}"'
    return response


@login_required
def version_scorm(request: HttpRequest, version_id: int) -> HttpResponse:
    return scorm_response(access_version(acting_member(request), version_id))


@login_required
def block_file(request: HttpRequest, version_id: int, sha256: str) -> FileResponse:
    member = acting_member(request)
    version = access_version(member, version_id)
    block = Block.objects.filter(lesson__version=version, sha256=sha256).first()
    if block is None or not block.file:
        raise Http404
    return FileResponse(
        default_storage.open(str(block.file.name), "rb"),
        content_type=block.media_type or "application/octet-stream",
        filename=block.name,
        as_attachment=block.kind != Block.Kind.IMAGE,
    )
