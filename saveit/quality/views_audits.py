"""Pages of the audit follow-up and the audit binder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.core.errors import Refusal
from saveit.core.jobs import start_job

from . import audits as audit_services
from . import forms, selectors
from .models import Audit, Indicator
from .permissions import (
    access_audit,
    access_nonconformity,
    can_manage_quality,
    managed_provider,
    quality_provider,
)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    provider = quality_provider(member)
    form = forms.AuditForm(request.POST or None)
    framework_code = request.POST.get("framework", "qualiopi")
    if request.method == "POST":
        provider = managed_provider(member)
        framework = selectors.framework_by_code(framework_code)
        if framework is None:
            raise Http404
        if form.is_valid():
            d = form.cleaned_data
            audit = audit_services.record_audit(
                provider=provider,
                framework=framework,
                kind=d["kind"],
                body=d["body"],
                held_on=d["held_on"],
                decision_on=d["decision_on"],
                by=member,
            )
            messages.success(request, _("Audit recorded."))
            return redirect("quality:audit", audit.pk)
    deadlines = []
    for fw in selectors.frameworks():
        deadlines += [(fw, d) for d in audit_services.cycle_deadlines(provider, fw)]
    return render(
        request,
        "quality/audits.html",
        {
            "can_manage": can_manage_quality(member),
            "form": form,
            "items": Audit.objects.filter(organization=provider).select_related("framework"),
            "deadlines": deadlines,
            "frameworks": selectors.frameworks(),
            "ncs": audit_services.open_nonconformities(provider),
            "today": timezone.localdate(),
        },
    )


@login_required
def audit_detail(request: HttpRequest, audit_id: int) -> HttpResponse:
    member = acting_member(request)
    audit = access_audit(member, audit_id)
    indicators = Indicator.objects.filter(framework=audit.framework).order_by("number")
    form = forms.NonConformityForm(request.POST or None, indicators=indicators)
    if request.method == "POST":
        audit = access_audit(member, audit_id, manage=True)
        if form.is_valid():
            d = form.cleaned_data
            try:
                nc = audit_services.record_nonconformity(
                    audit=audit,
                    indicator=indicators.get(number=d["indicator"]),
                    grade=d["grade"],
                    description=d["description"],
                    by=member,
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                if nc.grade != d["grade"]:
                    messages.warning(
                        request,
                        _(
                            "This indicator can only give a major non-conformity: "
                            "it was recorded as major."
                        ),
                    )
                else:
                    messages.success(request, _("Non-conformity recorded."))
                return redirect("quality:audit", audit.pk)
    ncs = audit.nonconformities.select_related("indicator")
    return render(
        request,
        "quality/audit.html",
        {
            "can_manage": can_manage_quality(member),
            "audit": audit,
            "form": form,
            "ncs": ncs,
            "resolve_form": forms.ResolveForm(initial={"resolved_on": timezone.localdate()}),
            "outstanding": audit_services.outstanding_minors(audit),
            "counts_as_major": audit_services.minors_count_as_major(audit),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def nonconformity_resolve(request: HttpRequest, nc_id: int) -> HttpResponse:
    member = acting_member(request)
    nc = access_nonconformity(member, nc_id)
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        try:
            audit_services.resolve_nonconformity(nc=nc, by=member, **form.cleaned_data)
        except Refusal as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Non-conformity resolved."))
    else:
        messages.error(request, _("Describe the plan carried out and its date."))
    return redirect("quality:audit", nc.audit_id)


# ---------------------------------------------------------------- binder


@login_required
def binder(request: HttpRequest) -> HttpResponse:
    provider = quality_provider(acting_member(request))
    items = []
    for fw in selectors.frameworks():
        items.append((fw, selectors.coverage(fw, provider)))
    qualiopi = selectors.framework_by_code("qualiopi")
    rows = selectors.indicator_rows(qualiopi, provider) if qualiopi else []
    return render(request, "quality/binder.html", {"items": items, "rows": rows})


@login_required
@require_POST
def binder_start(request: HttpRequest, code: str) -> HttpResponse:
    """Auditors with the QUALITY scope may build it too: reading the binder is their access."""
    member = acting_member(request)
    provider = quality_provider(member)
    framework = selectors.framework_by_code(code)
    if framework is None:
        raise Http404
    number_raw = request.POST.get("indicator", "")
    number = int(number_raw) if number_raw.isdigit() else None
    if (
        number is not None
        and not Indicator.objects.filter(framework=framework, number=number).exists()
    ):
        raise Http404
    title = _("Audit binder %(framework)s") % {"framework": framework.title}
    if number is not None:
        title += " · " + _("indicator %(n)s") % {"n": number}
    job = start_job(
        kind="quality.binder",
        organization_id=provider.pk,
        requested_by=request.user,
        title=title,
        params={"provider": provider.pk, "framework": code, "indicator": number},
    )
    return redirect(reverse("core:job", args=[job.pk]))
