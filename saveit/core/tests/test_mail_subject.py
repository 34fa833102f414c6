"""A subject typed by a user (a ticket title) never breaks the mail header."""

from __future__ import annotations

from django.core import mail

from saveit.core.tasks import one_line, send_email


def test_newlines_and_control_characters_become_spaces(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    subject = "[Support] Ticket ouvert : panne\r\nBcc: x@y.z\x1b\x14 fin"
    assert one_line(subject) == "[Support] Ticket ouvert : panne Bcc: x@y.z fin"
    send_email.call(to=["a@b.fr"], subject=subject, body="corps")
    assert mail.outbox[-1].subject == one_line(subject)
