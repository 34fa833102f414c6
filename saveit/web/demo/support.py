"""Demo support: Hélios's contract and catalogue, four months of tickets worked through the real
services (so every clock is counted by the one clock function), an outage, maintenance windows,
the register, a preventive calendar and the closed SLA reports of the past months."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from saveit.accounts.models import Membership, Organization
from saveit.support import services
from saveit.support.clock import PARIS, deadline, is_working_day
from saveit.support.models import Status, SupportContract
from saveit.support.notifications import muted
from saveit.support.report import close_report, previous_month

REFERENCE = "SLA-HELIOS-2026"
SERVICES = ("Plateforme e-learning", "Portail des apprenants", "API d'intégration RH")
TITLES = (
    ("incident", "Le lecteur de module reste bloqué au chargement"),
    ("incident", "Erreur 500 à l'export des résultats"),
    ("incident", "Connexion impossible pour un groupe d'apprenants"),
    ("request", "Ajout d'un gestionnaire pour le site de Toulouse"),
    ("request", "Export des attestations du trimestre"),
    ("change", "Modifier le logo sur les attestations"),
    ("incident", "Les relances par courriel ne partent plus"),
    ("request", "Réinitialiser le parcours d'un apprenant"),
)


def _member(email: str) -> Membership:
    return Membership.objects.select_related("user", "organization").get(user__email=email)


def _working_instant(rng: random.Random, day: dt.date) -> dt.datetime:
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(
        day, dt.time(rng.randint(8, 17), rng.choice((0, 10, 25, 40, 55))), tzinfo=PARIS
    )


def _ticket_history(
    contract: SupportContract, rng: random.Random, start: dt.date, now: dt.datetime
) -> None:
    agent = _member("support@saveit.demo")
    clients = [_member("responsable@helios.demo"), _member("manager@helios.demo")]
    day = start
    while True:
        opened = _working_instant(rng, day)
        if opened > now - dt.timedelta(days=2):
            break
        kind, title = rng.choice(TITLES)
        ticket = services.open_ticket(
            contract=contract,
            by=rng.choice(clients),
            title=title,
            description="Constaté ce matin par plusieurs utilisateurs ; détails dans le fil.",
            type=kind,
            severity=rng.choice(("S1", "S2", "S2", "S3", "S3")),
            service=rng.choice(list(contract.services.all())),
            at=opened,
        )
        ack = deadline(opened, rng.choice((15, 30, 45, 60, 90, 120, 170)), "acknowledgement")
        ticket = services.set_criticity(
            ticket=ticket, criticity=rng.choice(("C1", "C2", "C2", "C3", "C3")), by=agent, at=ack
        )
        services.change_status(ticket=ticket, to=Status.ACKNOWLEDGED, by=agent, at=ack)
        moment = ack + dt.timedelta(minutes=5)
        if rng.random() < 0.25:  # waiting on the client for a while
            services.change_status(
                ticket=ticket,
                to=Status.WAITING,
                by=agent,
                reason="Capture d'écran demandée",
                at=moment,
            )
            moment = moment + dt.timedelta(hours=rng.choice((2, 5, 20)))
            services.change_status(ticket=ticket, to=Status.IN_PROGRESS, by=clients[0], at=moment)
        window = "round_the_clock" if ticket.priority == "P1" else "business"
        target = {"P1": 120, "P2": 240, "P3": 480}[ticket.priority]
        spent = int(target * rng.choice((0.3, 0.5, 0.7, 0.9, 0.95, 1.2)))
        pauses = [(p.started_at, p.ended_at) for p in ticket.pauses.all()]
        resolved = max(deadline(opened, spent, window, pauses), moment + dt.timedelta(minutes=5))
        services.change_status(ticket=ticket, to=Status.RESOLVED, by=agent, at=resolved)
        if resolved < now - dt.timedelta(days=3):
            services.change_status(
                ticket=ticket, to=Status.CLOSED, by=clients[1], at=resolved + dt.timedelta(days=2)
            )
        if rng.random() < 0.04:
            services.set_exclusion(
                ticket=ticket,
                exclusion="external_network",
                note="Coupure du réseau interne du client",
                by=agent,
            )
        day += dt.timedelta(days=rng.choice((1, 1, 2, 3)))


def _open_tickets(contract: SupportContract, now: dt.datetime) -> None:
    agent = _member("support@saveit.demo")
    client = _member("manager@helios.demo")
    spec = [
        ("Les vidéos ne se lancent plus sur le portail", "S1", "C1", 3),
        ("Le tableau de bord affiche des chiffres d'hier", "S2", "C2", 26),
        ("Traduction manquante dans le module RGPD", "S3", "", 4),
        ("Import de la liste des apprenants refusé", "S2", "C1", 50),
    ]
    for title, severity, criticity, hours in spec:
        t = services.open_ticket(
            contract=contract,
            by=client,
            title=title,
            type="incident",
            description="Signalé par l'équipe formation.",
            severity=severity,
            at=now - dt.timedelta(hours=hours),
        )
        if criticity:
            t = services.set_criticity(ticket=t, criticity=criticity, by=agent)
            services.assign_ticket(ticket=t, assignee=agent, by=agent)
            services.change_status(
                ticket=t,
                to=Status.IN_PROGRESS,
                by=agent,
                at=now - dt.timedelta(hours=hours) + dt.timedelta(minutes=40),
            )


@transaction.atomic
def load_demo_support(now: dt.datetime | None = None) -> SupportContract | None:
    """Idempotent: nothing happens once the demo contract exists."""
    if SupportContract.objects.filter(reference=REFERENCE).exists():
        return None
    client = Organization.objects.get(name="Laboratoires Hélios")
    now = now or timezone.now()
    agent = _member("support@saveit.demo")
    rng = random.Random(17)
    first_month = previous_month(previous_month(previous_month(now.astimezone(PARIS).date())))
    with muted():
        contract = services.create_contract(
            client=client,
            reference=REFERENCE,
            title="Support et maintenance de la plateforme",
            starts_on=first_month,
            services=SERVICES,
            by=agent,
        )
        _ticket_history(contract, rng, first_month, now)
        _open_tickets(contract, now)
        outage_day = _working_instant(rng, first_month + dt.timedelta(days=40)).replace(
            hour=10, minute=5
        )
        services.record_outage(
            contract=contract,
            by=agent,
            started_at=outage_day,
            ended_at=outage_day + dt.timedelta(minutes=95),
            cause="Saturation du disque de la base de données",
            services=list(contract.services.all()[:2]),
        )
        plan = services.add_preventive_plan(
            contract=contract,
            by=agent,
            title="Mises à jour de sécurité et sauvegardes testées",
            first_on=first_month + dt.timedelta(days=9),
            every_months=1,
        )
        services.add_preventive_plan(
            contract=contract,
            by=agent,
            title="Revue des performances et des journaux",
            first_on=first_month + dt.timedelta(days=20),
            every_months=3,
        )
        month = first_month
        while month < now.date().replace(day=1):
            window_start = _working_instant(rng, month + dt.timedelta(days=14)).replace(
                hour=20, minute=0
            )
            window = services.plan_maintenance(
                contract=contract,
                by=agent,
                title="Maintenance préventive mensuelle",
                kind="preventive",
                starts_at=window_start,
                ends_at=window_start + dt.timedelta(hours=2),
                description="Mises à jour système et test de restauration des sauvegardes.",
                at=window_start - dt.timedelta(days=rng.choice((4, 6, 8))),
            )
            services.record_maintenance(
                contract=contract,
                by=agent,
                kind="preventive",
                performed_on=window_start.date(),
                duration_minutes=rng.choice((95, 110, 120)),
                actions="Mises à jour de sécurité appliquées, restauration testée sur une copie.",
                findings="RAS" if rng.random() < 0.7 else "Espace disque à surveiller.",
                plan=plan,
                window=window,
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
        evolutive_on = now.date() - dt.timedelta(days=20)
        services.record_maintenance(
            contract=contract,
            by=agent,
            kind="evolutive",
            performed_on=evolutive_on,
            duration_minutes=240,
            actions="Ajout de l'export des attestations au format tableur.",
            cost=Decimal("480.00"),
            exceptional=True,
            billable=True,
            warned_at=dt.datetime.combine(
                evolutive_on - dt.timedelta(days=7), dt.time(10), tzinfo=PARIS
            ),
            warning_note="Devis accepté par courriel",
        )
        upcoming = _working_instant(rng, now.date() + dt.timedelta(days=5)).replace(
            hour=21, minute=0
        )
        services.plan_maintenance(
            contract=contract,
            by=agent,
            title="Mise à niveau de la base de données",
            kind="preventive",
            starts_at=upcoming,
            ends_at=upcoming + dt.timedelta(hours=3),
            description="Le service sera interrompu pendant la fenêtre.",
            at=now,
        )
        month = first_month
        while month < now.date().replace(day=1):
            close_report(contract=contract, month=month, at=now, send=False)
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return contract
