"""The SLA report's XLSX carries typed cells: percentages, durations and dates a spreadsheet
computes with, shown in French by their number formats (read back with openpyxl)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from saveit.support import services
from saveit.support.clock import PARIS
from saveit.support.report import close_report, render_report_pdf, render_report_xlsx

from .factories import make_agent, make_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    contract = make_contract()
    agent = make_agent()
    services.record_outage(
        contract=contract,
        by=agent,
        started_at=dt.datetime(2026, 5, 4, 10, tzinfo=PARIS),
        ended_at=dt.datetime(2026, 5, 4, 12, tzinfo=PARIS),
        cause="Panne disque",
    )
    services.record_maintenance(
        contract=contract,
        by=agent,
        kind="corrective",
        performed_on=dt.date(2026, 5, 12),
        duration_minutes=95,
        actions="=cmd|' /C calc'!A0",
        person_in_charge=agent,
    )
    return close_report(contract=contract, month=dt.date(2026, 5, 1), send=False)[0]


def test_the_report_workbook_has_real_percentages_durations_and_dates(report):
    workbook = load_workbook(io.BytesIO(render_report_xlsx(report)))
    commitments = list(workbook["Engagements"].iter_rows())
    header, availability, acknowledgement = commitments[0], commitments[1], commitments[2]
    assert header[0].value == "Indicateur" and header[0].font.bold
    target, month = availability[1], availability[2]
    assert target.value == pytest.approx(0.995) and target.number_format == '"≥ "0.0%'
    expected = (31 * 1440 - 120) / (31 * 1440)
    assert month.value == pytest.approx(expected, abs=1e-4) and month.number_format == "0.00%"
    assert availability[3].value == "tenu"  # the status stays text
    assert acknowledgement[1].value == dt.timedelta(minutes=150)
    assert acknowledgement[1].number_format == '"≤ "[h]:mm'

    date, _kind, duration, actions, _person = next(
        workbook["Maintenance du mois"].iter_rows(min_row=2)
    )
    assert date.value == dt.datetime(2026, 5, 12) and date.number_format == "dd/mm/yyyy"
    assert duration.value == dt.timedelta(minutes=95) and duration.number_format == "[h]:mm"
    assert actions.value.startswith("'=") and actions.data_type == "s"  # never a formula


def test_the_pdf_still_prints_the_same_values_in_french(report):
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_report_pdf(report))).pages)
    assert "1 h 35" in text and "12 mai 2026" in text
