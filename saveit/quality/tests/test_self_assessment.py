"""Self-assessment: evidence collected from the platform's records, what is missing, levels."""

from datetime import date

import pytest
from django.test import Client

from saveit.accounts.roles import AuditorScope, Role
from saveit.quality import complaints, services
from saveit.quality.models import Assessment
from saveit.testing.factories import bearer, make_member, signed_in

pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")


def _entries(member, framework="qualiopi"):
    response = Client().get(
        f"/api/v1/quality/self-assessment?framework={framework}", headers=bearer(member)
    )
    assert response.status_code == 200, response.content
    return {e["number"]: e for e in response.json()}


def test_one_entry_per_indicator_with_levels_and_dated_evidence(provider, quality_manager):
    services.refresh_evidence(provider=provider)
    entries = _entries(quality_manager)
    assert sorted(entries) == list(range(1, 33))
    one = entries[31]
    assert {"number", "applies", "level", "proposed_level", "evidence"} <= set(one)
    assert one["evidence"][0].keys() >= {"kind", "label", "url", "collected_at"}
    assert entries[17]["proposed_level"] == 3 and entries[17]["missing"]  # no support contract


def test_indicator_17_collects_the_sla_reports_and_the_maintenance_register(
    provider, client_org, quality_manager
):
    from datetime import date, timedelta

    from django.utils import timezone

    from saveit.support.models import MaintenanceRecord, SlaReport, SupportContract

    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    contract = SupportContract.objects.create(
        client=client_org, reference="CS-1", title="Support", starts_on=date(2025, 1, 1)
    )
    services.refresh_evidence(provider=provider)
    missing = " ".join(_entries(quality_manager)[17]["missing"])
    assert "SLA" in missing and "maintenance" in missing.lower()

    report = SlaReport.objects.create(contract=contract, month=last_month, closed_at=timezone.now())
    MaintenanceRecord.objects.create(
        contract=contract,
        kind="preventive",
        performed_on=today - timedelta(days=3),
        duration_minutes=30,
        actions="Mise à jour",
        person_in_charge=quality_manager,
    )
    services.refresh_evidence(provider=provider)
    entry = _entries(quality_manager)[17]
    assert {e["kind"] for e in entry["evidence"]} == {"sla_report", "maintenance"}
    assert any(e["url"].endswith(f"/support/rapports/{report.pk}/") for e in entry["evidence"])
    assert entry["missing"] == [] and entry["proposed_level"] == 1


def test_indicators_30_to_32_gain_evidence_from_surveys_complaints_and_actions(
    provider, quality_manager
):
    services.refresh_evidence(provider=provider)
    before = _entries(quality_manager)
    assert before[30]["evidence"] == [] and before[32]["evidence"] == []
    complaint = complaints.file_complaint(
        provider=provider,
        kind="complaint",
        party="public",
        name="A",
        email="a@example.fr",
        subject="Délai",
        description="Trop long",
    )
    complaints.answer_complaint(
        complaint=complaint, answer="Nous raccourcissons le délai.", by=quality_manager
    )
    complaints.open_action(
        provider=provider,
        title="Raccourcir",
        cause="complaint",
        owner=quality_manager,
        due_on=date(2099, 1, 1),
        by=quality_manager,
        complaint=complaint,
    )
    from saveit.quality.models import SurveyRequest
    from saveit.quality.surveys import answer_survey

    request = SurveyRequest.objects.create(
        organization=provider,
        moment="hot",
        respondent="staff",
        name="B",
        email="b@example.fr",
        created_at=complaint.received_at,
    )
    answer_survey(
        request=request,
        scores=dict.fromkeys(("objectives", "methods", "materials", "organisation"), 4),
        comment="",
        share_identity=False,
    )
    services.refresh_evidence(provider=provider)
    after = _entries(quality_manager)
    for n in (30, 31, 32):
        assert len(after[n]["evidence"]) > len(before[n]["evidence"]), n
    assert after[32]["proposed_level"] == 1
    assert after[30]["proposed_level"] == 2  # no cold survey, no funder yet: said missing
    assert any("froid" in m or "cold" in m for m in after[30]["missing"])


def test_missing_offer_items_are_listed_and_the_level_proposed(provider, quality_manager):
    sheet = services.create_offer_sheet(
        provider=provider, code="HYG", title="Hygiène", by=quality_manager
    )
    services.publish_offer_version(
        sheet=sheet, fields={"objectives": "Appliquer", "duration": "2 h"}, by=quality_manager
    )
    services.refresh_evidence(provider=provider)
    entry = _entries(quality_manager)[1]
    assert entry["proposed_level"] == 2 and len(entry["evidence"]) == 1
    assert (
        len(entry["missing"]) == 7
    )  # prerequisites, access, price, contacts, methods, evaluation, accessibility
    services.publish_offer_version(
        sheet=sheet,
        fields={
            n: "x"
            for n in (
                "prerequisites",
                "objectives",
                "duration",
                "access",
                "price",
                "contacts",
                "methods",
                "evaluation",
                "accessibility",
            )
        },
        by=quality_manager,
    )
    services.refresh_evidence(provider=provider)
    assert _entries(quality_manager)[1]["proposed_level"] == 1
    assert sheet.versions.count() == 2  # the first version stays as published


