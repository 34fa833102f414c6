import datetime as dt

import pytest
from django.test import Client

from saveit.accounts.roles import Role
from saveit.support import services
from saveit.support.clock import PARIS
from saveit.support.report import close_report, render_report_pdf, render_report_xlsx
from saveit.testing.factories import bearer, make_member, make_organization

from .factories import make_agent, make_contract

pytestmark = pytest.mark.django_db


def _post(headers, url, body):
    return Client().post(url, body, content_type="application/json", headers=headers)


def _patch(headers, url, body):
    return Client().patch(url, body, content_type="application/json", headers=headers)


def test_a_client_opens_a_ticket_and_the_agent_sets_its_criticity():
    contract = make_contract()
    client_headers = bearer(make_member(contract.client, Role.CLIENT_MANAGER))
    service = contract.services.first()
    response = _post(
        client_headers,
        "/api/v1/support/tickets",
        {
            "title": "Export KO",
            "description": "Erreur 500",
            "type": "incident",
            "severity": "S2",
            "service": service.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["severity"] == "S2" and body["criticity"] is None and body["priority"] is None
    url = f"/api/v1/support/tickets/{body['id']}"
    assert _patch(client_headers, url, {"criticity": "C1"}).status_code == 403
    agent_headers = bearer(make_agent())
    response = _patch(agent_headers, url, {"criticity": "C1"})
    assert response.status_code == 200 and response.json()["priority"] == "P2"
    other = bearer(make_member(make_contract().client, Role.CLIENT_OWNER))
    assert Client().get(url, headers=other).status_code == 404
    assert _patch(other, url, {"status": "closed"}).status_code == 404
    assert Client().get("/api/v1/support/tickets/999999", headers=client_headers).status_code == 404


def test_bad_input_is_refused_and_nothing_is_written():
    contract = make_contract()
    headers = bearer(make_member(contract.client, Role.CLIENT_OWNER))
    response = _post(
        headers,
        "/api/v1/support/tickets",
        {"title": "x", "description": "y", "type": "incident", "severity": "S9"},
    )
    assert response.status_code == 422
    assert not contract.tickets.exists()
    foreign = make_contract().services.first()
    response = _post(
        headers,
        "/api/v1/support/tickets",
        {
            "title": "x",
            "description": "y",
            "type": "incident",
            "severity": "S1",
            "service": foreign.pk,
        },
    )
    assert response.status_code == 404


def test_a_notice_less_than_two_working_days_ahead_is_refused():
    contract = make_contract()
    headers = bearer(make_agent())
    start = (dt.datetime.now(PARIS) + dt.timedelta(hours=20)).replace(microsecond=0)
    body = {
        "title": "Mise à jour",
        "kind": "preventive",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=1)).isoformat(),
    }
    url = f"/api/v1/support/contracts/{contract.pk}/notices"
    response = _post(headers, url, body)
    assert response.status_code == 409 and "2 jours ouvrés" in response.json()["detail"]
    assert _post(headers, url, {**body, "urgent_security": True}).status_code == 201
    assert _post(headers, url, {**body, "kind": "evolutive"}).status_code == 201  # low impact
    assert (
        _post(headers, url, {**body, "kind": "evolutive", "high_impact": True}).status_code == 409
    )
    later = start + dt.timedelta(days=10)
    ok = {
        **body,
        "starts_at": later.isoformat(),
        "ends_at": (later + dt.timedelta(hours=1)).isoformat(),
    }
    response = _post(headers, url, ok)
    assert response.status_code == 201 and response.json()["notice_working_days"] >= 2


def test_exceptional_work_is_billable_only_after_a_warning():
    contract = make_contract()
    headers = bearer(make_agent())
    url = f"/api/v1/support/contracts/{contract.pk}/register"
    body = {
        "kind": "evolutive",
        "performed_on": "2026-05-12",
        "duration_minutes": 90,
        "actions": "Ajout d'un module",
        "exceptional": True,
        "billable": True,
        "cost": "120.00",
    }
    assert _post(headers, url, body).status_code == 409
    warned = {**body, "warned_at": "2026-05-05T10:00:00+02:00", "warning_note": "Devis envoyé"}
    assert _post(headers, url, warned).status_code == 201
    assert len(Client().get(url, headers=headers).json()) == 1
    client_headers = bearer(make_member(contract.client, Role.CLIENT_OWNER))
    assert _post(client_headers, url, warned).status_code == 403


