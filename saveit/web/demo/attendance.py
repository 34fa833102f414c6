"""Demo: the Hélios engagement becomes blended — one session of two half-days, some signatures,
an absence, convocations stored as sent, and learners whose reminders are due."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from saveit.accounts.models import Membership
from saveit.attendance import qr_tokens, services
from saveit.attendance.models import TrainingSession
from saveit.engagements.models import Engagement
from saveit.learning.hooks import shifting
from saveit.learning.models import Assignment, Learner, Population
from saveit.web.demo.catalog import TITLE
from saveit.web.demo.learning import POPULATION

DEMO_LEARNER = "apprenant@helios.demo"
SESSION_TITLE = "Atelier pratique : nettoyage des paillasses"


def _at(day: int, hour: int) -> datetime:
    moment = datetime.combine(timezone.localdate() + timedelta(days=day), time(hour, 0))
    return timezone.make_aware(moment)


@transaction.atomic
def load_demo_attendance() -> TrainingSession | None:
    """Idempotent: does nothing once the demo session exists."""
    engagement = Engagement.objects.filter(title=TITLE, phase__gte=5).first()
    trainer = Membership.objects.filter(user__email="cheffe.projet@saveit.demo").first()
    if engagement is None or trainer is None:
        return None
    if TrainingSession.objects.filter(engagement=engagement, title=SESSION_TITLE).exists():
        return None
    population = Population.objects.filter(engagement=engagement, name=POPULATION).first()
    if population is None:
        return None
    session = services.create_session(
        engagement=engagement,
        by=trainer,
        title=SESSION_TITLE,
        programme="Matin : rappels de la procédure et des risques.\n"
        "Après-midi : mise en pratique sur paillasse, évaluation des gestes.",
        place="Laboratoires Hélios\n12 avenue Tony Garnier\n69007 Lyon",
        room="Salle de formation B2 (rez-de-chaussée, accessible)",
        practical_info="Blouse et lunettes fournies. Accueil à 8 h 45.",
        accessibility_contact="Sophie Martin, référente handicap — 04 72 00 00 00",
        capacity=12,
        minimum=5,
        trainers=[trainer],
    )
    # The demo learner joins after the others were convened: the trainer convenes them live.
    members = population.learners.exclude(email=DEMO_LEARNER).values_list("pk", flat=True)
    services.add_participants(session=session, by=trainer, learner_ids=members)
    # Yesterday afternoon (done) and today from now on (the trainer shows the QR code).
    yesterday = services.add_slot(
        session=session, by=trainer, starts_at=_at(-1, 13), ends_at=_at(-1, 17)
    )
    now = timezone.now().replace(second=0, microsecond=0)
    services.add_slot(
        session=session, by=trainer, starts_at=now - timedelta(minutes=15),
        ends_at=now + timedelta(hours=3),
    )  # fmt: skip
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        services.send_convocations(session=session, by=trainer)
    services.add_population(session=session, by=trainer, population=population)
    learners = {lr.email: lr for lr in Learner.objects.filter(populations=population)}
    token = qr_tokens.make_token(session.token_key, yesterday.pk, timezone.now())
    for email in ("camille.lefevre@helios.demo", "eloise.durand@helios.demo"):
        account = learners[email].user
        member = (
            Membership.objects.filter(user=account, organization=engagement.client).first()
            if account
            else None
        )
        if member is not None:
            services.sign_with_token(token=token, by=member)
        else:
            services.record_attendance(
                slot=yesterday, by=trainer, learner_id=learners[email].pk, status="present"
            )
    services.record_attendance(
        slot=yesterday, by=trainer, learner_id=learners["noe.martin@helios.demo"].pk,
        status="absent", justification="Arrêt maladie (justificatif reçu)",
    )  # fmt: skip
    services.record_attendance(
        slot=yesterday, by=trainer, learner_id=learners["lea.bernard@helios.demo"].pk,
        status="late", minutes_missed=30, justification="Retard de train",
    )  # fmt: skip
    services.trainer_sign(slot=yesterday, by=trainer)
    # Reminders due at the next scheduler run: two assigned ten days ago, one due in three days.
    open_rows = Assignment.objects.filter(engagement=engagement, status="assigned").order_by("pk")
    ids = list(open_rows.values_list("pk", flat=True)[:3])
    with shifting(ids):  # the dashboards count assignments by date
        Assignment.objects.filter(pk__in=ids).update(
            assigned_at=timezone.now() - timedelta(days=10)
        )
        if ids:
            Assignment.objects.filter(pk=ids[-1]).update(
                due_on=timezone.localdate() + timedelta(days=3)
            )
    return session
