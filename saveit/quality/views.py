"""Quality pages: the quality manager's home, profile, self-assessment and the registers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.models import Membership, Organization
from saveit.accounts.permissions import acting_member
from saveit.accounts.roles import OrganizationKind
from saveit.catalog.models import Module
from saveit.core.errors import Refusal

from . import audits as audit_services
from . import forms, selectors, services, sources
from .applicability import ACTIVITY_LABELS, CATEGORY_LABELS
from .models import Indicator, NonConformity, OfferSheet
from .permissions import access_offer, can_manage_quality, managed_provider, quality_provider


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"can_manage": can_manage_quality(getattr(request, "member", None)), **extra}


def _framework_or_404(code: str) -> Any:
    framework = selectors.framework_by_code(code)
    if framework is None:
        raise Http404
    return framework


@login_required
def home(request: HttpRequest) -> HttpResponse:
    provider = quality_provider(acting_member(request))
    today = timezone.localdate()
    framework = selectors.framework_by_code("qualiopi")
    assert framework is not None
    coverage = selectors.coverage(framework, provider)
    deadlines = []
    for fw in selectors.frameworks():
        deadlines += audit_services.cycle_deadlines(provider, fw)
    ncs = audit_services.open_nonconformities(provider)
    from .models import ImprovementAction

    return render(
        request,
        "quality/home.html",
        _ctx(
            request,
            provider=provider,
            framework=framework,
            coverage=coverage,
            figures=selectors.home_figures(provider, today),
            deadlines=deadlines,
            ncs=ncs,
            today=today,
            profile=selectors.profile_of(provider),
            complaints=selectors.open_complaints_of(provider)[:10],
            actions=ImprovementAction.objects.filter(
                organization=provider, status__in=("planned", "in_progress")
            ).select_related("owner__user")[:10],
        ),
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    provider = quality_provider(member)
    current = selectors.profile_of(provider)
    initial = (
        {"categories": current.categories, "activities": current.activities} if current else {}
    )
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            try:
                services.save_profile(
                    organization=provider,
                    categories=form.cleaned_data["categories"],
                    activities=form.cleaned_data["activities"],
                    by=member,
                )
            except Refusal as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Profile saved: the applicable indicators follow it."))
                return redirect("quality:profile")
    framework = selectors.framework_by_code("qualiopi")
    assert framework is not None
    excluded = [r for r in selectors.indicator_rows(framework, provider) if not r.applies]
    return render(
        request,
        "quality/profile.html",
        _ctx(
            request,
            form=form,
            profile=current,
            excluded=excluded,
            categories=CATEGORY_LABELS,
            activities=ACTIVITY_LABELS,
        ),
    )


@login_required
def framework(request: HttpRequest, code: str) -> HttpResponse:
    provider = quality_provider(acting_member(request))
    fw = _framework_or_404(code)
    rows = selectors.framework_rows(fw, provider)
    return render(
        request,
        "quality/framework.html",
        _ctx(
            request,
            framework=fw,
            rows=rows,
            coverage=selectors.coverage(fw, provider),
            frameworks=selectors.frameworks(),
        ),
    )


@login_required
def indicator(request: HttpRequest, code: str, number: int) -> HttpResponse:
    member = acting_member(request)
    provider = quality_provider(member)
    fw = _framework_or_404(code)
    found = Indicator.objects.filter(framework=fw, number=number).first()
    if found is None:
        raise Http404
    row = next(
        r
        for r in selectors.indicator_rows(fw, provider, with_evidence=True)
        if r.indicator.pk == found.pk
    )
    a = row.assessment
    form = forms.AssessForm(
        request.POST or None,
        initial={
            "level": a.level if a else None,
            "shown_to_auditor": a.shown_to_auditor if a else "",
        },
    )
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            services.assess_indicator(
                provider=provider,
                indicator=found,
                level=form.cleaned_data["level"],
                shown_to_auditor=form.cleaned_data["shown_to_auditor"],
                by=member,
            )
            messages.success(request, _("Self-assessment saved."))
            return redirect("quality:indicator", code, number)
    return render(
        request,
        "quality/indicator.html",
        _ctx(
            request,
            framework=fw,
            row=row,
            form=form,
            nonconformities=NonConformity.objects.filter(
                organization=provider, indicator=found
            ).select_related("audit"),
        ),
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    provider = managed_provider(member)
    links = services.refresh_evidence(provider=provider)
    messages.success(request, _("Evidence collected again: %(n)s links.") % {"n": links})
    return redirect(request.POST.get("next") or "quality:home")


# ---------------------------------------------------------------- offer sheets


@login_required
def offers(request: HttpRequest) -> HttpResponse:
    member = acting_member(request)
    provider = quality_provider(member)
    form = forms.OfferSheetForm(request.POST or None)
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            try:
                sheet = services.create_offer_sheet(
                    provider=provider,
                    code=form.cleaned_data["code"],
                    title=form.cleaned_data["title"],
                    by=member,
                )
            except Refusal as refusal:
                form.add_error("code", refusal.message)
            else:
                return redirect("quality:offer", sheet.pk)
    sheets = OfferSheet.objects.filter(organization=provider).prefetch_related("versions")
    return render(request, "quality/offers.html", _ctx(request, sheets=sheets, form=form))


@login_required
def offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    member = acting_member(request)
    sheet = access_offer(member, offer_id)
    current = sheet.current
    version_form = forms.OfferVersionForm(
        request.POST or None,
        instance=None,
        initial=({name: getattr(current, name) for name in current.ITEMS} if current else {}),
        prefix="v",
    )
    links_form = forms.OfferLinksForm(
        request.POST or None,
        prefix="l",
        modules=Module.objects.order_by("code"),
        clients=Organization.objects.filter(kind=OrganizationKind.CLIENT).order_by("name"),
        initial={"modules": sheet.modules.all(), "clients_citable": sheet.clients_citable.all()},
    )
    if request.method == "POST":
        sheet = access_offer(member, offer_id, manage=True)
        if "publish" in request.POST and version_form.is_valid():
            version = services.publish_offer_version(
                sheet=sheet, fields=version_form.cleaned_data, by=member
            )
            messages.success(request, _("Version %(n)s published.") % {"n": version.number})
            return redirect("quality:offer", sheet.pk)
        if "link" in request.POST and links_form.is_valid():
            services.link_offer(
                sheet=sheet,
                module_ids=[m.pk for m in links_form.cleaned_data["modules"]],
                citable_client_ids=[c.pk for c in links_form.cleaned_data["clients_citable"]],
                by=member,
            )
            messages.success(request, _("Offer links saved."))
            return redirect("quality:offer", sheet.pk)
    return render(
        request,
        "quality/offer.html",
        _ctx(
            request,
            sheet=sheet,
            current=current,
            versions=sheet.versions.all(),
            version_form=version_form,
            links_form=links_form,
        ),
    )


def offer_results(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Public and dated: counts only, no personal data, clients only when they agreed."""
    sheet = OfferSheet.objects.filter(pk=offer_id, is_public=True).first()
    if sheet is None:
        raise Http404
    return render(
        request,
        "quality/offer_results.html",
        {
            "results": selectors.offer_results(sheet),
            "sheet": sheet,
            "current": sheet.current,
        },
    )


