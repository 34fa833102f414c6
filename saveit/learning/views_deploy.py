"""Deployment pages: populations, learner imports, assignments, re-certification campaigns."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saveit.accounts.permissions import acting_member
from saveit.catalog.selectors import assignable_versions
from saveit.core.actions import act
from saveit.core.errors import Refusal
from saveit.core.uploads import read_upload
from saveit.engagements.permissions import access_engagement

from . import selectors
from .forms import AssignForm, CampaignDueForm, ImportForm, LearnerForm, PopulationForm
from .importing import FIELDS
from .models import PopulationImport
from .permissions import (
    access_campaign,
    access_import,
    access_learner,
    access_population,
    can_deploy,
)
from .services import assignments, learners, populations, recertification
from .services.learners import LearnerRefused


def _assign_form(request: HttpRequest, engagement) -> AssignForm:
    return AssignForm(
        request.POST if request.method == "POST" else None,
        versions=[
            (v.pk, f"{v.module.code} · {v.title} v{v.label}")
            for v in assignable_versions(engagement).select_related("module")
        ],
        populations=[(p.pk, p.name) for p in engagement.populations.order_by("name")],
    )


def _due_form(campaign, data=None) -> CampaignDueForm:
    """One form per campaign on the page: the prefix keeps their fields' ids apart."""
    return CampaignDueForm(
        data, prefix=f"campaign-{campaign.pk}", initial={"due_on": campaign.due_on}
    )


def _refused(form: LearnerForm, refusal: Refusal) -> None:
    """A refusal shown beside the fields it concerns, or above the form."""
    if isinstance(refusal, LearnerRefused):
        for key, message in refusal.errors.items():
            form.add_error(key if key in form.fields else None, message)
    else:
        form.add_error(None, refusal.message)


@login_required
def deployment(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    deployer = can_deploy(member, engagement)
    population_form = PopulationForm(request.POST or None, prefix="pop")
    if request.method == "POST":
        if not deployer:
            raise Http404
        if population_form.is_valid():
            try:
                population = populations.create_population(
                    engagement=engagement, by=member, **population_form.cleaned_data
                )
            except Refusal as refusal:
                population_form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Population created: add its learners."))
                return redirect("learning:population", population.pk)
    return render(
        request,
        "learning/deployment.html",
        {
            "engagement": engagement,
            "can_deploy": deployer,
            "populations": selectors.populations_of(engagement),
            "population_form": population_form,
            "assign_form": _assign_form(request, engagement),
            "progress": selectors.version_progress(engagement),
            "campaigns": [
                dict(row, due_form=_due_form(row["campaign"]))
                for row in selectors.campaigns_of(engagement)
            ],
            "active_versions": assignable_versions(engagement).select_related("module"),
        },
    )


@login_required
@require_POST
def assign(request: HttpRequest, engagement_id: int) -> HttpResponse:
    member = acting_member(request)
    engagement = access_engagement(member, engagement_id)
    form = _assign_form(request, engagement)
    back = "learning:deployment"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back, engagement.pk)
    version = assignable_versions(engagement).filter(pk=form.cleaned_data["version"]).first()
    if version is None:
        raise Http404
    due_on = form.cleaned_data["due_on"]
    try:
        if form.cleaned_data["population"]:
            population = engagement.populations.filter(pk=form.cleaned_data["population"]).first()
            if population is None:
                raise Http404
            created = assignments.assign_population(
                version=version, population=population, due_on=due_on, by=member
            )
        else:
            emails = form.email_list()
            found = selectors.learners_by_email(engagement, emails)
            unknown = [e for e in emails if e not in found]
            if unknown:
                raise Refusal(
                    _("Unknown learners in this organisation: %(emails)s.")
                    % {"emails": ", ".join(unknown[:10])}
                )
            created = assignments.assign_learners(
                version=version, learner_ids=list(found.values()), due_on=due_on, by=member
            )
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("%(n)s assignment(s) created; the invitations are being sent.") % {"n": created},
        )
    return redirect(back, engagement.pk)


@login_required
def population_detail(request: HttpRequest, population_id: int) -> HttpResponse:
    member = acting_member(request)
    population = access_population(member, population_id)
    engagement = population.engagement
    deployer = can_deploy(member, engagement)
    learner_form = LearnerForm(request.POST or None, prefix="learner")
    if request.method == "POST":
        if not deployer:
            raise Http404
        if learner_form.is_valid():
            try:
                populations.add_learner(
                    population=population, fields=learner_form.cleaned_data, by=member
                )
            except Refusal as refusal:
                _refused(learner_form, refusal)
            else:
                messages.success(request, _("Learner added to the population."))
                return redirect("learning:population", population.pk)
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.members_of(population, query), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/population.html",
        {
            "engagement": engagement,
            "population": population,
            "page": page,
            "query": query,
            "total": population.members.count(),
            "can_deploy": deployer,
            "learner_form": learner_form,
            "import_form": ImportForm(),
            "imports": population.imports.order_by("-created_at")[:5],
        },
    )


