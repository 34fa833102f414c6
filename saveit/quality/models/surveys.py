"""Satisfaction surveys (indicator 30): a request per respondent and moment, and its answer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Organization
from saveit.core.privacy import personal_data


@personal_data(
    fields=["user", "email", "name"],
    controller="provider",
    subject={"user": "user", "email": "email"},
    organization="client",
    retention=_("Two years after the request (satisfaction results are kept anonymous)."),
    erasure="pseudonymise",
)
class SurveyRequest(models.Model):
    class Moment(models.TextChoices):
        HOT = "hot", _("at completion")
        COLD = "cold", _("some time after")

    class Respondent(models.TextChoices):
        LEARNER = "learner", _("learner")
        CLIENT_MANAGER = "client_manager", _("client manager")
        FUNDER = "funder", _("funder")
        STAFF = "staff", _("staff")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    moment = models.CharField(_("moment"), max_length=8, choices=Moment.choices)
    respondent = models.CharField(_("respondent"), max_length=16, choices=Respondent.choices)
    client = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    module = models.ForeignKey(
        "catalog.Module", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        "learning.Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(_("sent"))
    reminders_sent = models.PositiveSmallIntegerField(_("reminders"), default=0)
    last_reminded_on = models.DateField(_("last reminder"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey request")
        verbose_name_plural = _("survey requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One hot and one cold survey per assignment, however often completion is told.
            models.UniqueConstraint(
                fields=["assignment", "moment"],
                condition=models.Q(assignment__isnull=False),
                name="survey_once_per_assignment",
            ),
            models.UniqueConstraint(
                fields=["engagement", "moment", "respondent", "email"],
                condition=models.Q(assignment__isnull=True, engagement__isnull=False),
                name="survey_once_per_engagement_respondent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_moment_display()} · {self.get_respondent_display()}"


class SurveyAnswer(models.Model):
    DIMENSIONS = ("objectives", "methods", "materials", "organisation")
    SCALE = [(n, str(n)) for n in range(1, 6)]

    request = models.OneToOneField(SurveyRequest, on_delete=models.PROTECT, related_name="answer")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    objectives = models.PositiveSmallIntegerField(_("objectives reached"), choices=SCALE)
    methods = models.PositiveSmallIntegerField(_("teaching methods"), choices=SCALE)
    materials = models.PositiveSmallIntegerField(_("materials"), choices=SCALE)
    organisation = models.PositiveSmallIntegerField(_("organisation"), choices=SCALE)
    comment = models.TextField(_("comment"), blank=True)
    share_identity = models.BooleanField(_("the client may see who answered"), default=False)
    answered_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["-answered_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    objectives__range=(1, 5),
                    methods__range=(1, 5),
                    materials__range=(1, 5),
                    organisation__range=(1, 5),
                ),
                name="survey_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.average}"

    @property
    def average(self) -> float:
        return sum(getattr(self, d) for d in self.DIMENSIONS) / len(self.DIMENSIONS)
