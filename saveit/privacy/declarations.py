"""Declarations of the installed third-party models (ours declare beside their class)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from saveit.core.privacy import declare, declare_none

declare(
    "admin.LogEntry",
    fields=["user", "object_repr", "change_message"],
    controller="provider",
    subject={"user": "user"},
    organization=None,
    retention=_("One year (administration of the installation)."),
    erasure="delete",
    portability=False,
)
declare(
    "sessions.Session",
    fields=["session_data"],
    controller="provider",
    subject={},
    organization=None,
    retention=_("Until the session ends (at most two weeks)."),
    erasure="delete",
    access=False,
    portability=False,
)
for _label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice"):
    declare(
        _label,
        fields=["user", "name"],
        controller="provider",
        subject={"user": "user"},
        organization=None,
        retention=_("As long as the account."),
        erasure="delete",
        access=False,
        portability=False,
    )
declare(
    "otp_static.StaticToken",
    fields=["token"],
    controller="provider",
    subject={"user": "device__user"},
    organization=None,
    retention=_("As long as the account."),
    erasure="delete",
    access=False,
    portability=False,
)
for _label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"):
    declare(
        _label,
        fields=["username", "ip_address", "user_agent"],
        controller="provider",
        subject={"email": "username"},
        organization=None,
        retention=_("Sign-in throttling records: 30 days."),
        erasure="delete",
        access=False,
        portability=False,
    )
declare_none("axes.AccessAttemptExpiration", "An expiry date of an attempt row, nothing else.")
declare_none(
    "django_tasks_database.DBTaskResult",
    "Task arguments are ids; results are counts. Purged with the task queue.",
)
declare(
    "core.BackgroundJob",
    fields=["requested_by_id", "params", "result_name"],
    controller="client",
    subject={"user": "requested_by_id"},
    organization="organization_id",
    retention=_("Results: until the job results expire (core.jobs purges them)."),
    erasure="none",
    access=False,
    portability=False,
)
