"""E-mail goes through Celery: a request never waits for an SMTP server.

``CeleryEmailBackend`` turns each message into plain data and queues it once the surrounding
transaction commits (kept in the outbox while the broker is away, see ``core.outbox``); the
``deliver_email`` task rebuilds it and hands it to the backend named by ``EMAIL_DELIVERY_BACKEND``
(SMTP in production, files under ``var/mail`` by default).
"""

import logging
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import transaction

from core.models import UndeliveredEmail
from core.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)


def message_to_data(message: EmailMessage) -> dict:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def message_from_data(data: dict) -> EmailMultiAlternatives:
    fields = dict(data)
    alternatives = [tuple(pair) for pair in fields.pop("alternatives")]
    return EmailMultiAlternatives(alternatives=alternatives, **fields)


def deliver_now(data: dict) -> int:
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    return connection.send_messages([message_from_data(data)])


def refused_for_good(error: OSError) -> bool:
    """A 5xx answer (no such mailbox, sender refused) will not change: not worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def keep_undelivered(data: dict, *, error: OSError, attempts: int) -> UndeliveredEmail:
    logger.error("Gave up delivering %r to %s: %s", data["subject"], data["to"], error)
    return UndeliveredEmail.objects.create(
        subject=data["subject"][:255],
        recipients=", ".join([*data["to"], *data["cc"], *data["bcc"]]),
        error=f"{type(error).__name__}: {error}",
        attempts=attempts,
        message=data,
    )


def send_again(undelivered: UndeliveredEmail) -> None:
    """Queue an undelivered message for delivery again (with retries anew)."""
    from core.tasks import deliver_email  # core.tasks imports this module

    with transaction.atomic():
        enqueue_on_commit(deliver_email, undelivered.message)
        undelivered.delete()


class CeleryEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from core.tasks import deliver_email  # core.tasks imports this module

        for message in email_messages:
            # named now, so that a retried or redelivered message is recognisably the same one
            message.extra_headers.setdefault("Message-ID", make_msgid(domain=DNS_NAME))
            enqueue_on_commit(deliver_email, message_to_data(message))
        return len(email_messages)
