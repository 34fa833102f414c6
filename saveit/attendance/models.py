"""In-person and virtual sessions of a blended programme, their half-day slots, who attended
(émargement), the convocations as sent and the reminders sent (SPEC §6, Qualiopi evidence)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data
from saveit.learning.models import Assignment, Learner


class AttendanceTerms(models.Model):
    """Attendance and reminder rules of a client; the row without client holds the defaults."""

    client = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendance_terms",
    )
    minimum_attendance_percent = models.PositiveSmallIntegerField(
        _("attendance required for the attestation (%)"), default=80
    )
    lock_hours = models.PositiveSmallIntegerField(
        _("sheet locked (hours after the end of a half-day)"), default=48
    )
    not_started_days = models.PositiveSmallIntegerField(
        _("reminder when not started after (days)"), default=7
    )
    inactive_days = models.PositiveSmallIntegerField(
        _("reminder when inactive for (days)"), default=14
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("reminder before the due date (days)"), default=7
    )
    expiry_notice_days = models.PositiveSmallIntegerField(
        _("reminder before an attestation expires (days)"), default=30
    )

    class Meta:
        verbose_name = _("attendance terms")
        verbose_name_plural = _("attendance terms")

    def __str__(self) -> str:
        return f"attendance-terms:{self.client_id or 'default'}"


class TrainingSession(models.Model):
    """A class (in a room or a virtual room) of an engagement, in half-day slots."""

    class Modality(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        VIRTUAL = "virtual", _("virtual classroom")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="training_sessions"
    )
    module = models.ForeignKey(
        "catalog.Module", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    programme = models.TextField(_("programme"), blank=True)
    modality = models.CharField(
        _("modality"), max_length=10, choices=Modality.choices, default=Modality.IN_PERSON
    )
    place = models.TextField(_("place"), blank=True)
    room = models.CharField(_("room"), max_length=200, blank=True)
    virtual_room_url = models.URLField(_("virtual room link"), blank=True)
    practical_info = models.TextField(_("practical information"), blank=True)
    accessibility_contact = models.CharField(_("accessibility contact"), max_length=300, blank=True)
    trainers = models.ManyToManyField(Membership, related_name="+", blank=True)
    external_trainers = models.CharField(_("subcontracted trainers"), max_length=300, blank=True)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=12)
    minimum = models.PositiveSmallIntegerField(_("minimum number of participants"), default=5)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancelled_reason = models.TextField(_("reason for cancellation"), blank=True)
    # Key of the rotating QR tokens: never shown, only used to compute them.
    token_key = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["engagement", "pk"]

    def __str__(self) -> str:
        return self.title


@personal_data(
    fields=["learner"],
    controller="client",
    subject={"learner": "learner"},
    organization="session__organization",
    retention=_("As long as the engagement's training proofs (the attendance sheets)."),
    erasure="keep_legal",
    kept_for=_("proof of attendance for the funders and audits"),
    kept_years=6,
)
class Participant(models.Model):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="participants"
    )
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["learner__last_name", "learner__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.learner}"


@personal_data(
    fields=["trainer_ip", "trainer_signed_by"],
    controller="client",
    subject={"membership": "trainer_signed_by"},
    organization="session__organization",
    retention=_("As long as the engagement's training proofs (the attendance sheets)."),
    erasure="keep_legal",
    kept_for=_("evidence of the trainer's signature on the attendance sheet"),
    kept_years=6,
)
class Slot(models.Model):
    """A half-day of a session: each participant and the trainer sign for it."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    trainer_signed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trainer_signed_at = models.DateTimeField(null=True, blank=True)
    trainer_ip = models.GenericIPAddressField(null=True, blank=True)
    trainer_statement_sha256 = models.CharField(max_length=64, blank=True)
    # The paper sheet, printed blank, signed in the room and uploaded (hashed, kept as is).
    paper_sheet = models.ForeignKey(
        "audit.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("half-day")
        verbose_name_plural = _("half-days")
        ordering = ["session", "starts_at"]

    def __str__(self) -> str:
        return f"{self.session} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def locks_at(self, lock_hours: int) -> object:
        return self.ends_at + timedelta(hours=lock_hours)


@personal_data(
    fields=["learner", "signer", "ip", "user_agent"],
    controller="client",
    subject={"learner": "learner"},
    organization="slot__session__organization",
    retention=_("As long as the engagement's training proofs (the attendance sheets)."),
    erasure="keep_legal",
    kept_for=_("proof of attendance for the funders and audits"),
    kept_years=6,
)
class Presence(models.Model):
    """One participant's attendance on one half-day: signed, or marked absent by the trainer."""

    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        LATE = "late", _("late arrival")
        LEFT_EARLY = "left_early", _("early departure")
        ABSENT = "absent", _("absent")

    class Method(models.TextChoices):
        QR = "qr", _("signed on the phone (QR code)")
        PAPER = "paper", _("paper sheet")
        TRAINER = "trainer", _("recorded by the trainer")

    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="presences")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PRESENT)
    method = models.CharField(max_length=8, choices=Method.choices)
    minutes_missed = models.PositiveSmallIntegerField(default=0)
    justification = models.TextField(_("justification"), blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    statement_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()
    audit_event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        ordering = ["slot", "learner__last_name", "learner__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "learner"], name="presence_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.slot} · {self.learner} · {self.status}"

    @property
    def hours(self) -> float:
        if self.status == self.Status.ABSENT:
            return 0.0
        return max(self.slot.hours - self.minutes_missed / 60, 0.0)


@personal_data(
    fields=["learner", "to_email", "body"],
    controller="client",
    subject={"learner": "learner"},
    organization="session__organization",
    retention=_("As long as the engagement's training proofs (what was sent, as sent)."),
    erasure="pseudonymise",
)
class Convocation(models.Model):
    """A convocation exactly as it was sent: recipient, subject, body and calendar file."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.PROTECT, related_name="convocations"
    )
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="+")
    to_email = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    ics = models.TextField()
    sha256 = models.CharField(max_length=64)
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["session", "sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.session} → {self.to_email}"


@personal_data(
    fields=["to_email"],
    controller="client",
    subject={"email": "to_email"},
    organization="organization",
    retention=_("Two years after it was sent (quality evidence of follow-up)."),
    erasure="delete",
)
class Reminder(models.Model):
    """A reminder the scheduler sent: to whom, when, under which rule (Qualiopi evidence)."""

    class Rule(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        INACTIVE = "inactive", _("inactive")
        DUE_SOON = "due_soon", _("due date approaching")
        OVERDUE = "overdue", _("overdue")
        EXPIRY_SOON = "expiry_soon", _("attestation about to expire")
        MANAGER_DIGEST = "digest", _("digest to the client manager")
        MANUAL = "manual", _("sent from the learner list")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=12, choices=Rule.choices)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_email = models.EmailField()
    period = models.CharField(max_length=32)  # the scheduler's period key: one per rule and period
    sent_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)  # learners listed (digests)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "assignment", "to_email", "period"], name="reminder_once"
            )
        ]
        indexes = [models.Index(fields=["engagement", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.rule} → {self.to_email} ({self.period})"
