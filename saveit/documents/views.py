"""The client's procedures of one engagement: upload, versions, outline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.errors import Refusal
from saveit.core.uploads import refused_upload
from saveit.engagements.permissions import access_engagement, can_add_sources

from . import selectors
from .forms import VersionUploadForm
from .models import DocumentVersion
from .permissions import access_version
from .services import VersionInput, put_in_force, upload_version


@login_required
def source_list(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    may_upload = can_add_sources(member, engagement) and engagement.closed_at is None
    sources = list(selectors.sources_of(engagement))
    form = VersionUploadForm(
        request.POST or None,
        request.FILES or None,
        sources=[(s.pk, s.title) for s in sources],
        scopes=selectors.expected_scopes(engagement),
    )
    if request.method == "POST":
        if not may_upload:
            raise PermissionDenied
        too_big = refused_upload(request)
        if too_big is not None:  # the body was stopped at the size limit: only this is said
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", too_big.message)
        elif form.is_valid():
            data = VersionInput(
                title=form.cleaned_data["title"],
                version_label=form.cleaned_data["version_label"],
                scopes=form.all_scopes(),
                owner_name=form.cleaned_data["owner_name"],
                status=form.cleaned_data["status"],
                source_id=form.cleaned_data["source"],
            )
            try:
                version = upload_version(
                    engagement=engagement,
                    by=member,
                    uploaded_file=form.cleaned_data["file"],
                    data=data,
                )
            except Refusal as refusal:
                form.add_error("file", refusal.message)
            else:
                messages.success(request, _uploaded_message(version))
                return redirect("documents:version", engagement.pk, version.pk)
    context = {
        "engagement": engagement,
        "sources": sources,
        "duplicates": selectors.duplicate_hashes(engagement),
        "form": form if may_upload else None,
        "may_change": may_upload,
    }
    return render(request, "documents/source_list.html", context)


def _uploaded_message(version: DocumentVersion) -> str:
    names = {"title": version.source.title, "version": version.version_label}
    if version.extraction == DocumentVersion.Extraction.PENDING:
        return (
            _(
                "%(title)s, version %(version)s, is stored. The file is large: it is being "
                "analysed in the background, and this page shows its outline as soon as it is "
                "ready."
            )
            % names
        )
    return _("%(title)s, version %(version)s, is uploaded: %(n)s sections found.") % {
        **names,
        "n": len(version.outline.get("sections", [])),
    }


@login_required
def version_detail(request: HttpRequest, engagement_id: int, version_id: int) -> HttpResponse:
    version = access_version(acting_member(request), engagement_id, version_id)
    if request.htmx:  # type: ignore[attr-defined]
        # The pending analysis polls this page: once it is over, the whole page is shown again.
        if version.extraction == DocumentVersion.Extraction.PENDING:
            return render(request, "documents/version_detail.html#analysis", {"version": version})
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    from .ingest.outline import Outline

    outline = Outline.from_json(version.outline)
    return render(
        request,
        "documents/version_detail.html",
        {
            "engagement": version.source.engagement,
            "version": version,
            "outline": outline,
            "others": version.source.versions.exclude(pk=version.pk),
        },
    )


@login_required
def version_file(request: HttpRequest, engagement_id: int, version_id: int) -> FileResponse:
    version = access_version(acting_member(request), engagement_id, version_id)
    return FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=version.media_type,
    )


@login_required
@require_POST
def version_put_in_force(request: HttpRequest, engagement_id: int, version_id: int) -> HttpResponse:
    member = acting_member(request)
    version = access_version(member, engagement_id, version_id)
    return act(
        request,
        lambda: put_in_force(version=version, by=member),
        _("%(title)s, version %(version)s, is now in force; the previous version is superseded.")
        % {"title": version.source.title, "version": version.version_label},
        reverse("documents:sources", args=[engagement_id]),
    )
