"""Reactions to changes Django makes outside our services (its password forms save the user)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(
    sender: type[User], instance: User, created: bool, **_: Any
) -> None:
    """set_password() leaves the raw password in `_password` until save() is over: when it is
    there, this save changed the password (reset by e-mail, change, admin) and the person's API
    tokens are revoked, so a token minted by whoever knew the old password stops working."""
    if created or getattr(instance, "_password", None) is None:
        return
    from . import services

    services.revoke_tokens_of_user(user=instance, reason="password_changed")
