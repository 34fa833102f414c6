from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from saveit.core.privacy import personal_data

from .roles import (
    AuditorScope,
    OrganizationKind,
    Role,
    SecondFactorRule,
)
from .validators import validate_siren, validate_vat_number


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


# django-stubs cannot resolve the reverse manager that django-otp's abstract Device.user gives
# RecoveryCodeDevice (no related_name there); nothing uses that manager.
@personal_data(
    fields=["email", "first_name", "last_name", "password", "last_login"],
    controller="client",
    subject={"user": "pk"},
    organization=None,
    retention=_("As long as the person holds a membership or a learner record; then erased."),
    erasure="pseudonymise",
    restriction=_("The account stays; no reminder or survey is sent while restricted."),
)
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A person. What they may do depends on their memberships, never on the user alone."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8, default="fr")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Organization(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("identifier"), max_length=80, unique=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validate_siren])
    vat_number = models.CharField(
        _("VAT number"), max_length=20, blank=True, validators=[validate_vat_number]
    )
    address = models.TextField(_("address"), blank=True)
    # Mentions French law requires on a company's invoices (Code de commerce, R123-237).
    legal_form = models.CharField(
        _("legal form"), max_length=60, blank=True, help_text=_("e.g. SAS, SARL, SA.")
    )
    share_capital = models.DecimalField(
        _("share capital (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    rcs_city = models.CharField(
        _("RCS registry (city)"),
        max_length=80,
        blank=True,
        help_text=_("The city of the trade and companies register; the number is the SIREN."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    second_factor_rule = models.CharField(
        _("second factor required for"),
        max_length=16,
        choices=SecondFactorRule.choices,
        default=SecondFactorRule.SIGNERS,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider(self) -> bool:
        return self.kind == OrganizationKind.PROVIDER

    def missing_invoice_mentions(self) -> list[str]:
        """The legal mentions an invoice of this organisation cannot go without, when missing."""
        mentions = (
            (_("SIREN"), bool(self.siren)),
            (_("legal form"), bool(self.legal_form)),
            (_("share capital (€)"), self.share_capital is not None),
            (_("RCS registry (city)"), bool(self.rcs_city)),
        )
        return [str(label) for label, present in mentions if not present]


@personal_data(
    fields=["user"],
    controller="client",
    subject={"user": "user", "membership": "pk"},
    organization="organization",
    retention=_("The duration of the contract; kept as the actor of audited acts."),
    erasure="keep_legal",
    kept_for=_("Actor of audited acts (the audit trail): the row stays, its person is erased."),
    kept_years=6,
)
class Membership(models.Model):
    """user × organisation × role: the unit of every permission and of every audit actor."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Auditors get time-boxed access; other roles usually have no end.
    expires_at = models.DateTimeField(_("access ends"), null=True, blank=True)
    # An auditor's scope (empty for other roles). scope_object_id is the engagement's id when the
    # scope is one engagement: a plain id, because engagements sit above accounts in the layers.
    scope = models.CharField(_("scope"), max_length=16, choices=AuditorScope.choices, blank=True)
    scope_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]
        ordering = ["organization__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"

    def is_current(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return (
            self.is_active
            and self.user.is_active
            and self.organization.is_active
            and (self.expires_at is None or self.expires_at > now)
        )


@personal_data(
    fields=["email"],
    controller="client",
    subject={"email": "email"},
    organization="organization",
    retention=_("Until accepted, revoked or expired; then 90 days."),
    erasure="pseudonymise",
)
class Invitation(models.Model):
    """An e-mailed offer to join an organisation with a role; the token is stored hashed."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revocation date"), null=True, blank=True)
    # Auditors only: the last day of their access and what it opens (copied to the membership).
    access_ends_on = models.DateField(_("access ends on"), null=True, blank=True)
    scope = models.CharField(_("scope"), max_length=16, choices=AuditorScope.choices, blank=True)
    scope_object_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


@personal_data(
    fields=["name", "last_used_at"],
    controller="provider",
    subject={"membership": "membership"},
    organization="membership__organization",
    retention=_("Until revoked or expired."),
    erasure="delete",
)
class ApiToken(models.Model):
    """A personal API token bound to one membership (one organisation, one role)."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    # Chosen at creation (90 days by default, one year at most); past it the token answers 401.
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revocation date"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_expired(self, now: Any = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "expired" if self.is_expired() else "active"


@personal_data(
    fields=["member", "route"],
    controller="provider",
    subject={"membership": "member"},
    organization="member__organization",
    retention=_("One year (security of the service)."),
    erasure="delete",
)
class SecurityEvent(models.Model):
    """A refused request of a member: what they tried, never the data of what they were refused.

    Written outside the audit chain (one insert, no lock) so a burst of refusals costs little and
    cannot slow the organisation's chain; shown to the provider's administrators.
    """

    class Kind(models.TextChoices):
        FORBIDDEN = "forbidden", _("Forbidden action")
        CROSS_TENANT = "cross_tenant", _("Object of another organisation")
        OUT_OF_SCOPE = "out_of_scope", _("Object outside the member's scope")

    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="security_events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=8)
    route = models.CharField(_("route"), max_length=300)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["member", "occurred_at"], name="security_event_member_time")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.route}"


@personal_data(
    fields=["member"],
    controller="provider",
    subject={"membership": "member"},
    organization="member__organization",
    retention=_("One year (security of the service)."),
    erasure="delete",
)
class SecurityAlert(models.Model):
    """One alert per member and burst window: the unique key makes the e-mail go once."""

    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    events = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "window_start"], name="security_alert_once_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.window_start:%Y-%m-%d %H:%M}"


@personal_data(
    fields=["user", "failures"],
    controller="provider",
    subject={"user": "user"},
    organization=None,
    retention=_("Until the lock ends."),
    erasure="delete",
    access=False,
    portability=False,
)
class ReauthThrottle(models.Model):
    """Wrong answers to "prove it is you again" (signing, current password) of one user.

    One row per user: failures counted from the first one of the window; at the limit the user
    is locked until locked_until and the count starts again.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reauth_throttle")
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("re-authentication throttle")
        verbose_name_plural = _("re-authentication throttles")

    def __str__(self) -> str:
        return f"{self.user} · {self.failures}"


@personal_data(
    fields=["user"],
    controller="provider",
    subject={"user": "user"},
    organization=None,
    retention=_("As long as the account."),
    erasure="delete",
    access=False,
    portability=False,
)
class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-use recovery codes of a user, a django-otp device whose codes are stored hashed.

    django-otp's own StaticDevice keeps its tokens in clear; these are hashed with the password
    hasher (salted, Argon2 in production: ASVS 6.5.2 for secrets of less than 112 bits).
    """

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        match = next((c for c in self.codes.all() if check_password(token, c.digest)), None)
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=256)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.device} · {self.pk}"


@personal_data(
    fields=["email_digest", "ip"],
    controller="provider",
    subject={},
    organization=None,
    retention=_("One hour (rate limit of reset e-mails)."),
    erasure="delete",
    access=False,
    portability=False,
)
class PasswordResetRequest(models.Model):
    """One "forgot my password" request, kept an hour to rate-limit the e-mails.

    The address is kept as a digest only: the table tells nobody who asked.
    """

    email_digest = models.CharField(max_length=64, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    requested_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.ip} · {self.requested_at:%Y-%m-%d %H:%M}"


@personal_data(
    fields=["signatory_name", "signatory_role"],
    controller="provider",
    subject={},
    organization="organization",
    retention=_("As long as the provider signs attestations with it."),
    erasure="none",
    access=False,
    portability=False,
)
class AttestationSignature(models.Model):
    """How a training provider signs its attestations: who signs, and a scanned signature or stamp.

    The image is re-encoded as PNG on upload and stored under its SHA-256, never replaced in
    place: an attestation records the hash of the image it was issued with, so it keeps printing
    that signature after the provider uploads another one.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="attestation_signature"
    )
    # Déclaration d'activité (Code du travail, L6351-1): printed on every attestation when given.
    activity_declaration = models.CharField(
        _("activity declaration number"),
        max_length=11,
        blank=True,
        help_text=_("11 digits, as given by the regional prefecture (NDA)."),
    )
    signatory_name = models.CharField(_("signatory's name"), max_length=150, blank=True)
    signatory_role = models.CharField(_("signatory's role"), max_length=150, blank=True)
    image_name = models.CharField(max_length=200, blank=True)  # path in the default storage
    image_sha256 = models.CharField(max_length=64, blank=True)
    image_width = models.PositiveIntegerField(default=0)
    image_height = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("attestation signature")
        verbose_name_plural = _("attestation signatures")

    def __str__(self) -> str:
        return f"{self.organization} · {self.signatory_name}"