@login_required
@require_POST
def import_upload(request: HttpRequest, population_id: int) -> HttpResponse:
    member = acting_member(request)
    population = access_population(member, population_id)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV or XLSX file."))
        return redirect("learning:population", population.pk)
    try:
        content, name = read_upload(form.cleaned_data["file"], default_name="import")
        batch = populations.preview_import(
            population=population, content=content, filename=name, by=member
        )
    except Refusal as refusal:
        messages.error(request, refusal.message)
        return redirect("learning:population", population.pk)
    return redirect("learning:import", batch.pk)


@login_required
def import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    member = acting_member(request)
    batch = access_import(member, import_id)
    sample = []
    if batch.status == PopulationImport.Status.PREVIEWED and not batch.error_count:
        sample = selectors.import_sample(batch, 10)
    return render(
        request,
        "learning/import_preview.html",
        {
            "batch": batch,
            "population": batch.population,
            "engagement": batch.population.engagement,
            "sample": sample,
            "can_deploy": can_deploy(member, batch.population.engagement),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, import_id: int) -> HttpResponse:
    """Imports the file (or only its valid lines, when asked); a large file in the background."""
    member = acting_member(request)
    batch = access_import(member, import_id)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    back = reverse("learning:import", args=[batch.pk])
    if batch.valid_rows > settings.POPULATION_IMPORT_BACKGROUND_ROWS:
        if not can_deploy(member, batch.population.engagement):
            raise Http404
        try:
            populations.check_committable(batch=batch, by=member)
        except Refusal as refusal:
            messages.error(request, refusal.message)
            return redirect(back)
        from saveit.core.jobs import start_job

        from .jobs import IMPORT_JOB

        job = start_job(
            kind=IMPORT_JOB,
            organization_id=batch.organization_id,
            requested_by=request.user,
            title=_("Import of %(file)s") % {"file": batch.filename},
            params={"batch": batch.pk, "member": member.pk, "skip_invalid": skip_invalid},
        )
        return redirect("core:job", job.pk)
    done = (
        _("The valid lines are imported; download the rejected lines to correct them.")
        if skip_invalid and batch.error_count
        else _("The learners are imported into the population.")
    )
    return act(
        request,
        lambda: populations.commit_import(batch=batch, by=member, skip_invalid=skip_invalid),
        done,
        back
        if skip_invalid and batch.error_count
        else reverse("learning:population", args=[batch.population_id]),
    )


@login_required
def import_rejected(request: HttpRequest, import_id: int, fmt: str) -> HttpResponse:
    """The lines the file's check refused, with the reason, as CSV or XLSX."""
    batch = access_import(acting_member(request), import_id)
    if not batch.error_count:
        raise Http404
    stem = batch.filename.rsplit(".", 1)[0][:80] or "import"
    return _table_file(populations.rejected_table(batch), f"{stem}-rejets", fmt)


@login_required
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The file to fill in: expected column names and one example line."""
    return _table_file(populations.import_template(), "modele-import-apprenants", fmt)


def _table_file(table, stem: str, fmt: str) -> HttpResponse:
    from saveit.core.tables import csv_chunks, to_xlsx

    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif fmt == "csv":
        response = HttpResponse(
            "".join(csv_chunks(table)).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        raise Http404
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in stem)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response


@login_required
@require_POST
def import_discard(request: HttpRequest, import_id: int) -> HttpResponse:
    member = acting_member(request)
    batch = access_import(member, import_id)
    return act(
        request,
        lambda: populations.discard_import(batch=batch, by=member),
        _("The file was discarded: nothing was imported."),
        reverse("learning:population", args=[batch.population_id]),
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, population_id: int, learner_id: int) -> HttpResponse:
    member = acting_member(request)
    population = access_population(member, population_id)
    learner = access_learner(member, population, learner_id)
    return act(
        request,
        lambda: populations.remove_learner(population=population, learner=learner, by=member),
        _("Learner removed from the population."),
        reverse("learning:population", args=[population.pk]),
    )


@login_required
def member_edit(request: HttpRequest, population_id: int, learner_id: int) -> HttpResponse:
    """One learner's record, corrected by hand (shared by every population they belong to)."""
    member = acting_member(request)
    population = access_population(member, population_id)
    learner = access_learner(member, population, learner_id)
    if not can_deploy(member, population.engagement):
        raise Http404
    form = LearnerForm(request.POST or None, initial={k: getattr(learner, k) for k in FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            learners.update_learner(
                population=population, learner=learner, fields=form.cleaned_data, by=member
            )
        except Refusal as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("The learner's record is saved."))
            return redirect("learning:population", population.pk)
    return render(
        request,
        "learning/learner_edit.html",
        {
            "engagement": population.engagement,
            "population": population,
            "learner": learner,
            "form": form,
            "populations": selectors.populations_of_learner(learner, population.engagement),
        },
    )


@login_required
@require_POST
def campaign_due(request: HttpRequest, campaign_id: int) -> HttpResponse:
    member = acting_member(request)
    campaign = access_campaign(member, campaign_id)
    back = reverse("learning:deployment", args=[campaign.module.engagement_id])
    form = _due_form(campaign, request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new due date."))
        return redirect(back)
    return act(
        request,
        lambda: recertification.change_campaign_due_date(
            campaign=campaign, due_on=form.cleaned_data["due_on"], by=member
        ),
        _("The campaign's due date is changed, for everyone who has not finished."),
        back,
    )
