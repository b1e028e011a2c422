"""Servers a fault test owns: its own Redis and its own PostgreSQL cluster, on spare ports, which
the test stops and starts again as an operator's bad day would."""

import contextlib
import shutil
import socket
import subprocess
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


class RedisServer:
    """``redis-server`` on a spare port, nothing saved to disk."""

    def __init__(self):
        if REDIS_SERVER is None:
            pytest.skip("needs redis-server")
        self.process: subprocess.Popen | None = None
        self.port = next((port for port in REDIS_PORTS if port_is_free(port)), None)
        if self.port is None:
            pytest.skip(f"no free port for Redis in {REDIS_PORTS}")

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self._answers)

    def _answers(self) -> bool:
        assert self.process.poll() is None, f"redis-server on {self.port} exited"
        with contextlib.suppress(redis.ConnectionError):
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class PostgresCluster:
    """A PostgreSQL cluster of its own in a temporary folder, on a spare port."""

    def __init__(self, folder: Path):
        if not (POSTGRES_BIN / "initdb").exists():
            pytest.skip(f"needs PostgreSQL's binaries in {POSTGRES_BIN}")
        self.data = folder / "data"
        self.port = next((port for port in POSTGRES_PORTS if port_is_free(port)), None)
        if self.port is None:
            pytest.skip(f"no free port for PostgreSQL in {POSTGRES_PORTS}")
        self.socket_folder = folder
        subprocess.run(
            [
                POSTGRES_BIN / "initdb",
                "--pgdata",
                self.data,
                "--username",
                "postgres",
                "--auth",
                "trust",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run(
            [POSTGRES_BIN / "pg_ctl", "--pgdata", self.data, "--wait", "--silent", *arguments],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.socket_folder} -c fsync=off -c listen_addresses=127.0.0.1"
        )
        self._pg_ctl("--options", options, "--log", str(self.data / "server.log"), "start")

    def restart(self) -> None:
        self._pg_ctl("--mode", "fast", "restart")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._pg_ctl("--mode", "immediate", "stop")


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres(tmp_path):
    cluster = PostgresCluster(tmp_path)
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
