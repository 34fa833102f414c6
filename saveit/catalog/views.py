"""The modules of an engagement: list, creation from procedures, acceptance record."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.actions import act
from saveit.core.errors import Refusal
from saveit.core.versions import version_tag
from saveit.documents.selectors import in_force_versions
from saveit.engagements.permissions import access_engagement, can_manage_engagement
from saveit.engagements.signing import State, owner_signature, state_of

from . import selectors, services
from .forms import ModuleCreateForm
from .permissions import can_design, can_review


def _source_choices(engagement) -> list[tuple[int, str]]:
    return [
        (v.pk, f"{v.source.title} · {version_tag(v.version_label)}")
        for v in in_force_versions(engagement).select_related("source")
    ]


@login_required
def module_list(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    designer = can_design(member)
    form = ModuleCreateForm(request.POST or None, sources=_source_choices(engagement))
    if request.method == "POST":
        if not designer:
            raise Http404
        if form.is_valid():
            try:
                version = services.create_module(
                    engagement=engagement,
                    by=member,
                    title=form.cleaned_data["title"],
                    source_version_ids=form.cleaned_data["sources"],
                    propose=form.cleaned_data["propose"],
                    code=form.cleaned_data["code"],
                )
            except Refusal as refusal:
                form.add_error(
                    "code" if refusal.code.startswith("module_code") else None, refusal.message
                )
            else:
                messages.success(request, _("The module is created: review what was proposed."))
                return redirect("catalog:version", version.pk)
    record = selectors.current_acceptance_record(engagement)
    visible = selectors.versions_visible_to(member)
    rows = [
        {
            "module": module,
            "versions": list(visible.filter(module=module).order_by("-major", "-minor")),
            "in_review": version,
        }
        for module, version in selectors.scope_versions(engagement).items()
    ]
    return render(
        request,
        "catalog/module_list.html",
        {
            "engagement": engagement,
            "rows": rows,
            "form": form,
            "can_design": designer,
            "can_manage": can_manage_engagement(member),
            "is_owner": can_review(member, engagement),
            "record": record,
            "record_state": state_of(record),
            # A signed record listing the whole scope is final: no new revision to offer.
            "record_final": state_of(record) == State.SIGNED
            and selectors.record_lists_scope(engagement, record),
            "record_signature": owner_signature(record) if record and record.document_id else None,
            "outdated": selectors.outdated_versions(engagement).filter(pk__in=visible.values("pk")),
        },
    )


@login_required
@require_POST
def acceptance_record_generate(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id, manage=True)
    return act(
        request,
        lambda: services.generate_acceptance_record(engagement=engagement, by=member),
        _("The validation record is issued for the client's signature."),
        reverse("catalog:modules", args=[engagement.pk]),
    )
