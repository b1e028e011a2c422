"""Beat on every node, periodic tasks sent once: two beat processes share the Redis broker, the
one holding RedBeat's lock sends, and when it dies the other takes over within the lock's time."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from redbeat.schedulers import RedBeatSchedulerEntry

from config.celery_app import app

ROOT = Path(__file__).resolve().parents[2]
LOOP = 1  # seconds per beat loop: the lock lasts five, so a standby takes over within 5 s

pytestmark = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="RedBeat keeps its lock and schedule in Redis: set CELERY_BROKER_URL=redis://…",
)


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


def start_beat(name: str, tmp_path: Path) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
    environment |= {
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "BEAT_MAX_LOOP_INTERVAL": str(LOOP),
        "PYTHONPATH": str(ROOT / "platform"),
    }
    log = tmp_path / f"beat-{name}.log"
    log.touch()
    command = [sys.executable, "-m", "celery", "--app", "config.celery_app", "beat"]
    command += ["--loglevel", "DEBUG", "--logfile", str(log)]
    return subprocess.Popen(command, cwd=ROOT, env=environment)


def sent(client: redis.Redis, task: str) -> int:
    """How many messages for ``task`` wait in the broker's queues."""
    return sum(
        json.loads(message)["headers"]["task"] == task
        for queue in ("celery", "mail", "digests", "reports")
        for message in client.lrange(queue, 0, -1)
    )


def make_due(client: redis.Redis, entry: str) -> None:
    """Set the entry's last run a day back, as RedBeat's own ``reschedule`` does."""
    key = f"redbeat:{entry}"
    RedBeatSchedulerEntry.from_key(key, app=app).reschedule(
        last_run_at=datetime.now(UTC) - timedelta(days=1)
    )


def wait_until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def logged(beats: dict[str, subprocess.Popen], tmp_path: Path, line: str) -> list[str]:
    return [
        name
        for name in beats
        if line in (tmp_path / f"beat-{name}.log").read_text(errors="replace")
    ]


def leader_once_both_are_set_up(beats: dict[str, subprocess.Popen], tmp_path: Path) -> str:
    """The beat holding the lock, once each beat has stored its schedule in Redis (it asks for the
    lock only after): a beat storing it later would reset an entry the test has just made due."""
    assert wait_until(
        lambda: len(logged(beats, tmp_path, "beat: Acquiring lock")) == len(beats), timeout=30
    ), "a beat did not start"
    assert wait_until(lambda: logged(beats, tmp_path, "Acquired lock"), timeout=30), "no lock"
    return logged(beats, tmp_path, "Acquired lock")[0]


def test_two_beats_send_a_periodic_task_once_and_a_standby_takes_over(broker, tmp_path):
    beats = {name: start_beat(name, tmp_path) for name in ("one", "two")}
    try:
        leader = leader_once_both_are_set_up(beats, tmp_path)
        assert wait_until(lambda: broker.exists("redbeat:clear-expired-sessions"), timeout=10)

        make_due(broker, "clear-expired-sessions")
        assert wait_until(lambda: sent(broker, "core.tasks.clear_expired_sessions"), timeout=10)
        time.sleep(3 * LOOP)  # time for a second beat to send it too, if it were to
        assert sent(broker, "core.tasks.clear_expired_sessions") == 1

        beats.pop(leader).send_signal(signal.SIGKILL)  # its lock is left to expire
        [standby] = beats
        make_due(broker, "lift-ended-suspensions")
        assert wait_until(lambda: sent(broker, "moderation.tasks.lift_ended_suspensions"), 15)
        assert "Acquired lock" in (tmp_path / f"beat-{standby}.log").read_text()
        assert sent(broker, "core.tasks.clear_expired_sessions") == 1  # not sent again
    finally:
        for beat in beats.values():
            beat.terminate()
            beat.wait(timeout=10)
