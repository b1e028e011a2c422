"""A worker killed in the middle of delivering a message (SIGKILL: the machine is gone), or
stopped with SIGTERM (a deploy): the message is delivered once, by another worker or by the
stopping one, with real worker processes on the real Redis broker and a real SMTP listener."""

import asyncio
import re
import signal
import time

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection

from config.celery_app import app as celery_app
from tests.conftest import SMTPInbox, free_port
from tests.digests.test_workers import VISIBILITY, Worker

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="worker processes need the test database on PostgreSQL (SQLite's is in memory) "
        "and the Redis broker",
    ),
    pytest.mark.usefixtures("transactional_db"),
]


class StallingInbox(SMTPInbox):
    """Holds the first attempt at its recipient for `stall` seconds, then takes messages."""

    stall = 30.0

    def __init__(self):
        super().__init__()
        self.attempts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.attempts += 1
        if self.attempts == 1:
            await asyncio.sleep(self.stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def inbox(settings):
    handler = StallingInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    yield handler
    controller.stop()


@pytest.fixture
def workers(inbox):
    celery_app.control.purge()
    # prefork, as in production: a solo worker sweeps for abandoned tasks only as it starts
    started = [Worker(name, inbox.port, pool="prefork") for name in ("first", "second")]
    for worker in started:
        worker.wait_for(r"@\S+ ready", timeout=120)
    yield started
    for worker in started:
        worker.stop()
    celery_app.control.purge()


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def took_the_message(worker: Worker) -> bool:
    return any(
        re.search(r"Task core\.tasks\.deliver_email\[.*\] received", line) for line in worker.lines
    )


def the_one_delivering(workers) -> Worker:
    wait_until(lambda: any(took_the_message(worker) for worker in workers))
    return next(worker for worker in workers if took_the_message(worker))


def test_a_worker_killed_mid_delivery_leaves_the_message_to_another_once(workers, inbox):
    send_mail("Your invitation", "Hello", None, ["li.wei@example.org"])
    wait_until(lambda: inbox.attempts == 1)  # in the middle of the SMTP conversation

    killed = the_one_delivering(workers)
    killed.kill()
    [survivor] = [worker for worker in workers if worker is not killed]

    [received] = inbox.wait_for(1, timeout=VISIBILITY + 30)
    time.sleep(2)  # time enough for a duplicate to arrive
    assert len(inbox.messages) == 1
    assert received["To"] == "li.wei@example.org"
    assert took_the_message(survivor)


def test_a_worker_stopped_with_sigterm_finishes_the_delivery_it_began(workers, inbox):
    inbox.stall = 2.0
    send_mail("Your invitation", "Hello", None, ["li.wei@example.org"])
    wait_until(lambda: inbox.attempts == 1)

    stopped = the_one_delivering(workers)
    stopped.process.send_signal(signal.SIGTERM)
    assert stopped.process.wait(timeout=30) == 0

    inbox.wait_for(1)
    time.sleep(VISIBILITY + 2)  # the other worker would have had it back by now
    assert len(inbox.messages) == 1
    assert inbox.attempts == 1
    [other] = [worker for worker in workers if worker is not stopped]
    assert not took_the_message(other)
