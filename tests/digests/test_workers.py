"""Exactly once per member and period with real Celery workers, each in a process of its own, on
the real Redis broker and PostgreSQL, mailing a real SMTP listener: a worker killed with SIGKILL
in the middle of a batch, two workers consuming one queue, beat's task fired twice and batches
delivered twice. Every due member gets one delivery, sent, and exactly one distinct Message-ID;
raw duplicates (the SMTP window of RFC 1047: accepted by the server, not yet recorded) are
counted and reported."""

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email.utils import parseaddr
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from config.celery_app import app as celery_app
from digests import services
from digests.models import Delivery
from digests.tasks import queue_due_digests, send_digest_batch
from tests.conftest import SMTPInbox, free_port, url_of_the_test_database
from tests.digests.conftest import news, reader

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = 40
VISIBILITY = 6  # seconds before Redis gives a dead worker's task to another

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="worker processes need the test database on PostgreSQL (SQLite's is in memory) "
        "and the Redis broker",
    ),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


class SlowInbox(SMTPInbox):
    """A listener that takes a moment over each message, so that a batch is still being sent
    when the test kills its worker."""

    delay = 0.15

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def inbox():
    handler = SlowInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


class Worker:
    def __init__(self, name: str, smtp_port: int, pool: str = "solo"):
        environment = {
            key: value for key, value in os.environ.items() if key != "PYTEST_XDIST_WORKER"
        }
        environment |= {
            "DATABASE_URL": url_of_the_test_database(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DIGEST_TEST_VISIBILITY": str(VISIBILITY),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.digests.worker_process",
                f"--pool={pool}",
                "--concurrency=1",
                f"--hostname={name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip())
                self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60) -> None:
        with self._changed:
            found = self._changed.wait_for(
                lambda: (
                    any(re.search(pattern, line) for line in self.lines)
                    or self.process.poll() is not None
                ),
                timeout=timeout,
            )
        seen = any(re.search(pattern, line) for line in self.lines)
        assert found, "\n".join(self.lines)
        assert seen, "\n".join(self.lines)

    def pool_children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def kill(self):
        """SIGKILL to the worker and every child it has: the machine is gone."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def workers(inbox):
    celery_app.control.purge()
    started: list[Worker] = []

    def start(name: str, pool: str = "solo") -> Worker:
        worker = Worker(name, inbox.port, pool)
        started.append(worker)
        worker.wait_for(r"@\S+ ready", timeout=180)
        return worker

    yield start
    for worker in started:
        worker.stop()
    celery_app.control.purge()


def due_members(count: int = MEMBERS) -> list:
    news()
    return [reader() for _ in range(count)]


def wait_until_all_sent(count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Delivery.objects.filter(status="sent").count() >= count:
            return
        time.sleep(0.3)
    raise AssertionError(dict(Counter(Delivery.objects.values_list("status", flat=True))))


def outcome(members, inbox) -> dict:
    """What each member got: deliveries, their status, the Message-IDs they received."""
    time.sleep(1.5)  # time enough for a late duplicate to arrive
    by_address = Counter(parseaddr(m["To"])[1] for m in inbox.messages)
    ids = {}
    for message in inbox.messages:
        ids.setdefault(parseaddr(message["To"])[1], set()).add(message["Message-ID"].strip())
    deliveries = Counter(Delivery.objects.values_list("member_id", flat=True))
    result = {
        "members": len(members),
        "deliveries per member": sorted(set(deliveries.values())),
        "statuses": dict(Counter(Delivery.objects.values_list("status", flat=True))),
        "received": sum(1 for m in members if by_address[m.email]),
        "distinct message ids per member": sorted({len(ids.get(m.email, ())) for m in members}),
        "raw duplicates": sum(by_address[m.email] - 1 for m in members if by_address[m.email]),
    }
    print("\nexactly-once outcome:", result)
    return result


def test_a_worker_killed_mid_batch_and_restarted_leaves_every_member_one_digest(workers, inbox):
    members = due_members()
    first = workers("first")
    for batch in services.mark_due_queued(size=10):
        send_digest_batch.delay(batch)
    inbox.wait_for(5, timeout=60)  # in the middle of the first batch
    first.kill()
    sent_before_kill = len(inbox.messages)
    workers("second")  # takes the rest, and the killed one's batch once Redis gives it back

    wait_until_all_sent(MEMBERS)
    result = outcome(members, inbox)
    assert sent_before_kill < MEMBERS
    assert result["deliveries per member"] == [1]
    assert result["statuses"] == {"sent": MEMBERS}
    assert result["received"] == MEMBERS
    assert result["distinct message ids per member"] == [1]
    assert result["raw duplicates"] <= 1  # at most the one message in flight when killed


def test_a_pool_process_killed_mid_batch_is_replaced_and_its_batch_taken_again(workers, inbox):
    """The pool process dies (the kernel's OOM killer, say) while its parent lives: the task
    is rejected and requeued at once (``reject_on_worker_lost``), not an hour later."""
    members = due_members()
    worker = workers("prefork", pool="prefork")
    for batch in services.mark_due_queued(size=10):
        send_digest_batch.delay(batch)
    inbox.wait_for(5, timeout=60)
    [child] = worker.pool_children()
    os.kill(child, signal.SIGKILL)

    wait_until_all_sent(MEMBERS)
    result = outcome(members, inbox)
    assert worker.process.poll() is None  # the worker lives on with a new pool process
    assert result["deliveries per member"] == [1]
    assert result["statuses"] == {"sent": MEMBERS}
    assert result["received"] == MEMBERS
    assert result["distinct message ids per member"] == [1]
    assert result["raw duplicates"] <= 1


def test_two_workers_beat_firing_twice_and_batches_delivered_twice(workers, inbox):
    members = due_members()
    workers("one")
    workers("two")
    queue_due_digests.delay()
    queue_due_digests.delay()  # beat fires twice
    for batch in services.mark_due_queued(size=7):  # nothing left to queue: they are queued
        send_digest_batch.delay(batch)
    ids = [member.pk for member in members]
    for start in range(0, MEMBERS, 10):  # and every batch delivered a second time, at once
        send_digest_batch.delay(ids[start : start + 10])
        send_digest_batch.delay(ids[start : start + 10])

    wait_until_all_sent(MEMBERS)
    result = outcome(members, inbox)
    assert result["deliveries per member"] == [1]
    assert result["statuses"] == {"sent": MEMBERS}
    assert result["received"] == MEMBERS
    assert result["distinct message ids per member"] == [1]
    assert result["raw duplicates"] == 0
