"""Redis, the cache, goes away (stopped, or hung) and comes back, with a Redis of the test's own:
pages keep serving from the database, log-in works with its limits still enforced, and a
session ended meanwhile stays ended when Redis returns."""

import signal
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core import cache as resilient_cache
from tests.members.factories import PASSWORD, UserFactory
from tests.services import own_redis  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def cache_on_own_redis(settings, own_redis, monkeypatch):  # noqa: F811
    monkeypatch.setattr(resilient_cache, "outage", resilient_cache.RedisOutage())
    monkeypatch.setattr(resilient_cache, "RETRY_AFTER", 0.5)
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": own_redis.url(),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    return own_redis


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def timed_get(client, path):
    started = time.perf_counter()
    response = client.get(path)
    return response, time.perf_counter() - started


def test_with_redis_stopped_pages_are_served_from_the_database(client, cache_on_own_redis):
    UserFactory()
    pages = ("/", "/directory/", "/forums/")
    for path in pages:  # warm: templates compiled, Redis holds the facet counts
        client.get(path)
    cache_on_own_redis.stop()

    for path in pages:
        response, seconds = timed_get(client, path)
        print(f"\n{path} with Redis stopped: {response.status_code} in {seconds * 1000:.0f} ms")
        assert response.status_code == 200
        assert seconds < 2
    readiness = client.get("/readyz")  # an operator still hears of it
    assert readiness.status_code == 503
    assert readiness.json()["checks"]["cache"] == "error: ConnectionError"


def test_with_redis_stopped_log_in_works_and_failures_are_still_limited(client, cache_on_own_redis):
    member, target = UserFactory(onboarded=True), UserFactory()
    cache_on_own_redis.stop()

    response = log_in(client, member.email)
    assert response.status_code == 302
    assert client.get(reverse("members:dashboard")).status_code == 200

    stranger = Client()
    for _ in range(5):
        response = log_in(stranger, target.email, "wrong-password-123")
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()
    response = log_in(stranger, target.email)  # the right one, too late
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()


def test_a_session_ended_while_redis_hung_stays_ended_when_it_answers_again(
    client, cache_on_own_redis
):
    member = UserFactory(onboarded=True)
    log_in(client, member.email)
    session_key = client.cookies["sessionid"].value
    dashboard = reverse("members:dashboard")
    assert client.get(dashboard).status_code == 200  # the session is in Redis now

    cache_on_own_redis.process.send_signal(signal.SIGSTOP)
    try:
        response, seconds = timed_get(client, dashboard)
        print(f"\nfirst page with Redis hung: {seconds * 1000:.0f} ms")
        assert response.status_code == 200
        client.post(reverse("account_logout"))
    finally:
        cache_on_own_redis.process.send_signal(signal.SIGCONT)
    time.sleep(resilient_cache.RETRY_AFTER)

    returning = Client()
    returning.cookies["sessionid"] = session_key
    assert returning.get(dashboard).status_code == 302  # to the log-in page


def test_values_written_without_a_timeout_expire_after_the_default_one(cache_on_own_redis):
    cache.set("greeting", "hello")
    assert 0 < redis.Redis(port=cache_on_own_redis.port).ttl(":1:greeting") <= 300


def test_after_a_restart_of_redis_the_cache_is_redis_again(client, cache_on_own_redis):
    """The cache's Redis clients are kept between calls: they reconnect to a Redis started again,
    and what the site writes then is in Redis, shared with the other processes."""
    cache.set("before", "kept until the restart")
    cache_on_own_redis.stop()
    assert client.get("/directory/").status_code == 200  # served while Redis is away
    cache_on_own_redis.start()
    time.sleep(resilient_cache.RETRY_AFTER)

    cache.set("after", "written once Redis is back")
    assert redis.Redis(port=cache_on_own_redis.port).get(":1:after") is not None
    assert client.get("/readyz").status_code == 200
