import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from saveit.accounts.roles import Role
from saveit.support import services
from saveit.support.models import Status, Ticket
from saveit.support.report import close_report
from saveit.testing.factories import make_member, signed_in

from .factories import make_agent, make_contract

pytestmark = pytest.mark.django_db


def test_a_client_opens_a_ticket_and_the_agent_works_it_through_the_pages():
    contract = make_contract()
    client = signed_in(make_member(contract.client, Role.CLIENT_MANAGER))
    response = client.post(
        reverse("support:ticket_new"),
        {
            "title": "Export en panne",
            "type": "incident",
            "severity": "S2",
            "service": contract.services.first().pk,
            "description": "Erreur 500",
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "support:ticket", args=[ticket.pk]
    )
    agent_member = make_agent()
    agent = signed_in(agent_member)
    assert "Export en panne" in agent.get(reverse("support:tickets")).content.decode()
    agent.post(reverse("support:ticket_criticity", args=[ticket.pk]), {"criticity": "C1"})
    agent.post(
        reverse("support:ticket_status", args=[ticket.pk]),
        {"status": "waiting", "reason": "Capture ?"},
    )
    ticket.refresh_from_db()
    assert (
        ticket.priority == "P2" and ticket.status == Status.WAITING and ticket.pauses.count() == 1
    )
    client.post(reverse("support:ticket_status", args=[ticket.pk]), {"status": "in_progress"})
    agent.post(reverse("support:ticket_status", args=[ticket.pk]), {"status": "resolved"})
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED and ticket.restoration_minutes is not None
    page = client.get(reverse("support:ticket", args=[ticket.pk])).content.decode()
    assert "Résolu" in page and "Fixer la criticité" not in page


def test_every_page_answers_both_roles():
    contract = make_contract()
    agent_member = make_agent()
    ticket = services.open_ticket(
        contract=contract,
        by=agent_member,
        title="x",
        description="y",
        type="request",
        severity="S3",
        channel="phone",
    )
    report, _ = close_report(contract=contract, month=dt.date(2026, 5, 1), send=False)
    for member in (agent_member, make_member(contract.client, Role.CLIENT_OWNER)):
        browser = signed_in(member)
        for name, args in [
            ("support:tickets", []),
            ("support:ticket_new", []),
            ("support:contracts", []),
            ("support:notices", []),
            ("support:ticket", [ticket.pk]),
            ("support:register", [contract.pk]),
            ("support:calendar", [contract.pk]),
            ("support:reports", [contract.pk]),
            ("support:report", [report.pk]),
        ]:
            assert browser.get(reverse(name, args=args)).status_code == 200, (member.role, name)


def _plan(contract, title: str, start: dt.datetime):
    """A two-hour window, planned by an agent."""
    return services.plan_maintenance(
        contract=contract,
        by=make_agent(),
        title=title,
        kind="corrective",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )


def test_the_banner_tells_client_users_of_an_upcoming_window():
    contract = make_contract()
    _plan(contract, "Mise à niveau du serveur", timezone.now() + dt.timedelta(days=5))
    learner = signed_in(make_member(contract.client, Role.LEARNER))
    page = learner.get(reverse("web:home"), follow=True).content.decode()
    assert "Mise à niveau du serveur" in page
    # another client's member, and the provider's agent, see no banner at all
    for other in (make_member(make_contract().client, Role.LEARNER), make_agent()):
        page = signed_in(other).get(reverse("web:home"), follow=True).content.decode()
        assert "alert-info" not in page and "Mise à niveau du serveur" not in page


def test_the_banner_follows_what_it_shows_language_title_and_dates():
    """The banner's HTML is kept per process by what it shows: a window moved, renamed, and
    the other language each get their own."""
    from zoneinfo import ZoneInfo

    from saveit.support.banner import windows_changed
    from saveit.support.models import MaintenanceWindow

    contract = make_contract()
    start = timezone.now().replace(hour=8, minute=30, second=0, microsecond=0)
    start += dt.timedelta(days=5)
    window = _plan(contract, "Bascule du stockage", start)
    learner = signed_in(make_member(contract.client, Role.LEARNER))

    def banner(**headers: str) -> str:
        page = learner.get(reverse("web:home"), follow=True, **headers).content.decode()
        assert page.count('class="alert alert-info"') == 1
        return page.split('class="alert alert-info"', 1)[1].split("</div>", 1)[0]

    def paris(moment: dt.datetime) -> str:
        return f"{timezone.localtime(moment, ZoneInfo('Europe/Paris')):%H:%M}"

    first = banner()
    assert "Bascule du stockage" in first and paris(start) in first
    assert "Maintenances planifiées" in first and banner() == first  # kept: the same HTML
    # moved an hour later, same title (as an admin edit would, behind the service)
    later = start + dt.timedelta(hours=1)
    MaintenanceWindow.objects.filter(pk=window.pk).update(
        starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    windows_changed()
    moved = banner()
    assert paris(later) in moved and paris(start) not in moved
    # renamed, same dates
    MaintenanceWindow.objects.filter(pk=window.pk).update(title="Bascule <du> stockage")
    windows_changed()
    assert "Bascule &lt;du&gt; stockage" in banner()
    learner.cookies.load({"django_language": "en"})
    assert "Planned maintenance" in banner(HTTP_ACCEPT_LANGUAGE="en")


def test_a_short_notice_is_refused_in_the_page_with_a_french_error():
    contract = make_contract()
    agent = signed_in(make_agent())
    start = timezone.localtime() + dt.timedelta(hours=3)
    response = agent.post(
        reverse("support:notices"),
        {
            "contract": contract.pk,
            "title": "Patch",
            "kind": "preventive",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "au moins 2 jours ouvrés" in response.content.decode()
    assert not contract.maintenance_windows.exists()


def test_an_agent_flags_a_reversibility_and_a_client_cannot():
    contract = make_contract()
    url = reverse("support:contract_reversibility", args=[contract.pk])
    client = signed_in(make_member(contract.client, Role.CLIENT_OWNER))
    assert client.post(url, {"in_progress": "1"}).status_code == 403
    signed_in(make_agent()).post(url, {"in_progress": "1"})
    contract.refresh_from_db()
    assert contract.reversibility_in_progress
