from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Sent by the background worker so that a slow mail server never slows a page."""
    return send_mail(one_line(subject), body, None, to, fail_silently=False)


def one_line(text: str, limit: int = 200) -> str:
    """A subject line: user-typed text (a ticket title) may hold newlines or control
    characters, which mail headers refuse."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(cleaned.split())[:limit]


def send_email_after_commit(*, to: list[str], subject: str, body: str) -> None:
    """Queue the e-mail only once the write that caused it is committed."""
    subject = one_line(subject)
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))
