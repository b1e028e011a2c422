"""Two machines' worth of KnowBridge here: two gunicorn web nodes and two Celery workers sharing
one PostgreSQL and one Redis, as the README's production topology runs them. A member logs in
through one node and is recognised by the other; failed log-ins count across nodes; a cache
filled by either worker serves both nodes; mail asked for on a node is sent once, by whichever
worker takes it. (Beat on every node, sending once: tests/config/test_beat_on_two_nodes.py.)

Run by .ci/run beside the other tests that start processes of their own, on PostgreSQL and
Redis (SQLite's test database is in the test's memory)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.db import connection

from config.celery_app import app as celery_app
from members import directory
from tests.conftest import free_port, url_of_the_test_database
from tests.members.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 30  # seconds for a node to answer, on two busy cores

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql"
        or not settings.CACHES["default"].get("LOCATION", "").startswith("redis://")
        or not settings.CELERY_BROKER_URL.startswith("redis://"),
        reason="the nodes share the test's PostgreSQL database and its Redis (cache and broker)",
    ),
    pytest.mark.usefixtures("seeded_transactional_db"),
]


def node_environment(smtp_port: int) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    return environment | {
        "DATABASE_URL": url_of_the_test_database(),
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "PYTHONPATH": str(ROOT / "platform"),
        "PYTHONUNBUFFERED": "1",
    }


class Nodes:
    """Two web nodes (gunicorn, one process each) and two workers, stopped at the end."""

    def __init__(self, smtp_port: int, logs: Path):
        environment = node_environment(smtp_port)
        self.ports = [free_port(), free_port()]
        python = [sys.executable, "-m"]
        self.processes = [
            self._start(
                [*python, "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
                environment,
                logs / f"web-{port}.log",
            )
            for port in self.ports
        ] + [
            self._start(
                [
                    *python,
                    "celery",
                    "--app",
                    "config.celery_app",
                    "worker",
                    "--pool",
                    "solo",
                    "--hostname",
                    f"node{number}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                environment,
                logs / f"worker-{number}.log",
            )
            for number in (1, 2)
        ]
        for port in self.ports:
            self._wait_for(port)

    @staticmethod
    def _start(command, environment, log: Path) -> subprocess.Popen:
        with log.open("w") as output:
            return subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
            )

    def _wait_for(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT)
                return
            except requests.RequestException:
                time.sleep(0.3)
        raise AssertionError(f"the web node on port {port} did not start")

    def url(self, node: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}{path}"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def nodes(smtp_inbox, settings, tmp_path):
    celery_app.control.purge()
    running = Nodes(settings.EMAIL_PORT, tmp_path)
    yield running
    running.stop()


def browser_behind_the_proxy() -> requests.Session:
    """One cookie jar and one host name, whichever node answers, as behind a proxy (allauth
    keys a log-in's failures by the host name and the address)."""
    browser = requests.Session()
    browser.headers["Host"] = "localhost"
    return browser


def member_of_the_nodes(**fields):
    """A member whose password the nodes can check: they hash with PBKDF2, the tests with MD5."""
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    return UserFactory(password=password, **fields)


def log_in(browser: requests.Session, url: str, email: str, password: str) -> requests.Response:
    form = browser.get(url, timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return browser.post(
        url,
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


def test_a_member_logged_in_on_one_node_is_recognised_by_the_other(nodes):
    member = member_of_the_nodes(display_name="Amara Two Nodes")
    browser = browser_behind_the_proxy()
    response = log_in(browser, nodes.url(0, "/accounts/login/"), member.email, PASSWORD)
    assert response.status_code == 302, "the log-in did not go through"

    settings_page = browser.get(
        nodes.url(1, "/accounts/email/"), allow_redirects=False, timeout=TIMEOUT
    )
    assert settings_page.status_code == 200  # not sent to log in again
    assert member.email in settings_page.text


def test_failed_log_ins_count_across_nodes(nodes):
    member = member_of_the_nodes()
    browser = browser_behind_the_proxy()
    for attempt in range(5):  # 5 per 5 minutes for one account, whichever node is asked
        page = log_in(browser, nodes.url(attempt % 2, "/accounts/login/"), member.email, "wrong")
        assert "Too many" not in page.text
    refused = log_in(browser, nodes.url(1, "/accounts/login/"), member.email, PASSWORD)
    assert "Too many failed login attempts" in refused.text


def test_a_cache_filled_by_a_worker_serves_both_nodes_and_mail_is_sent_once(nodes, smtp_inbox):
    key = directory._facets_key("members", "public", {})
    cache.delete(key)
    celery_app.send_task("members.tasks.warm_directory_facets")
    deadline = time.monotonic() + 30
    while cache.get(key) is None and time.monotonic() < deadline:
        time.sleep(0.3)
    assert cache.get(key) is not None  # in the Redis both nodes read

    browser = browser_behind_the_proxy()
    sign_up = browser.get(nodes.url(0, "/accounts/signup/"), timeout=TIMEOUT)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', sign_up.text).group(1)
    browser.post(
        nodes.url(0, "/accounts/signup/"),
        data={
            "csrfmiddlewaretoken": token,
            "display_name": "Noor Newcomer",
            "email": "new.node@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    [message] = smtp_inbox.wait_for(1)
    assert message["To"] == "new.node@example.org"
    time.sleep(2)  # time for a second copy to arrive, if either worker were to send one
    assert len(smtp_inbox.messages) == 1