# ---------------------------------------------------------------- registers


def _register(
    request: HttpRequest, template: str, form_class: Any, create: Any, items: Any, **extra: Any
) -> HttpResponse:
    member = acting_member(request)
    quality_provider(member)
    form = form_class(request.POST or None)
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            create(provider, member, form.cleaned_data)
            messages.success(request, _("Recorded."))
            return redirect(request.path)
    return render(request, template, _ctx(request, form=form, items=items(member), **extra))


@login_required
def watch(request: HttpRequest) -> HttpResponse:
    from .models import WatchEntry

    return _register(
        request,
        "quality/watch.html",
        forms.WatchForm,
        lambda p, m, d: services.add_watch_entry(provider=p, by=m, module_id=None, **d),
        lambda m: WatchEntry.objects.filter(organization=m.organization),
    )


@login_required
def subcontractors(request: HttpRequest) -> HttpResponse:
    from .models import Subcontractor

    return _register(
        request,
        "quality/subcontractors.html",
        forms.SubcontractorForm,
        lambda p, m, d: services.add_subcontractor(provider=p, by=m, **d),
        lambda m: Subcontractor.objects.filter(organization=m.organization),
    )


@login_required
def disability(request: HttpRequest) -> HttpResponse:
    from .models import AccessibilityCheck, Accommodation, DisabilityReferent

    member = acting_member(request)
    provider = quality_provider(member)
    kind = request.POST.get("register", "")
    referent_form = forms.ReferentForm(request.POST if kind == "referent" else None, prefix="r")
    accommodation_form = forms.AccommodationForm(
        request.POST if kind == "accommodation" else None, prefix="a"
    )
    check_form = forms.AccessibilityCheckForm(request.POST if kind == "check" else None, prefix="c")
    if request.method == "POST":
        provider = managed_provider(member)
        done = False
        if kind == "referent" and referent_form.is_valid():
            services.add_disability_referent(
                provider=provider, by=member, **referent_form.cleaned_data
            )
            done = True
        elif kind == "accommodation" and accommodation_form.is_valid():
            services.grant_accommodation(
                provider=provider, learner_id=None, by=member, **accommodation_form.cleaned_data
            )
            done = True
        elif kind == "check" and check_form.is_valid():
            services.record_accessibility_check(
                provider=provider, by=member, **check_form.cleaned_data
            )
            done = True
        if done:
            messages.success(request, _("Recorded."))
            return redirect("quality:disability")
    return render(
        request,
        "quality/disability.html",
        _ctx(
            request,
            referents=DisabilityReferent.objects.filter(organization=provider),
            accommodations=Accommodation.objects.filter(organization=provider),
            checks=AccessibilityCheck.objects.filter(organization=provider),
            referent_form=referent_form,
            accommodation_form=accommodation_form,
            check_form=check_form,
        ),
    )


@login_required
def competences(request: HttpRequest) -> HttpResponse:
    from .models import StaffCompetence

    member = acting_member(request)
    provider = quality_provider(member)
    staff = Membership.objects.filter(
        pk__in=[m.pk for m in sources.provider_staff(provider)]
    ).select_related("user")
    form = forms.CompetenceForm(request.POST or None, staff=staff)
    if request.method == "POST":
        provider = managed_provider(member)
        if form.is_valid():
            services.record_competence(provider=provider, by=member, **form.cleaned_data)
            messages.success(request, _("Recorded."))
            return redirect("quality:competences")
    records = StaffCompetence.objects.filter(organization=provider).select_related("member__user")
    covered = {r.member_id for r in records}
    return render(
        request,
        "quality/competences.html",
        _ctx(
            request,
            form=form,
            items=records,
            uncovered=[m for m in staff if m.pk not in covered],
            today=timezone.localdate(),
        ),
    )
