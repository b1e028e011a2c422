import importlib
import os
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.template.backends.jinja2 import Template as JinjaTemplate
from django.test.signals import template_rendered
from django.utils import translation

from config.celery_app import app as celery_app
from tests.members.factories import UserFactory

STRICT = os.environ.get("KNOWBRIDGE_STRICT_TESTS") == "1"


def pytest_configure(config):
    """Tests hash passwords with MD5: PBKDF2's million rounds at every log-in, sign-up and demo
    member were a fifth of the members tests' time; no test is about the strength of the hash."""
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    JinjaTemplate.render = _rendered_with_signal(JinjaTemplate.render)


def _rendered_with_signal(render):
    """Jinja2 pages tell the test client what they rendered with (``response.context``), as
    Django's test set-up makes its own templates do."""

    def instrumented_render(self, context=None, request=None):
        template_rendered.send(sender=self, template=self.template, context=context or {})
        return render(self, context, request)

    return instrumented_render


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (KNOWBRIDGE_STRICT_TESTS=1) a test skipped for want of a server or browser fails."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in strict mode: {report.longrepr}"


@pytest.fixture(autouse=True)
def _default_language():
    """A request in French through the test client leaves French active in the test's thread
    (LocaleMiddleware activates it and nothing deactivates it): every test starts in the
    default language, whatever ran before it."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and throttles live in the cache: every test starts with a clean one."""
    cache.clear()
    yield
    cache.clear()


GROUP_PERMISSIONS = (  # the migrations that give staff groups their permissions
    "economy.migrations.0003_editors_permissions",
    "moderation.migrations.0003_moderators_permissions",
    "reports.migrations.0002_administrators_permission",
)


def _migration(name: str):
    return importlib.import_module(f"members.migrations.{name}")


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """A transactional database with what the data migrations seed (groups, reference data),
    which the flush after every transactional test removes."""
    _migration("0002_staff_groups").create_staff_groups(apps, None)
    _migration("0004_reference_data").seed_reference_data(apps, None)
    for module in GROUP_PERMISSIONS:
        for operation in importlib.import_module(module).Migration.operations:
            operation.code(apps, None)


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def staff_member(db):
    return UserFactory(is_staff=True)


SMTP_BACKEND = "core.mail.SMTPBackend"  # what EMAIL_URL=smtp://… gives


class SMTPInbox:
    """Messages received by a real SMTP listener on loopback, which offers PIPELINING as the
    mail servers of production do (``pipelining=False``: one that does not)."""

    def __init__(self, *, pipelining: bool = True):
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()
        self.pipelining = pipelining

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]] if self.pipelining else responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 20) -> list[EmailMessage]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"expected {count} message(s), got {len(self.messages)}"
        return self.messages


def url_of_the_test_database() -> str:
    """The URL of the test's own (PostgreSQL) database, for the processes a test starts."""
    database = connection.settings_dict
    user, password = quote(database["USER"]), quote(database["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on 127.0.0.1; the delivery backend sends to it."""
    inbox = SMTPInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_DELIVERY_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    """A real Celery worker thread consuming from the real Redis broker."""
    if not django_settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    celery_app.control.purge()  # nothing left over from an earlier run may reach the inbox
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.fixture
def email_through_the_worker(settings, seeded_transactional_db, smtp_inbox, celery_worker_on_redis):
    """Mail as production sends it: queued after commit, sent by the real worker to the inbox."""
    settings.EMAIL_BACKEND = "core.mail.CeleryEmailBackend"
    return smtp_inbox
