from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Sent by the background worker so that a slow mail server never slows a page."""
    return send_mail(subject, body, None, to, fail_silently=False)


def send_email_after_commit(*, to: list[str], subject: str, body: str) -> None:
    """Queue the e-mail only once the write that caused it is committed."""
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))
