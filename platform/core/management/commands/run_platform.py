"""``manage.py run_platform``: web, Celery worker and beat in one terminal, as ``make run`` starts
them. A process that stops is reported loudly and started again after a pause that doubles while it
keeps failing; the others go on. Ctrl-C (or SIGTERM) stops all three."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

FIRST_DELAY = 1  # seconds before the first restart; doubles after each quick failure
LONGEST_DELAY = 30
STABLE_AFTER = 60  # a process that ran this long counts as healthy: next delay is the first again
STOP_GRACE = 10  # seconds to finish after Ctrl-C before being killed
CHECK_EVERY = 0.5


def platform_commands(address: str) -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "--app", "config.celery_app"]
    return {
        "web": [sys.executable, str(settings.BASE_DIR / "manage.py"), "runserver", address],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "--loglevel", "INFO"],
    }


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        return f"killed by {signal.Signals(-returncode).name}"
    return f"exit code {returncode}"


class Supervised:
    """One process: started in a process group of its own, its output prefixed with its name."""

    def __init__(self, name: str, argv: list[str], say):
        self.name, self.argv, self.say = name, argv, say
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at = 0.0
        self.quick_failures = 0

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the platform's own commands
            self.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=child_environment(),
            process_group=0,  # Ctrl-C reaches the supervisor only; it stops each group itself
        )
        self.started_at = time.monotonic()
        threading.Thread(target=self._relay, args=(self.process.stdout,), daemon=True).start()
        self.say(self.name, f"started (pid {self.process.pid})")

    def _relay(self, stream) -> None:
        with stream:
            for line in iter(stream.readline, b""):
                self.say(self.name, line.decode(errors="replace").rstrip())

    def check(self) -> None:
        """Start the process again if it stopped and its pause is over."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.restart_at:
                self.start()
            return
        returncode = self.process.poll()
        if returncode is None:
            return
        self.signal_group(signal.SIGKILL)  # what it left behind (pool or server children)
        ran = now - self.started_at
        if ran >= STABLE_AFTER:
            self.quick_failures = 0
        delay = min(FIRST_DELAY * 2**self.quick_failures, LONGEST_DELAY)
        self.quick_failures += 1
        self.process, self.restart_at = None, now + delay
        self.say(
            self.name,
            f"!!! STOPPED UNEXPECTEDLY ({describe_exit(returncode)}) after {ran:.0f} s;"
            f" starting it again in {delay} s",
            error=True,
        )

    def signal_group(self, signum: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):  # the group had already ended
                os.killpg(self.process.pid, signum)

    def wait(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            self.say(self.name, f"did not stop within {STOP_GRACE} s: killed", error=True)
        self.signal_group(signal.SIGKILL)
        self.process.wait()


def child_environment() -> dict[str, str]:
    source_root = str(settings.BASE_DIR / "platform")
    python_path = os.pathsep.join(filter(None, [source_root, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": python_path, "PYTHONUNBUFFERED": "1"}


class Command(BaseCommand):
    help = "Run web, Celery worker and beat together, restarting any that stops, until Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if settings.PRODUCTION:
            raise CommandError("run_platform runs Django's development server: not in production.")
        output_lock = threading.Lock()

        def say(name: str, text: str, error: bool = False) -> None:
            line = f"{name:<7}| {text}"
            with output_lock:
                self.stdout.write(self.style.ERROR(line) if error else line)
                self.stdout.flush()

        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())

        processes = [
            Supervised(name, argv, say) for name, argv in platform_commands(addrport).items()
        ]
        for process in processes:
            process.start()
        while not stop.wait(CHECK_EVERY):
            for process in processes:
                process.check()

        say("system", "stopping web, worker and beat")
        for process in processes:
            process.signal_group(signal.SIGINT)  # what Ctrl-C does to each in a terminal
        deadline = time.monotonic() + STOP_GRACE
        for process in processes:
            process.wait(deadline)
        say("system", "stopped")
