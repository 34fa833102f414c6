"""Learners of a client organisation and the populations the client designates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data


@personal_data(
    fields=["email", "first_name", "last_name", "employee_id", "site", "job", "manager", "user"],
    controller="client",
    subject={"learner": "pk", "user": "user"},
    organization="organization",
    retention=_("The duration of the contract, then the training proofs' legal retention."),
    erasure="pseudonymise",
    restriction=_("No reminder, survey or export naming the person while restricted."),
)
class Learner(models.Model):
    """A person the client designates, as the client's records know them.

    One record per client organisation: the same person in two clients has two records, so
    their data never mix. The user account is linked the first time the person signs in.
    """

    # No index of its own: the unique (organization, email) constraint starts with it.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="learners", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learner_records",
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    employee_id = models.CharField(_("employee id"), max_length=64, blank=True)
    site = models.CharField(_("site"), max_length=200, blank=True)
    job = models.CharField(_("job"), max_length=200, blank=True)
    manager = models.CharField(_("manager"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="learner_email_unique"),
            models.UniqueConstraint(
                fields=["organization", "employee_id"],
                condition=~models.Q(employee_id=""),
                name="learner_employee_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "site"]),
            # Dashboards list learners by name, a page at a time.
            models.Index(
                fields=["organization", "last_name", "first_name", "id"], name="learner_name_order"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Population(models.Model):
    """A group of learners designated by the client, for one engagement."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="populations"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="populations"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    learners = models.ManyToManyField(
        Learner, through="PopulationMember", related_name="populations"
    )
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("population")
        verbose_name_plural = _("populations")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "name"], name="population_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


@personal_data(
    fields=["learner"],
    controller="client",
    subject={"learner": "learner"},
    organization="population__organization",
    retention=_("The duration of the engagement."),
    erasure="none",
)
class PopulationMember(models.Model):
    # No index of its own: the unique (population, learner) constraint starts with it.
    population = models.ForeignKey(
        Population, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="memberships")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("population member")
        verbose_name_plural = _("population members")
        constraints = [
            models.UniqueConstraint(
                fields=["population", "learner"], name="population_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.population} · {self.learner}"


@personal_data(
    fields=["file", "errors"],
    controller="client",
    subject={},
    organization="organization",
    retention=_("The uploaded file: 30 days after its import."),
    erasure="delete",
    access=False,
)
class PopulationImport(models.Model):
    """An uploaded learner file between its preview and its all-or-nothing commit."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        COMMITTED = "committed", _("imported")
        DISCARDED = "discarded", _("discarded")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    population = models.ForeignKey(Population, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(_("file"), max_length=255)
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PREVIEWED)
    valid_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # The first errors, shown in the report (line, column, message).
    errors = models.JSONField(default=list)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    created_learners = models.PositiveIntegerField(default=0)
    updated_learners = models.PositiveIntegerField(default=0)
    # The preview's verdict, for the commit (saveit.learning.staging): the valid rows, the
    # SHA-256 of their stored bytes, and until when the commit may use them.
    rows_file = models.FileField(upload_to="imports/%Y/%m/", max_length=255, blank=True)
    rows_sha256 = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("learner import")
        verbose_name_plural = _("learner imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
