"""The trace of what each learner did and when: proof of attendance for distance learning."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization
from saveit.core.privacy import personal_data

from .assignment import Assignment
from .people import Learner


@personal_data(
    fields=["learner", "token_hash"],
    controller="client",
    subject={"learner": "learner"},
    organization="learner__organization",
    retention=_("7 days after expiry."),
    erasure="delete",
    access=False,
    portability=False,
)
class SignInLink(models.Model):
    """A one-time, expiring sign-in link e-mailed to a learner; only its digest is stored."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.learner} · {self.expires_at:%Y-%m-%d}"


@personal_data(
    fields=["ip"],
    controller="provider",
    subject={},
    organization=None,
    retention=_("One day (rate limit of sign-in links)."),
    erasure="delete",
    access=False,
    portability=False,
)
class LinkRequest(models.Model):
    """A request for a new sign-in link, kept a short while to cap the requests per address.

    In the database rather than a cache: every app server of an installation counts the same.
    """

    ip = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(db_index=True)  # old requests are purged by date

    class Meta:
        verbose_name = _("sign-in link request")
        verbose_name_plural = _("sign-in link requests")
        indexes = [models.Index(fields=["ip", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.ip} · {self.requested_at:%Y-%m-%d %H:%M}"


@personal_data(
    fields=["answers", "score", "passed", "outcome"],
    controller="client",
    subject={"learner": "assignment__learner"},
    organization="assignment__organization",
    retention=_("Training proof: the legal retention (6 years)."),
    erasure="keep_legal",
    kept_for=_("Answers and results of final assessments (proof of training)."),
    kept_years=6,
)
class Attempt(models.Model):
    """One try at a module version's assessment: the items drawn, the answers, the outcome."""

    class Status(models.TextChoices):
        OPEN = "open", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        EXPIRED = "expired", _("time limit exceeded")

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=64)
    drawn = models.JSONField()  # [[item key, [choice display order…]], …]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True)
    outcome = models.JSONField(null=True, blank=True)  # per item and per section results

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["assignment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "number"], name="attempt_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assignment} · #{self.number}"


@personal_data(
    fields=["learner", "user", "ip", "at", "seconds"],
    controller="client",
    subject={"learner": "learner", "user": "user"},
    organization="organization",
    retention=_("Activity traces: 3 years; IP address: one year."),
    erasure="pseudonymise",
    kept_for=_("Time on task, proof of attendance for distance learning."),
    kept_years=3,
)
class Activity(models.Model):
    """One timestamped learner action; lesson views carry the time spent on them."""

    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("signed in")
        OPEN = "open", _("opened the module")
        LESSON = "lesson", _("read a lesson")
        ATTEMPT_STARTED = "attempt_started", _("started an attempt")
        ATTEMPT_SUBMITTED = "attempt_submitted", _("submitted an attempt")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="activities")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lesson_key = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveIntegerField(default=0)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("learner activity")
        verbose_name_plural = _("learner activities")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["assignment", "kind"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.kind} · {self.at:%Y-%m-%d %H:%M}"
