"""E-mail goes through Celery: a request never waits for an SMTP server.

``CeleryEmailBackend`` turns each message into plain data and queues it once the surrounding
transaction commits (kept in the outbox while the broker is away, see ``core.outbox``); the
``deliver_email`` task rebuilds it and hands it to the backend named by ``EMAIL_DELIVERY_BACKEND``
(SMTP in production, files under ``var/mail`` by default).
"""

import logging
import secrets
import smtplib
from email.header import Header
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends import smtp
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


class _Pipelining:
    """``sendmail`` in two round trips instead of three plus one per recipient when the server
    offers PIPELINING (RFC 2920, as Postfix, Exim and the mail services do): MAIL, RCPT and
    DATA go in one write, then the message. Each reply is read and answered as smtplib answers
    it, raising the same errors; without PIPELINING, or with options, smtplib's own way."""

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        self.ehlo_or_helo_if_needed()
        if not self.has_extn("pipelining") or mail_options or rcpt_options:
            return super().sendmail(from_addr, to_addrs, msg, mail_options, rcpt_options)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        to_addrs = [to_addrs] if isinstance(to_addrs, str) else list(to_addrs)
        size = f" SIZE={len(msg)}" if self.has_extn("size") else ""
        commands = [
            f"MAIL FROM:{smtplib.quoteaddr(from_addr)}{size}",
            *(f"RCPT TO:{smtplib.quoteaddr(address)}" for address in to_addrs),
            "DATA",
        ]
        self.send("".join(f"{command}\r\n" for command in commands))
        mail, *recipients, data = [self.getreply() for _command in commands]
        refused = {
            address: reply
            for address, reply in zip(to_addrs, recipients, strict=True)
            if reply[0] not in (250, 251)
        }
        if data[0] == 354:  # accepted although nobody may be left to receive it: end it empty
            data = self._end_data(msg if mail[0] == 250 and len(refused) < len(to_addrs) else b"")
        recipient_closing = any(code == 421 for code, _reply in recipients)
        if recipient_closing or 421 in (mail[0], data[0]):
            self.close()
        elif data[0] != 250:
            self._rset()
        if mail[0] != 250:
            raise smtplib.SMTPSenderRefused(*mail, from_addr)
        if len(refused) == len(to_addrs) or recipient_closing:
            raise smtplib.SMTPRecipientsRefused(refused)
        if data[0] != 250:
            raise smtplib.SMTPDataError(*data)
        return refused

    def _end_data(self, msg: bytes) -> tuple[int, bytes]:
        quoted = smtplib._quote_periods(msg)
        if not quoted.endswith(b"\r\n"):
            quoted += b"\r\n"
        self.send(quoted + b".\r\n")
        return self.getreply()


class PipeliningSMTP(_Pipelining, smtplib.SMTP):
    pass


class PipeliningSMTPSSL(_Pipelining, smtplib.SMTP_SSL):
    pass


class SMTPBackend(smtp.EmailBackend):
    """Django's SMTP backend, pipelining its commands when the server allows it: a digest run
    sends by the hundred thousand, and each round trip saved is one per message."""

    @property
    def connection_class(self):
        return PipeliningSMTPSSL if self.use_ssl else PipeliningSMTP


class WrittenAlternatives(EmailMultiAlternatives):
    """A text mail with one HTML alternative whose MIME form is written out directly.

    For mail sent by the hundred thousand (digests): Django builds the same form through the
    ``email`` package, whose header folding and boundary search cost more than rendering the
    mail's templates. Anything outside the plain case (attachments, copies, non-ASCII headers
    other than the subject, lines too long for 8bit) goes through Django's own ``message()``."""

    def message(self):
        if not self._writable():
            return super().message()
        return _WrittenMessage(self._header_lines(), self.body, self.alternatives[0].content)

    def _writable(self) -> bool:
        headers = [*self.to, self.from_email, *self.extra_headers.values()]
        return (
            (self.encoding or settings.DEFAULT_CHARSET).lower() == "utf-8"
            and not (self.attachments or self.cc or self.bcc or self.reply_to)
            and len(self.alternatives) == 1
            and self.alternatives[0].mimetype == "text/html"
            and all(_plain_header(str(value)) for value in headers)
            and "\n" not in str(self.subject)
            and "\r" not in str(self.subject)
            and not _has_long_lines(self.body)
            and not _has_long_lines(self.alternatives[0].content)
        )

    def _header_lines(self) -> list[str]:
        """The top-level headers in the order Django writes them; the subject still to encode."""
        names = {name.lower() for name in self.extra_headers}
        lines = [
            "From: " + self.extra_headers.get("From", self.from_email),
            "To: " + ", ".join(self.to),
        ]
        if "date" not in names:
            lines.append("Date: " + formatdate(localtime=settings.EMAIL_USE_LOCALTIME))
        if "message-id" not in names:
            lines.append("Message-ID: " + make_msgid(domain=DNS_NAME))
        lines += [
            f"{name}: {value}"
            for name, value in self.extra_headers.items()
            if name.lower() not in {"from", "to", "cc", "reply-to"}
        ]
        return [_subject_line(str(self.subject)), *lines]


def _plain_header(value: str) -> bool:
    return value.isascii() and "\n" not in value and "\r" not in value and len(value) < 900


def _has_long_lines(text: str) -> bool:
    return any(len(line.encode()) > 998 for line in text.splitlines())  # RFC 5322's limit


def _subject_line(subject: str) -> str:
    if subject.isascii():
        return "Subject: " + subject
    return "Subject: " + Header(subject, "utf-8", header_name="Subject").encode(linesep="\n")


class _WrittenMessage:
    """What mail backends ask of ``message()``: its bytes (and its charset)."""

    def __init__(self, headers: list[str], text: str, html: str):
        self.headers, self.text, self.html = headers, text, html
        self.boundary = _boundary_absent_from(text, html)

    def get_charset(self):
        return None

    def as_string(self, unixfrom=False, linesep="\n") -> str:
        part = 'Content-Type: text/{}; charset="utf-8"\nMIME-Version: 1.0\n'
        part += "Content-Transfer-Encoding: 8bit\n\n{}\n"
        delimiter = f"--{self.boundary}\n"
        written = (
            f'Content-Type: multipart/alternative;\n boundary="{self.boundary}"\n'
            "MIME-Version: 1.0\n"
            + "".join(f"{line}\n" for line in self.headers)
            + "\n"
            + delimiter
            + part.format("plain", _unix_lines(self.text))
            + delimiter
            + part.format("html", _unix_lines(self.html))
            + f"--{self.boundary}--\n"
        )
        return written if linesep == "\n" else written.replace("\n", linesep)

    def as_bytes(self, unixfrom=False, linesep="\n") -> bytes:
        return self.as_string(linesep=linesep).encode()

    __str__ = as_string


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _boundary_absent_from(*texts: str) -> str:
    while True:
        boundary = f"==============={secrets.token_hex(12)}=="
        if not any(boundary in text for text in texts):
            return boundary
