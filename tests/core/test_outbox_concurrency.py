"""Two relays at once (two workers running beat's task, or a worker and a request) send each
stored task once: each takes rows the other has not locked (SKIP LOCKED, PostgreSQL's)."""

import pytest
from django.db import connection

from config.celery_app import app as celery_app
from core import outbox
from core.models import OutboxTask
from tests.core.test_outbox import queued
from tests.matchmaking.test_concurrency import at_once
from tests.services import forget_broker_connections, own_redis, point_celery_at  # noqa: F401

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has no row locks (SKIP LOCKED)"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_relays_at_once_send_each_task_once(own_redis, monkeypatch):  # noqa: F811
    monkeypatch.setattr(outbox, "broker", outbox.BrokerState())
    point_celery_at(celery_app, own_redis.url(), monkeypatch)
    OutboxTask.objects.bulk_create(
        OutboxTask(name="core.tasks.clear_expired_sessions", kwargs={"n": n}) for n in range(300)
    )

    sent, errors = at_once(outbox.relay, outbox.relay)
    forget_broker_connections(celery_app)

    assert errors == []
    assert sum(sent) == 300
    assert queued(own_redis) == 300
    assert not OutboxTask.objects.exists()
