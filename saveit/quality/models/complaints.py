"""Complaints and incidents (indicator 31) and improvement actions (indicator 32)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data


@personal_data(
    fields=["filed_by", "name", "email", "description", "answer"],
    controller="provider",
    subject={"user": "filed_by", "email": "email"},
    organization="client",
    retention=_("Five years after the answer (quality audits: two certification cycles)."),
    erasure="pseudonymise",
)
class Complaint(models.Model):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("complaint")
        INCIDENT = "incident", _("incident during the service")
        DIFFICULTY = "difficulty", _("difficulty")

    class Party(models.TextChoices):
        LEARNER = "learner", _("learner")
        CLIENT = "client", _("client")
        FUNDER = "funder", _("funder")
        STAFF = "staff", _("staff")
        PUBLIC = "public", _("member of the public")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        ANSWERED = "answered", _("answered")
        MEDIATION = "mediation", _("in mediation")
        CLOSED = "closed", _("closed")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    party = models.CharField(_("from"), max_length=10, choices=Party.choices)
    client = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client organisation"),
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    received_at = models.DateTimeField(_("received"))
    acknowledge_by = models.DateField(_("acknowledge by"))
    answer_by = models.DateField(_("answer by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mediation_requested_at = models.DateTimeField(_("mediation requested"), null=True, blank=True)
    mediation_outcome = models.TextField(_("mediation outcome"), blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )
    # Public form only: a keyed digest of the sender's address, to throttle it (never the address).
    sender_digest = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("complaint or incident")
        verbose_name_plural = _("complaints and incidents")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} · {self.subject}"

    def acknowledged_late(self, today: date) -> bool:
        done = self.acknowledged_at.date() if self.acknowledged_at else None
        return (done or today) > self.acknowledge_by

    def answered_late(self, today: date) -> bool:
        done = self.answered_at.date() if self.answered_at else None
        return (done or today) > self.answer_by


class ImprovementAction(models.Model):
    class Cause(models.TextChoices):
        COMPLAINT = "complaint", _("complaint")
        INCIDENT = "incident", _("incident")
        SURVEY = "survey", _("survey answer")
        NONCONFORMITY = "nonconformity", _("non-conformity")
        DROPOUT = "dropout", _("drop-out")
        OTHER = "other", _("other (internal review)")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("carried out")
        EFFECTIVE = "effective", _("effective")
        INEFFECTIVE = "ineffective", _("not effective")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cause = models.CharField(_("cause"), max_length=14, choices=Cause.choices)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    survey_answer = models.ForeignKey(
        "quality.SurveyAnswer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    nonconformity = models.ForeignKey(
        "quality.NonConformity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    assignment = models.ForeignKey(
        "learning.Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cause_detail = models.TextField(_("cause analysis"), blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    efficacy_check = models.TextField(_("efficacy check"), blank=True)
    efficacy_checked_on = models.DateField(_("efficacy checked on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PLANNED, self.Status.IN_PROGRESS)