def test_the_monthly_report_closes_once_and_renders(django_capture_on_commit_callbacks):
    contract = make_contract()
    make_member(contract.client, Role.CLIENT_OWNER)
    agent = make_agent()
    services.record_outage(
        contract=contract,
        by=agent,
        started_at=dt.datetime(2026, 5, 4, 10, tzinfo=PARIS),
        ended_at=dt.datetime(2026, 5, 4, 12, tzinfo=PARIS),
        cause="Panne disque",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report, created = close_report(contract=contract, month=dt.date(2026, 5, 1))
    assert created
    again, created = close_report(contract=contract, month=dt.date(2026, 5, 1))
    assert again.pk == report.pk and not created
    availability = report.figures["month_kpis"]["availability"]
    assert availability["unavailable_minutes"] == 120
    assert round(availability["value"], 2) == round(100 * (31 * 1440 - 120) / (31 * 1440), 2)
    assert render_report_pdf(report).startswith(b"%PDF")
    assert render_report_xlsx(report).startswith(b"PK")
    headers = bearer(make_agent())
    response = Client().get(f"/api/v1/support/reports/{report.pk}", headers=headers)
    assert response.status_code == 200
    stranger = bearer(make_member(make_organization(), Role.CLIENT_OWNER))
    assert Client().get(f"/api/v1/support/reports/{report.pk}", headers=stranger).status_code == 404


def test_the_scheduler_closes_last_month_on_the_first_working_day_only():
    from saveit.support.jobs import monthly_reports

    contract = make_contract()
    # 1 June 2026 is a Monday: a working day.
    assert "1 report" in monthly_reports(dt.datetime(2026, 6, 1, 7, tzinfo=PARIS))
    assert "0 report" in monthly_reports(dt.datetime(2026, 6, 1, 8, tzinfo=PARIS))
    # 1 November 2026 is a Sunday (and All Saints'): the first working day is the 2nd.
    assert "not the first" in monthly_reports(dt.datetime(2026, 11, 1, 9, tzinfo=PARIS))
    assert "1 report" in monthly_reports(dt.datetime(2026, 11, 2, 9, tzinfo=PARIS))
    assert contract.reports.count() == 2


def test_a_reversibility_marks_the_commitments_lifted():
    contract = make_contract()
    services.set_reversibility(contract=contract, in_progress=True, by=make_agent())
    report, _ = close_report(contract=contract, month=dt.date(2026, 5, 1), send=False)
    assert report.figures["lifted"] is True


def test_the_support_routes_are_in_the_openapi_schema():
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/support/tickets",
        "/api/v1/support/tickets/{ticket_id}",
        "/api/v1/support/reports/{report_id}",
        "/api/v1/support/contracts/{contract_id}/register",
        "/api/v1/support/contracts/{contract_id}/outages",
        "/api/v1/support/contracts/{contract_id}/notices",
    ):
        assert path in paths, path


def _post_outage(contract, services: list[int]):  # type: ignore[no-untyped-def]
    return _post(
        bearer(make_agent()),
        f"/api/v1/support/contracts/{contract.pk}/outages",
        {
            "started_at": "2026-11-02T10:00:00+01:00",
            "ended_at": "2026-11-02T11:00:00+01:00",
            "cause": "Panne du frontal",
            "services": services,
        },
    )


def test_an_outage_naming_a_service_of_another_contract_is_refused_and_not_recorded():
    contract = make_contract()
    foreign = make_contract().services.first()
    response = _post_outage(contract, [foreign.pk])
    assert response.status_code == 409 and response.json()["code"] == "unknown_service"
    assert not contract.outages.exists()


def test_an_outage_naming_an_id_beyond_the_database_integers_is_refused_and_not_recorded():
    """Found by the API fuzzing: an id past 2**63 - 1 made the lookup overflow (500)."""
    contract = make_contract()
    response = _post_outage(contract, [contract.services.first().pk, 20261866006859055366144])
    assert response.status_code == 422
    assert [str(part) for part in response.json()["detail"][0]["loc"][-2:]] == ["services", "1"]
    assert not contract.outages.exists()
