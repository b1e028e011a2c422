"""Servers a fault test owns: its own Redis and its own PostgreSQL cluster, on spare ports, which
the test stops and starts again as an operator's bad day would."""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import redis

REDIS_PORTS = range(6391, 6400)
POSTGRES_PORTS = range(5441, 5450)
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = shutil.which("redis-server")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_until(condition, timeout: float = 10, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {condition}")
        time.sleep(every)


def first_port_that_starts(ports: range, start_on) -> int:
    """Another test process may take a free port first: then try the next."""
    for port in ports:
        if port_is_free(port) and start_on(port):
            return port
    pytest.skip(f"no free port in {ports}")


class RedisServer:
    """``redis-server`` on a spare port, nothing saved to disk; started again on the same port."""

    def __init__(self):
        if REDIS_SERVER is None:
            pytest.skip("needs redis-server")
        self.process: subprocess.Popen | None = None
        self.port: int | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        if self.port is None:
            self.port = first_port_that_starts(REDIS_PORTS, self._start_on)
        else:
            assert self._start_on(self.port), f"redis-server did not start again on {self.port}"

    def _start_on(self, port: int) -> bool:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while self.process.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if redis.Redis(port=port, socket_connect_timeout=0.2).ping():
                    time.sleep(0.05)  # the one answering is ours only if ours is still running
                    if self.process.poll() is None:
                        return True
            time.sleep(0.05)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on a spare port. PostgreSQL refuses
    to run as root: as root, the cluster belongs to the postgres user."""

    def __init__(self):
        if not (POSTGRES_BIN / "initdb").exists():
            pytest.skip(f"needs PostgreSQL's binaries in {POSTGRES_BIN}")
        self.port: int | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="knowbridge-postgres-"))
        self.data = self.folder / "data"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "--pgdata", self.data, "--username", "postgres", "--auth", "trust",
                  "--no-sync")  # fmt: skip

    def _run(self, program: str, *arguments) -> None:
        # Into a file: the server pg_ctl starts would hold a pipe open, and run() wait for it.
        with open(self.folder / f"{program}.out", "ab") as output:
            subprocess.run(
                [*self.as_owner, POSTGRES_BIN / program, *arguments],
                check=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *arguments: str) -> None:
        self._run("pg_ctl", "--pgdata", self.data, "--wait", "--silent", *arguments)

    def start(self) -> None:
        self.port = first_port_that_starts(POSTGRES_PORTS, self._start_on)

    def _start_on(self, port: int) -> bool:
        options = f"-p {port} -k {self.folder} -c fsync=off -c listen_addresses=127.0.0.1"
        try:
            self._pg_ctl("--options", options, "--log", self.folder / "server.log", "start")
        except subprocess.CalledProcessError:
            return False
        return True

    def restart(self) -> None:
        self._pg_ctl("--mode", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("--mode", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


def point_celery_at(app, url: str, monkeypatch) -> None:
    """Make ``app`` publish to and consume from the broker at ``url`` for this test."""
    for setting in ("broker_url", "broker_write_url", "broker_read_url"):
        monkeypatch.setitem(app.conf, setting, url)
    forget_broker_connections(app)


def forget_broker_connections(app) -> None:
    app._pool = None
    app.amqp._producer_pool = None


class LoggedProcess:
    """A platform process (web server, worker) started with this environment on top of the
    test's, its output kept line by line."""

    def __init__(self, argv: list[str], environment: dict[str, str]):
        root = Path(__file__).resolve().parents[1]
        inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
        self.process = subprocess.Popen(
            argv,
            cwd=root,
            env={
                **inherited,
                "PYTHONPATH": os.pathsep.join([str(root / "platform"), str(root)]),
                "PYTHONUNBUFFERED": "1",
                **environment,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            process_group=0,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip())

    def count(self, pattern: str) -> int:
        return sum(1 for line in list(self.lines) if re.search(pattern, line))

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60) -> None:
        try:
            wait_until(lambda: self.count(pattern) >= count or self.process.poll(), timeout)
        finally:
            assert self.count(pattern) >= count, "\n".join(self.lines)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
