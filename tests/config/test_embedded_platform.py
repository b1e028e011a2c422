"""`make run`'s embedded default under concurrent use, with real processes: SQLite in a file,
the file broker, a real Celery worker and the run_platform supervisor, all under a VAR_DIR of
their own. What the writing and sending processes do is in embedded_roles.py."""

import contextlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from core.management.commands.run_platform import platform_commands
from tests.config.embedded_roles import MAILS_EACH, PAIRS, SENDERS
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
# Set for the test run (PostgreSQL, Redis, SMTP…); the processes here use the embedded defaults.
NOT_INHERITED = {
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "EMAIL_FILE_PATH",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "CELERY_BEAT_SCHEDULE_FILENAME",
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
}


def embedded_environment(var_dir: Path) -> dict[str, str]:
    inherited = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    python_path = os.pathsep.join([str(ROOT / "platform"), str(ROOT)])
    return {
        **inherited,
        "VAR_DIR": str(var_dir),
        "PYTHONPATH": python_path,
        "PYTHONUNBUFFERED": "1",
    }


class Running:
    """A process started for a test, its output collected line by line."""

    def __init__(self, argv: list[str], var_dir: Path):
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=embedded_environment(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip())
                self._changed.notify_all()

    def matches(self, pattern: str) -> list[re.Match]:
        with self._changed:
            return [match for line in self.lines if (match := re.search(pattern, line))]

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60) -> re.Match:
        with self._changed:
            self._changed.wait_for(
                lambda: len(self.matches(pattern)) >= count or self.process.poll() is not None,
                timeout=timeout,
            )
        matches = self.matches(pattern)
        assert len(matches) >= count, f"no {pattern!r} in:\n" + "\n".join(self.lines)
        return matches[count - 1]

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):  # nothing outlives the test
                os.killpg(self.process.pid, signal.SIGKILL)


def run_role(var_dir: Path, role: str, argument: str = "") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.config.embedded_roles", role, argument],
        cwd=ROOT,
        env=embedded_environment(var_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outcome(process: subprocess.Popen, timeout: float = 120) -> dict:
    stdout, stderr = process.communicate(timeout=timeout)
    assert process.returncode == 0, stderr
    return json.loads(stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    var_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=embedded_environment(var_dir),
        check=True,
    )
    return var_dir / "knowbridge.sqlite3"


@pytest.fixture
def var_dir(tmp_path, migrated_database) -> Path:
    """A fresh var/ folder holding a migrated copy of the embedded database."""
    with (
        sqlite3.connect(migrated_database) as source,
        sqlite3.connect(tmp_path / "knowbridge.sqlite3") as copy,
    ):
        source.backup(copy)
    return tmp_path


def start_together(var_dir: Path, roles: list[str]) -> list[subprocess.Popen]:
    """Start the roles, then let them go at once when every one has set Django up."""
    processes = [run_role(var_dir, role) for role in roles]
    deadline = time.monotonic() + 60
    while len(list(var_dir.glob("ready-*"))) < len(roles):
        assert time.monotonic() < deadline, "the writers did not start"
        assert all(process.poll() is None for process in processes), "a writer stopped"
        time.sleep(0.05)
    (var_dir / "go").touch()
    return processes


def test_processes_writing_at_once_get_no_database_is_locked(var_dir):
    assert outcome(run_role(var_dir, "seed")) == {"pairs": PAIRS}

    writers = start_together(var_dir, ["first-owner", "second-owner", "inviter-a", "inviter-b"])
    results = {
        role: outcome(process)
        for role, process in zip(
            ["first-owner", "second-owner", "inviter-a", "inviter-b"], writers, strict=True
        )
    }

    assert [result["unexpected"] for result in results.values()] == [[], [], [], []]
    removals = results["first-owner"]["done"] + results["second-owner"]["done"]
    refusals = results["first-owner"]["refused"] + results["second-owner"]["refused"]
    assert (removals, refusals) == (PAIRS, PAIRS)  # of each pair, one went first
    assert results["inviter-a"]["done"] == results["inviter-b"]["done"] == PAIRS
    assert outcome(run_role(var_dir, "report")) == {
        "owners per organisation": [1],
        "invitations": 2 * PAIRS,
        "journal mode": "wal",
    }


def sent_subjects(var_dir: Path) -> Counter:
    subjects = Counter()
    for path in (var_dir / "mail").glob("*.log"):
        subjects.update(re.findall(r"^Subject: (.+)$", path.read_text(), flags=re.MULTILINE))
    return subjects


def test_tasks_queued_from_several_processes_run_exactly_once_and_the_worker_lives(var_dir):
    worker = Running(platform_commands("unused")["worker"], var_dir)
    try:
        worker.wait_for(r"celery@\S+ ready")
        senders = [run_role(var_dir, "send-mail", str(sender)) for sender in range(SENDERS)]
        for sender in senders:
            assert outcome(sender) == {"queued": MAILS_EACH}

        expected = Counter(
            f"task {sender}-{number}" for sender in range(SENDERS) for number in range(MAILS_EACH)
        )
        deadline = time.monotonic() + 90
        while sent_subjects(var_dir).total() < expected.total() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(1)  # time enough for a duplicate to show

        assert sent_subjects(var_dir) == expected
        assert worker.process.poll() is None, "\n".join(worker.lines)
        assert not worker.matches(r"ERROR|Traceback|Unrecoverable")
        assert not list((var_dir / "broker").glob("*.msg"))
    finally:
        worker.stop()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:  # noqa: S310 - our own server
            return response.status == 200
    except OSError:
        return False


def test_the_supervisor_restarts_a_killed_worker_while_the_web_keeps_answering(var_dir):
    address = f"127.0.0.1:{free_port()}"
    readiness = f"http://{address}/readyz"
    platform = Running([sys.executable, "manage.py", "run_platform", address], var_dir)
    try:
        first_worker = int(platform.wait_for(r"^worker\s*\| started \(pid (\d+)\)")[1])
        platform.wait_for(r"^worker\s*\|.*celery@\S+ ready")
        platform.wait_for(r"^web\s*\|.*Quit the server")
        assert answers(readiness)

        os.kill(first_worker, signal.SIGKILL)
        platform.wait_for(r"^worker\s*\| !!! STOPPED UNEXPECTEDLY \(killed by SIGKILL\)")
        assert answers(readiness)
        second_worker = int(platform.wait_for(r"^worker\s*\| started \(pid (\d+)\)", count=2)[1])
        platform.wait_for(r"^worker\s*\|.*celery@\S+ ready", count=2)
        assert second_worker != first_worker
        assert answers(readiness)
        children = [int(match[1]) for match in platform.matches(r"\| started \(pid (\d+)\)")]
    finally:
        returncode = platform.stop(signal.SIGINT)

    assert returncode == 0, "\n".join(platform.lines)
    assert platform.lines[-1].endswith("| stopped")
    for child in children:
        with pytest.raises(ProcessLookupError):
            os.killpg(child, 0)  # each process group is gone, children included


def test_the_supervisor_refuses_to_run_the_development_server_in_production(tmp_path):
    environment = {
        **embedded_environment(tmp_path),
        "DJANGO_ENV": "production",
        "SECRET_KEY": "s" * 64,
        "ALLOWED_HOSTS": "knowbridge.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "run_platform"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "not in production" in result.stderr