def test_the_manager_sets_the_level_and_what_is_shown(provider, quality_manager, designer):
    r = Client().put(
        "/api/v1/quality/self-assessment/1?framework=qualiopi",
        {"level": 2, "shown_to_auditor": "Site et plaquette"},
        content_type="application/json",
        headers=bearer(quality_manager),
    )
    assert r.status_code == 200 and r.json()["level"] == 2
    r = Client().put(
        "/api/v1/quality/self-assessment/1?framework=qualiopi",
        {"level": 1},
        content_type="application/json",
        headers=bearer(designer),
    )
    assert r.status_code == 403
    assert (
        Assessment.objects.get(indicator__number=1, indicator__framework__code="qualiopi").level
        == 2
    )


def test_clients_never_see_the_self_assessment(provider, owner, manager, learner, auditor):
    for member in (owner, manager, learner, auditor):
        assert (
            Client().get("/api/v1/quality/self-assessment", headers=bearer(member)).status_code
            == 404
        )
        assert signed_in(member).get("/qualite/").status_code == 404
        assert signed_in(member).get("/qualite/referentiels/qualiopi/").status_code == 404


def test_an_auditor_with_the_quality_scope_reads_it_until_the_end_date(provider):
    from datetime import timedelta

    from django.utils import timezone

    auditor = make_member(provider, Role.AUDITOR)
    auditor.scope = AuditorScope.QUALITY
    auditor.expires_at = timezone.now() + timedelta(days=10)
    auditor.save()
    assert signed_in(auditor).get("/qualite/classeur/").status_code == 200
    assert signed_in(auditor).get("/qualite/referentiels/qualiopi/1/").status_code == 200
    auditor.expires_at = timezone.now() - timedelta(days=1)
    auditor.save()
    assert Client().get("/api/v1/quality/self-assessment", headers=bearer(auditor)).status_code in (
        401,
        403,
        404,
    )


def test_the_quality_pages_render(provider, quality_manager):
    services.refresh_evidence(provider=provider)
    browser = signed_in(quality_manager)
    for url in (
        "/qualite/",
        "/qualite/profil/",
        "/qualite/referentiels/qualiopi/",
        "/qualite/referentiels/eduform/",
        "/qualite/referentiels/qualiopi/31/",
        "/qualite/offres/",
        "/qualite/veille/",
        "/qualite/sous-traitants/",
        "/qualite/handicap/",
        "/qualite/competences/",
        "/qualite/enquetes/",
        "/qualite/reclamations/",
        "/qualite/actions/",
        "/qualite/audits/",
        "/qualite/classeur/",
    ):
        assert browser.get(url).status_code == 200, url


def test_the_evidence_refresh_job_is_idempotent_per_day(provider):
    from saveit.core.scheduler import run_due_jobs

    first = run_due_jobs(only={"quality.refresh_evidence"})
    second = run_due_jobs(only={"quality.refresh_evidence"})
    assert first[0].status == "done" and second[0].status == "skipped"


def test_eduform_details_have_their_own_entries(provider, quality_manager):
    services.refresh_evidence(provider=provider)
    entries = _entries(quality_manager, "eduform")
    assert sorted(entries) == list(range(1, 74))
    # A detail that asks for complaint handling reuses indicator 31's collector.
    response_detail = next(e for e in entries.values() if e["reference"] == "2.5.6")
    assert response_detail["evidence"]


def test_the_quality_routes_are_in_the_openapi_schema(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/quality/frameworks",
        "/api/v1/quality/frameworks/{code}",
        "/api/v1/quality/self-assessment",
        "/api/v1/quality/surveys/results",
        "/api/v1/quality/complaints",
        "/api/v1/quality/actions",
        "/api/v1/quality/audits",
        "/api/v1/quality/nonconformities/{nc_id}/resolve",
        "/api/v1/quality/binder",
    ):
        assert path in paths, path


def test_indicator_12_counts_the_reminders_the_scheduler_sent(
    provider, client_org, quality_manager
):
    from django.utils import timezone

    from saveit.attendance.models import Reminder
    from saveit.testing.factories import make_engagement, make_member

    engagement = make_engagement(client_org, make_member(provider, "project_manager"))
    services.refresh_evidence(provider=provider)
    assert not any(e["kind"] == "reminders" for e in _entries(quality_manager)[12]["evidence"])
    Reminder.objects.create(
        organization=client_org,
        engagement=engagement,
        rule="inactive",
        to_email="camille@alpha.example",
        period="2026-12-01",
        sent_at=timezone.now(),
    )
    services.refresh_evidence(provider=provider)
    reminders = [e for e in _entries(quality_manager)[12]["evidence"] if e["kind"] == "reminders"]
    assert len(reminders) == 1 and engagement.reference in reminders[0]["label"]
