"""Audit follow-up: grading by the data, deadlines, escalation, five minors, the cycle."""

from datetime import date

from django.test import Client

from saveit.quality import audits
from saveit.quality.models import Framework, Indicator, NonConformity
from saveit.testing.factories import bearer, signed_in


def _qualiopi():
    return Framework.objects.get(code="qualiopi")


def _indicator(n):
    return Indicator.objects.get(framework__code="qualiopi", number=n)


def _audit(provider, qm, held_on=date(2026, 1, 15), kind="initial", decision_on=None):
    return audits.record_audit(
        provider=provider,
        framework=_qualiopi(),
        kind=kind,
        body="Certif+",
        held_on=held_on,
        decision_on=decision_on,
        by=qm,
    )


def test_a_major_only_indicator_gives_a_major_nonconformity_whatever_is_asked(
    provider, quality_manager
):
    audit = _audit(provider, quality_manager)
    nc = audits.record_nonconformity(
        audit=audit,
        indicator=_indicator(4),
        grade="minor",
        description="Pas d'analyse du besoin",
        by=quality_manager,
    )
    assert nc.grade == "major" and nc.deadline == date(2026, 4, 15)  # corrected within 3 months
    minor = audits.record_nonconformity(
        audit=audit,
        indicator=_indicator(1),
        grade="minor",
        description="Tarif absent",
        by=quality_manager,
    )
    assert minor.grade == "minor" and minor.deadline == date(2026, 7, 15)  # plan within 6 months


def test_a_minor_turns_major_at_the_next_audit_when_its_plan_was_not_carried_out(
    provider, quality_manager
):
    audit = _audit(provider, quality_manager)
    minor = audits.record_nonconformity(
        audit=audit,
        indicator=_indicator(1),
        grade="minor",
        description="Tarif absent",
        by=quality_manager,
    )
    done = audits.record_nonconformity(
        audit=audit,
        indicator=_indicator(2),
        grade="minor",
        description="Résultats non publiés",
        by=quality_manager,
    )
    audits.resolve_nonconformity(
        nc=done, plan="Page publiée", resolved_on=date(2026, 3, 1), by=quality_manager
    )
    _audit(provider, quality_manager, held_on=date(2027, 4, 1), kind="surveillance")
    minor.refresh_from_db()
    done.refresh_from_db()
    assert minor.grade == "major" and minor.escalated_at == date(2027, 4, 1)
    assert minor.deadline == date(2027, 7, 1)
    assert done.grade == "minor" and done.escalated_at is None


def test_five_minor_outstanding_at_a_decision_count_as_a_major(provider, quality_manager):
    audit = _audit(provider, quality_manager, decision_on=date(2026, 2, 1))
    for n in (1, 2, 3, 8, 9):
        audits.record_nonconformity(
            audit=audit,
            indicator=_indicator(n),
            grade="minor",
            description="écart",
            by=quality_manager,
        )
    assert audits.minors_count_as_major(audit)
    first = NonConformity.objects.filter(audit=audit).first()
    audits.resolve_nonconformity(
        nc=first, plan="fait", resolved_on=date(2026, 1, 20), by=quality_manager
    )
    assert not audits.minors_count_as_major(audit)


def test_the_cycle_shows_the_surveillance_window_and_the_renewal(provider, quality_manager):
    _audit(provider, quality_manager, held_on=date(2026, 1, 10), decision_on=date(2026, 1, 31))
    deadlines = audits.cycle_deadlines(provider, _qualiopi())
    surveillance, renewal = deadlines
    assert surveillance.starts_on == date(2027, 3, 31) and surveillance.due_on == date(2027, 11, 30)
    assert renewal.due_on == date(2029, 1, 31)


def test_warnings_fall_30_and_7_days_before_and_on_the_day(provider, quality_manager):
    audit = _audit(provider, quality_manager)
    nc = audits.record_nonconformity(
        audit=audit, indicator=_indicator(4), grade="major", description="x", by=quality_manager
    )
    from datetime import timedelta

    for days in (30, 7, 0):
        assert any(
            d.kind == "nonconformity"
            for d in audits.warnings_due(provider, nc.deadline - timedelta(days=days))
        )
    assert not any(
        d.kind == "nonconformity"
        for d in audits.warnings_due(provider, nc.deadline - timedelta(days=8))
    )


def test_the_deadline_warning_job_runs_once_a_day(
    provider, quality_manager, mailoutbox, monkeypatch
):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from saveit.core.scheduler import run_due_jobs

    audit = _audit(provider, quality_manager)
    nc = audits.record_nonconformity(
        audit=audit, indicator=_indicator(4), grade="major", description="x", by=quality_manager
    )
    moment = datetime.combine(
        nc.deadline - timedelta(days=7), datetime.min.time(), ZoneInfo("Europe/Paris")
    ).replace(hour=9)
    first = run_due_jobs(now=moment, only={"quality.deadline_warnings"})
    second = run_due_jobs(now=moment, only={"quality.deadline_warnings"})
    assert first[0].status == "done" and second[0].status == "skipped"
    assert len(mailoutbox) == 1 and quality_manager.user.email in mailoutbox[0].to


def test_audit_api_and_pages(provider, quality_manager, owner):
    h = bearer(quality_manager)
    r = Client().post(
        "/api/v1/quality/audits",
        {"kind": "initial", "body": "Certif+", "held_on": "2026-01-15"},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201
    audit_id = r.json()["id"]
    r = Client().post(
        f"/api/v1/quality/audits/{audit_id}/nonconformities",
        {"indicator": 1, "grade": "minor", "description": "Tarif absent"},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 201 and r.json()["grade"] == "minor"
    r = Client().post(
        f"/api/v1/quality/nonconformities/{r.json()['id']}/resolve",
        {"plan": "Fiche corrigée", "resolved_on": "2026-02-01"},
        content_type="application/json",
        headers=h,
    )
    assert r.status_code == 200 and r.json()["resolved_on"] == "2026-02-01"
    assert signed_in(quality_manager).get(f"/qualite/audits/{audit_id}/").status_code == 200
    assert (
        Client().get(f"/api/v1/quality/audits/{audit_id}", headers=bearer(owner)).status_code == 404
    )
