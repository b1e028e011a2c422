"""The mail server refuses, answers "try later", or is too slow, with a real SMTP listener and a
real worker: mail is retried with backoff and delivered once; what the server never takes is
kept for staff, who see it and send it again; the sender never waits on the server."""

import asyncio
import time

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, send_mail

from core import tasks
from core.mail import message_to_data
from core.models import UndeliveredEmail
from tests.conftest import SMTP_BACKEND, SMTPInbox, free_port
from tests.members.factories import UserFactory, with_authenticator

TRY_LATER = "451 4.3.0 Try again later"
NO_SUCH_USER = "550 5.1.1 No such user here"
SLOW = "slow"


class FickleInbox(SMTPInbox):
    """Answers each attempt's recipient as told (then accepts): a refusal, or a long silence."""

    def __init__(self, answers=()):
        super().__init__()
        self.answers = list(answers)
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.attempts += 1
        answer = self.answers.pop(0) if self.answers else None
        if answer == SLOW:
            await asyncio.sleep(2)  # past EMAIL_TIMEOUT: the client has gone when this answers
        elif answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def fickle_inbox(settings):
    inbox = FickleInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 0.5
    yield inbox
    controller.stop()


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(tasks, "EMAIL_RETRY_DELAYS", (0.1, 0.2, 0.3))
    monkeypatch.setattr(tasks.deliver_email, "max_retries", 3)


def send(to="li.wei@example.org"):
    started = time.perf_counter()
    send_mail("Your invitation", "Hello", None, [to])
    return time.perf_counter() - started


def wait_for_undelivered(timeout=10) -> UndeliveredEmail:
    deadline = time.monotonic() + timeout
    while not (kept := UndeliveredEmail.objects.first()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert kept, "nothing was kept for staff"
    return kept


@pytest.mark.redis
def test_a_server_saying_try_later_then_too_slow_gets_the_message_once(
    fickle_inbox, quick_retries, celery_worker_on_redis
):
    fickle_inbox.answers = [TRY_LATER, SLOW, TRY_LATER]

    assert send() < 0.5  # the sender never waits on the server

    [received] = fickle_inbox.wait_for(1)
    time.sleep(2.5)  # the slow answer comes back meanwhile: no second copy
    assert len(fickle_inbox.messages) == 1
    assert received["To"] == "li.wei@example.org"
    assert fickle_inbox.attempts == 4
    assert not UndeliveredEmail.objects.exists()


@pytest.mark.redis
def test_a_message_never_taken_is_kept_for_staff_who_send_it_again(
    client, fickle_inbox, quick_retries, celery_worker_on_redis
):
    fickle_inbox.answers = [TRY_LATER] * 4
    send()

    kept = wait_for_undelivered()
    assert (kept.recipients, kept.attempts) == ("li.wei@example.org", 4)
    assert "451" in kept.error
    assert fickle_inbox.messages == []

    client.force_login(with_authenticator(UserFactory(is_staff=True, is_superuser=True)))
    assert "Undelivered e-mail" in client.get("/members/staff/").content.decode()
    changelist = "/admin/core/undeliveredemail/"
    assert "Your invitation" in client.get(changelist).content.decode()
    client.post(changelist, {"action": "send_again", "_selected_action": [kept.pk]})

    [received] = fickle_inbox.wait_for(1)
    assert received["Subject"] == "Your invitation"
    assert not UndeliveredEmail.objects.exists()


@pytest.mark.django_db
def test_a_recipient_refused_for_good_is_kept_at_once_without_retrying(fickle_inbox):
    fickle_inbox.answers = [NO_SUCH_USER]
    message = {
        **message_to_data(EmailMessage("Hi", "Body")),
        "to": ["nobody@example.org"],
    }

    assert tasks.deliver_email.apply(args=[message]).get() == 0

    kept = UndeliveredEmail.objects.get()
    assert (kept.attempts, fickle_inbox.attempts) == (1, 1)
    assert "550" in kept.error
