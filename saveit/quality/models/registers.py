"""Small registers the indicators need and no other app keeps (offer sheets, watch,
subcontractors, disability, staff competences)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import personal_data


class OfferSheet(models.Model):
    """A published offer (indicator 1); its content lives in immutable numbered versions."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    modules = models.ManyToManyField("catalog.Module", blank=True, related_name="+")
    clients_citable = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("clients who agree to be cited")
    )
    is_public = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offer sheet")
        verbose_name_plural = _("offer sheets")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="offer_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"

    @property
    def current(self) -> OfferSheetVersion | None:
        return self.versions.order_by("-number").first()


class OfferSheetVersion(models.Model):
    # The items the RNQ lists for indicator 1, in order.
    ITEMS = (
        "prerequisites",
        "objectives",
        "duration",
        "access",
        "price",
        "contacts",
        "methods",
        "evaluation",
        "accessibility",
    )

    sheet = models.ForeignKey(OfferSheet, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    prerequisites = models.TextField(_("prerequisites"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    duration = models.CharField(_("duration"), max_length=200, blank=True)
    access = models.TextField(_("access terms and delays"), blank=True)
    price = models.CharField(_("price"), max_length=200, blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    methods = models.TextField(_("teaching methods"), blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    accessibility = models.TextField(_("accessibility for disabled people"), blank=True)
    published_at = models.DateTimeField(_("published"))
    published_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("offer sheet version")
        verbose_name_plural = _("offer sheet versions")
        ordering = ["sheet", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="offer_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} v{self.number}"

    def missing_items(self) -> list[str]:
        return [name for name in self.ITEMS if not str(getattr(self, name)).strip()]


class WatchEntry(models.Model):
    """The watch register (indicators 23–25): what was seen, and what it changed."""

    class Kind(models.TextChoices):
        LEGAL = "legal", _("legal and regulatory")
        SKILLS = "skills", _("skills, jobs and employment")
        INNOVATION = "innovation", _("teaching and technical innovation")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of watch"), max_length=12, choices=Kind.choices)
    observed_on = models.DateField(_("observed on"))
    source = models.CharField(_("source"), max_length=300)
    summary = models.TextField(_("what changes"))
    impact = models.TextField(_("what we did about it"), blank=True)
    module = models.ForeignKey(
        "catalog.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module updated as a result"),
    )
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch entry")
        verbose_name_plural = _("watch register")
        ordering = ["-observed_on", "-pk"]

    def __str__(self) -> str:
        return self.source


class Subcontractor(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    scope = models.TextField(_("what they do for us"))
    contract_signed_on = models.DateField(_("contract signed on"), null=True, blank=True)
    qualiopi_certified = models.BooleanField(_("Qualiopi certified"), default=False)
    last_review_on = models.DateField(_("last compliance review"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subcontractor")
        verbose_name_plural = _("subcontractor register")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@personal_data(
    fields=["name", "email", "phone"],
    controller="provider",
    subject={"email": "email"},
    organization="organization",
    retention=_("While the person holds the role, then removed."),
    erasure="delete",
)
class DisabilityReferent(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    trained_on = models.DateField(_("trained on"), null=True, blank=True)
    partners = models.TextField(_("partner network"), blank=True)
    since = models.DateField(_("referent since"))

    class Meta:
        verbose_name = _("disability referent")
        verbose_name_plural = _("disability referents")
        ordering = ["-since"]

    def __str__(self) -> str:
        return self.name


@personal_data(
    fields=["learner", "description"],
    controller="provider",
    subject={"learner": "learner"},
    organization="learner__organization",
    retention=_("Five years after the training (quality audits)."),
    erasure="pseudonymise",
)
class Accommodation(models.Model):
    """An accommodation granted to a learner; the learner is named to staff only."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        "learning.Learner", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField(_("accommodation"))
    granted_on = models.DateField(_("granted on"))
    granted_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["-granted_on"]

    def __str__(self) -> str:
        return self.description[:60]


class AccessibilityCheck(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("checked on"))
    scope = models.CharField(_("what was checked"), max_length=300)
    result = models.TextField(_("result"))
    passed = models.BooleanField(_("compliant"), default=True)

    class Meta:
        verbose_name = _("accessibility check")
        verbose_name_plural = _("accessibility checks")
        ordering = ["-checked_on"]

    def __str__(self) -> str:
        return self.scope


class StaffCompetence(models.Model):
    """A staff member's competence, how it was assessed, and when it is reviewed (21–22)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    competence = models.CharField(_("competence"), max_length=200)
    evidence = models.TextField(_("how it was assessed"), blank=True)
    assessed_on = models.DateField(_("assessed on"))
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff competence")
        verbose_name_plural = _("staff competences")
        ordering = ["member", "competence"]

    def __str__(self) -> str:
        return self.competence
