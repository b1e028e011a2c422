"""The broker (Redis, the test's own) goes away: what requests hand to Celery after commit is
kept in the outbox, the request answers at once, and each task is sent once when the broker
is back, without anyone acting."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from config.celery_app import app as celery_app
from core import outbox
from core.models import OutboxTask
from tests.services import forget_broker_connections, own_redis, point_celery_at  # noqa: F401


@pytest.fixture
def broker_on_own_redis(own_redis, monkeypatch):  # noqa: F811
    monkeypatch.setattr(outbox, "broker", outbox.BrokerState())
    monkeypatch.setattr(outbox, "RETRY_AFTER", 0.5)
    point_celery_at(celery_app, own_redis.url(), monkeypatch)
    yield own_redis
    forget_broker_connections(celery_app)


def sign_up(client, email):
    started = time.perf_counter()
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Zhang Min",
            "email": email,
            "password1": "harbour-lights-2026",
            "password2": "harbour-lights-2026",
        },
    )
    assert response.status_code == 302
    return time.perf_counter() - started


def queued(server) -> int:
    """Messages waiting in the broker, whatever queue each task is routed to."""
    broker = redis.Redis(port=server.port)
    return sum(broker.llen(key) for key in broker.scan_iter() if broker.type(key) == b"list")


@pytest.mark.django_db
def test_mail_queued_while_the_broker_is_away_waits_in_the_outbox_and_is_sent_once(
    client, settings, broker_on_own_redis, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    broker_on_own_redis.stop()
    # the first also compiles the sign-up's templates and finds the broker away; the next ones
    # store at once

    seconds = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            started = time.perf_counter()
            sign_up(client, f"person{n}@example.org")
        seconds.append(time.perf_counter() - started)
        client.logout()
    print(f"\nsign-ups with the broker away: {', '.join(f'{s * 1000:.0f} ms' for s in seconds)}")
    assert seconds[0] < 10  # a loaded machine's first request; never a hang
    assert max(seconds[1:]) < 1
    assert (
        list(OutboxTask.objects.values_list("name", flat=True)) == ["core.tasks.deliver_email"] * 3
    )

    broker_on_own_redis.start()
    time.sleep(outbox.RETRY_AFTER)
    assert outbox.relay() == 3
    assert outbox.relay() == 0
    assert queued(broker_on_own_redis) == 3
    assert not OutboxTask.objects.exists()


@pytest.mark.django_db
def test_a_relay_stopped_by_the_broker_keeps_what_it_could_not_send(broker_on_own_redis):
    for n in range(3):
        OutboxTask.objects.create(name="core.tasks.clear_expired_sessions", kwargs={"n": n})
    broker_on_own_redis.stop()

    assert outbox.relay() == 0
    assert OutboxTask.objects.count() == 3


def test_mail_kept_during_an_outage_reaches_the_inbox_once_when_the_broker_returns(
    client, settings, seeded_transactional_db, smtp_inbox, broker_on_own_redis
):
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    broker_on_own_redis.stop()
    sign_up(client, "during@example.org")
    client.logout()
    assert OutboxTask.objects.count() == 1

    broker_on_own_redis.start()
    time.sleep(outbox.RETRY_AFTER)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sign_up(client, "after@example.org")  # its publish sends the relay on its way
        received = smtp_inbox.wait_for(2)
        time.sleep(1)  # time enough for a duplicate to arrive

    assert sorted(message["To"] for message in received) == [
        "after@example.org",
        "during@example.org",
    ]
    assert not OutboxTask.objects.exists()
