"""Django's ModelBackend, reading the signed-in user with their current memberships.

Every signed-in request reads its user by the id in the session (issue 22): the `is_active`
check and the session hash check that follow are Django's own; the user comes in the same
query as the memberships the middleware needs (accounts.selectors.signed_in_user), compiled
once per process. Sessions name this backend (settings.AUTHENTICATION_BACKENDS).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError

from .models import User
from .selectors import signed_in_user


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(User._meta.pk.to_python(user_id))
        except (TypeError, ValueError, ValidationError):  # a damaged session: nobody signed in
            return None
        user = signed_in_user(pk)
        return user if user is not None and self.user_can_authenticate(user) else None
