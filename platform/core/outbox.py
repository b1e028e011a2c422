"""Tasks queued after commit survive a broker outage.

``enqueue_on_commit`` is the one way a request hands work to Celery. Once the transaction commits
it publishes the task; when the broker cannot be reached the task is stored in the database as an
``OutboxTask`` instead, and the request goes on. After a failed publish the process stores without
trying the broker for ``RETRY_AFTER`` seconds, so a request costs one insert, not a connection
timeout, while the broker is away.

``relay`` sends the stored tasks, oldest first, each deleted under its row lock as it is published
(rows another relay holds are skipped), so each is sent once. It runs from beat every minute
(``core.tasks.relay_outbox``) and, as soon as the broker answers again, after the first successful
publish of a process that stored tasks: stored work goes out without anyone acting. A relay that
dies between publishing and committing leaves its rows to be sent again: at least once, as every
task is.
"""

import logging
import threading
import time
from functools import partial

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core.models import OutboxTask

logger = logging.getLogger(__name__)

BROKER_AWAY = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds during which a process that found the broker away does not try it
RELAY_BATCH = 100


class BrokerState:
    """What this process knows of the broker: away until when, and whether it stored tasks."""

    def __init__(self):
        self._lock = threading.Lock()
        self.retry_at = 0.0
        self.stored = False

    def away(self) -> bool:
        return time.monotonic() < self.retry_at

    def found_away(self, error: Exception) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + RETRY_AFTER
            self.stored = True
        logger.warning("Broker unreachable (%s); tasks are kept in the outbox", error)

    def take_stored(self) -> bool:
        with self._lock:
            stored, self.stored = self.stored, False
        return stored


broker = BrokerState()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` once the current transaction commits (at once outside
    one); arguments must be JSON."""
    transaction.on_commit(partial(enqueue, task.name, list(args), kwargs))


def enqueue(name: str, args: list, kwargs: dict) -> None:
    if broker.away() or not publish(name, args, kwargs):
        OutboxTask.objects.create(name=name, args=args, kwargs=kwargs)
    elif broker.take_stored():
        publish("core.tasks.relay_outbox", [], {})


def publish(name: str, args: list, kwargs: dict) -> bool:
    """Hand the task to the broker; False when the broker cannot be reached."""
    try:
        current_app.send_task(name, args=args, kwargs=kwargs)
    except BROKER_AWAY as error:
        broker.found_away(error)
        return False
    return True


def relay() -> int:
    """Publish the stored tasks, oldest first, until none is left or the broker fails; returns
    how many were sent."""
    sent = 0
    while not broker.away():
        with transaction.atomic():
            batch = list(
                OutboxTask.objects.select_for_update(skip_locked=True).order_by("pk")[:RELAY_BATCH]
            )
            published = []
            for task in batch:
                if not publish(task.name, task.args, task.kwargs):
                    break
                published.append(task.pk)
            OutboxTask.objects.filter(pk__in=published).delete()
        sent += len(published)
        if len(published) < RELAY_BATCH:
            break
    if sent:
        logger.info("Sent %d task(s) kept in the outbox", sent)
    return sent
