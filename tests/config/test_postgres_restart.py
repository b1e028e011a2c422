"""PostgreSQL restarts under a running web server and a running worker (a cluster of the test's
own, on a spare port): the next request and the next task succeed, on new connections, without
either process being restarted."""

import sys
import time
import urllib.request

import pytest

from config.celery_app import app as celery_app
from tests.conftest import free_port
from tests.services import (  # noqa: F401 - fixtures
    LoggedProcess,
    forget_broker_connections,
    own_postgres,
    own_redis,
    point_celery_at,
    wait_until,
)

CELERY = [sys.executable, "-m", "celery", "--app", "config.celery_app"]


@pytest.fixture
def platform_environment(own_postgres, tmp_path):  # noqa: F811
    return {
        "DATABASE_URL": own_postgres.url(),
        "CACHE_URL": "locmemcache://",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "false",
    }


@pytest.fixture
def web(platform_environment):
    port = free_port()
    server = LoggedProcess(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        platform_environment | {"CELERY_BROKER_URL": "memory://"},
    )
    server.url = f"http://127.0.0.1:{port}"
    server.wait_for("Booting worker")
    yield server
    server.stop()


def readiness(server) -> tuple[int, str]:
    """/readyz's answer, once the server listens (its first request loads Django: slow on a
    busy machine)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/readyz", timeout=60) as response:  # noqa: S310
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except urllib.error.URLError:  # not listening yet
            assert time.monotonic() < deadline, "\n".join(server.lines)
            time.sleep(0.2)


def test_the_web_server_answers_the_first_request_after_postgresql_restarts(web, own_postgres):  # noqa: F811
    assert readiness(web)[0] == 200  # the worker now holds a connection (CONN_MAX_AGE)

    own_postgres.restart()

    status, body = readiness(web)
    assert status == 200, body
    assert '"database": "ok"' in body


def test_a_worker_runs_the_next_task_after_postgresql_restarts(
    platform_environment,
    own_postgres,  # noqa: F811
    own_redis,  # noqa: F811
    monkeypatch,
):
    migrate = LoggedProcess(
        [sys.executable, "manage.py", "migrate", "sessions"], platform_environment
    )
    assert migrate.process.wait(timeout=60) == 0, "\n".join(migrate.lines)
    worker = LoggedProcess(
        [
            *CELERY,
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        platform_environment | {"CELERY_BROKER_URL": own_redis.url()},
    )
    point_celery_at(celery_app, own_redis.url(), monkeypatch)
    succeeded = r"clear_expired_sessions\[.*\] succeeded"
    try:
        worker.wait_for(r"@\S+ ready")
        celery_app.send_task("core.tasks.clear_expired_sessions")
        worker.wait_for(succeeded)

        own_postgres.restart()

        celery_app.send_task("core.tasks.clear_expired_sessions")
        worker.wait_for(succeeded, count=2)
    finally:
        worker.stop()
        forget_broker_connections(celery_app)
