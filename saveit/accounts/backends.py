"""Django's ModelBackend, with the read of the signed-in user compiled once per process.

Every signed-in request reads its user by the id in the session (issue 22): the row, the
`is_active` check and the session hash check that follows are Django's own; only the query's
compilation is skipped. Sessions name this backend (settings.AUTHENTICATION_BACKENDS).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from saveit.core.prepared import Prepared

from .models import User


def _user_query(pk: int) -> QuerySet[User]:
    return User.objects.filter(pk=pk)


_USER_BY_ID = Prepared(_user_query, pk=int)


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(User._meta.pk.to_python(user_id))
        except (TypeError, ValueError, ValidationError):  # a damaged session: nobody signed in
            return None
        user = _USER_BY_ID.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None
