"""Data protection records: requests of the people concerned, restrictions, the processing
register, privacy contacts, legal holds, the breach register and reversibility exports."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saveit.accounts.models import Membership, Organization
from saveit.core.privacy import no_personal_data, personal_data


@personal_data(
    fields=["name", "email", "phone"],
    controller="client",
    subject={"email": "email"},
    organization="organization",
    retention=_("As long as the contract; replaced when the client names someone else."),
    erasure="pseudonymise",
)
class PrivacyContact(models.Model):
    """Who receives the privacy notices of a client organisation (breaches, requests)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="privacy_contact"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("privacy contact")
        verbose_name_plural = _("privacy contacts")

    def __str__(self) -> str:
        return f"{self.organization} · {self.name}"


class RequestKind(models.TextChoices):
    ACCESS = "access", _("access")
    PORTABILITY = "portability", _("portability")
    RECTIFICATION = "rectification", _("rectification")
    ERASURE = "erasure", _("erasure")
    RESTRICTION = "restriction", _("restriction of processing")
    OBJECTION = "objection", _("objection")


@personal_data(
    fields=["email", "person_name", "identity_note", "answer"],
    controller="client",
    subject={"email": "email"},
    organization="organization",
    retention=_("Three years after the answer (proof that the right was honoured)."),
    erasure="pseudonymise",
    kept_for=_("The request and its answer, under a pseudonym."),
    kept_years=3,
)
class DataSubjectRequest(models.Model):
    """A request of a person concerned, answered within one month (extendable with a reason)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        DONE = "done", pgettext_lazy("privacy request", "answered")
        REFUSED = "refused", _("refused")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="privacy_requests"
    )
    kind = models.CharField(_("right"), max_length=16, choices=RequestKind.choices)
    email = models.EmailField(_("e-mail address of the person"))
    person_name = models.CharField(_("person"), max_length=300, blank=True)
    details = models.TextField(_("request"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("answer due"))
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    identity_checked_at = models.DateTimeField(_("identity checked"), null=True, blank=True)
    identity_note = models.CharField(_("how the identity was checked"), max_length=300, blank=True)
    executed_at = models.DateTimeField(
        pgettext_lazy("privacy request", "answered"), null=True, blank=True
    )
    executed_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("answer"), blank=True)
    # What the answer covered, kept as proof: rows per table, what was kept and until when.
    report = models.JSONField(default=dict, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    last_warning_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("request of a person concerned")
        verbose_name_plural = _("requests of people concerned")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_at:%Y-%m-%d}"

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.RECEIVED

    def days_left(self, today: date | None = None) -> int:
        return (self.deadline - (today or timezone.localdate())).days


@personal_data(
    fields=["email"],
    controller="client",
    subject={"email": "email"},
    organization="organization",
    retention=_("As long as the restriction or objection stands."),
    erasure="delete",
)
class ProcessingRestriction(models.Model):
    """A person restricted, or objected to, the processing of their data: no reminder, no
    survey, left out of exports (checked through saveit.core.privacy.processing_restricted)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("right"), max_length=16, choices=RequestKind.choices)
    request = models.ForeignKey(
        DataSubjectRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        constraints = [
            models.UniqueConstraint(fields=["organization", "email"], name="restriction_once")
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.kind}"


@no_personal_data("Describes processings, not people.")
class ProcessingActivity(models.Model):
    """One entry of the processing register (controller or processor)."""

    class Role(models.TextChoices):
        CONTROLLER = "controller", _("controller")
        PROCESSOR = "processor", _("processor")

    key = models.SlugField(max_length=60, unique=True)
    role = models.CharField(_("role of the provider"), max_length=12, choices=Role.choices)
    name = models.CharField(_("processing"), max_length=200)
    purposes = models.TextField(_("purposes"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    data_subjects = models.TextField(_("people concerned"))
    data_categories = models.TextField(_("categories of data"))
    recipients = models.TextField(_("recipients"))
    subprocessors = models.TextField(_("sub-processors"), blank=True)
    transfers = models.CharField(_("transfers outside the EU"), max_length=300)
    retention = models.TextField(_("retention"))
    security = models.TextField(_("security measures"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing register")
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return self.name


@no_personal_data("An organisation's hold, with the staff member as a membership id.")
class LegalHold(models.Model):
    """Nothing of a held organisation (or engagement) is purged while the hold stands."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    engagement_id = models.PositiveBigIntegerField(null=True, blank=True)
    reason = models.TextField(_("reason"))
    placed_at = models.DateTimeField(_("placed"))
    placed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"{self.organization} · {self.placed_at:%Y-%m-%d}"


class Risk(models.TextChoices):
    NONE = "none", _("unlikely to result in a risk")
    RISK = "risk", _("risk for the people")
    HIGH = "high", _("high risk for the people")


@no_personal_data("Counts of people and records, never their identity.")
class Breach(models.Model):
    """One entry of the breach register. Entries never change: a correction is a new entry that
    points to the one it corrects (and the register shows the latest of each chain)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    aware_at = models.DateTimeField(_("became aware"))
    occurred_at = models.DateTimeField(_("occurred"), null=True, blank=True)
    nature = models.TextField(_("nature of the breach"))
    data_categories = models.TextField(_("categories of data"))
    people_count = models.PositiveIntegerField(_("people concerned"))
    records_count = models.PositiveIntegerField(_("records concerned"))
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(_("measures taken or planned"))
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices)
    provider_is_controller = models.BooleanField(_("the provider is controller"), default=False)
    organizations = models.ManyToManyField(
        Organization, related_name="+", blank=True, verbose_name=_("clients concerned")
    )
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breach register")
        ordering = ["-aware_at", "-pk"]

    def __str__(self) -> str:
        return self.number


@no_personal_data("The recipient is the client's privacy contact, kept as an address of record.")
class BreachNotice(models.Model):
    """A breach notified to a client (48 h) or to the authority (72 h)."""

    class To(models.TextChoices):
        CLIENT = "client", _("client")
        AUTHORITY = "authority", _("supervisory authority")

    breach = models.ForeignKey(Breach, on_delete=models.PROTECT, related_name="notices")
    to = models.CharField(max_length=10, choices=To.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipient = models.CharField(_("recipient"), max_length=254)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.breach} → {self.recipient}"


@no_personal_data("A record of an export and of the deletion that followed.")
class Reversibility(models.Model):
    """A client organisation's whole-data export, and its deletion once the client confirms."""

    organization_name = models.CharField(_("organisation"), max_length=200)
    organization_slug = models.SlugField(max_length=80)
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported"))
    manifest_sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)
    confirmed_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    destroyed_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    certificate = models.ForeignKey(
        "audit.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reversibility export")
        verbose_name_plural = _("reversibility exports")
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return f"{self.organization_slug} · {self.exported_at:%Y-%m-%d}"
