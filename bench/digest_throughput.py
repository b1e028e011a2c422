"""Digest throughput, end to end: every scale member's digest built and sent by real Celery
workers over Redis to a local SMTP sink, with one worker process, then with two (as two machines
would run them).

Each run starts from the same state: no delivery recorded, every subscription weekly and due now,
the previous digest a week ago. Beat's own task (``digests.tasks.queue_due_digests``) queues the
due members, run as beat runs it, once a minute, until none is left; the workers claim, build and
send. The run ends when every due member's delivery is decided (sent, skipped or failed). The
workers' resident memory is sampled from /proc throughout (each process: the main one and its
pool child); the sink counts the messages and their distinct Message-IDs.

Used by ``bench/run.py``; its figures go into the report and its targets.
"""

import json
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

BEAT_EVERY_S = 60  # as CELERY_BEAT_SCHEDULE runs queue_due_digests
REDIS_DB = 15  # the workers' broker, emptied before each run
MIN_RATE = 300  # digests per second, end to end
MAX_WORKER_RSS_MB = 250
GIVE_UP_AFTER_S = 30 * 60


@dataclass
class DigestRun:
    workers: int
    due: int
    seconds: float
    sent: int
    skipped: int
    failed: int
    undecided: int
    received: int
    distinct_message_ids: int
    peak_rss_mb: float
    queue_runs: int

    @property
    def rate(self) -> float:
        return round((self.due - self.undecided) / self.seconds, 1) if self.seconds else 0.0


def run_all(
    *, python: str, env: dict, raw: Path, say, free_port, members: int | None = None
) -> list[DigestRun]:
    """The throughput with one worker process, then two; ``members`` due (all when None).
    Every member counts as active during the runs (their last visits are put back afterwards):
    a member away for half a year is skipped at the cost of a lookup, and the runs measure
    digests built and sent."""
    runs = []
    with _everyone_active():
        for workers in (1, 2):
            say(f"digests: {workers} worker{'s' if workers > 1 else ''}")
            port = free_port()
            run_env = {
                **env,
                "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            }
            run = _run(
                workers, python=python, env=run_env, raw=raw, port=port, say=say, members=members
            )
            say(
                f"digests: {run.due:,} due, {run.sent:,} sent, {run.skipped:,} skipped, "
                f"{run.failed:,} failed in {run.seconds:.1f} s ({run.rate}/s), "
                f"peak worker RSS {run.peak_rss_mb} MB"
            )
            runs.append(run)
    return runs


@contextmanager
def _everyone_active():
    """Every member's last visit now, for the block; their own put back afterwards."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_last_active AS "
            "SELECT user_id, last_active_at FROM members_profile"
        )
        cursor.execute("UPDATE members_profile SET last_active_at = now()")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE members_profile p SET last_active_at = b.last_active_at "
                "FROM bench_last_active b WHERE b.user_id = p.user_id"
            )
            cursor.execute("DROP TABLE bench_last_active")
        vacuum("members_profile")


def vacuum(*tables: str) -> None:
    """VACUUM ANALYZE these tables (the whole database when none is named), after a bulk change
    or before a run: it then meets the tables as autovacuum keeps them. PostgreSQL here may run
    without autovacuum, and the 100,000 dead rows a digest run leaves slowed the next runs and
    the pages benchmarked after them, whose index-only scans need the visibility map."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def _run(
    workers: int, *, python: str, env: dict, raw: Path, port: int, say, members: int | None
) -> DigestRun:
    from digests.models import Delivery

    _empty_broker(env["CELERY_BROKER_URL"])
    due = _make_due(members)
    # Not digests_delivery: just emptied, its statistics would say "no rows" for the whole run
    # (nothing analyses it again here), and sending then read the deliveries to send through the
    # status index, past every row already sent: 112.7 digests a second instead of 172.
    vacuum("members_profile", "digests_subscription")
    stats = raw / f"smtp-sink-{workers}.json"
    stats.unlink(missing_ok=True)
    sink = subprocess.Popen(  # noqa: S603 - this interpreter, a file of the bench
        [
            sys.executable,
            str(Path(__file__).with_name("smtp_sink.py")),
            "--port",
            str(port),
            "--stats",
            str(stats),
        ]
    )
    processes = [
        _worker(python, env, raw / f"celery-{workers}-{number}.log", f"bench{number}")
        for number in range(1, workers + 1)
    ]
    peak, queue_runs, started = 0.0, 0, time.monotonic()
    next_queue = started
    try:
        _wait_for_file(stats)
        while True:
            now = time.monotonic()
            if now >= next_queue:
                _queue_due(python, env)
                queue_runs += 1
                next_queue = now + BEAT_EVERY_S
            peak = max(peak, _largest_rss([process.pid for process in processes]))
            undecided = due - Delivery.objects.exclude(status=Delivery.Status.CLAIMED).count()
            if undecided <= 0 or now - started > GIVE_UP_AFTER_S:
                break
            if any(process.poll() is not None for process in processes):
                say("digests: a worker stopped; see its log in the raw folder")
                break
            time.sleep(0.5)
        seconds = time.monotonic() - started
    finally:
        for process in processes:
            _stop(process)
        _stop(sink)
    counts = _counts_by_status()
    received = json.loads(stats.read_text()) if stats.exists() else {}
    return DigestRun(
        workers=workers,
        due=due,
        seconds=round(seconds, 1),
        sent=counts.get(Delivery.Status.SENT, 0),
        skipped=counts.get(Delivery.Status.SKIPPED, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
        undecided=counts.get(Delivery.Status.CLAIMED, 0) + max(due - sum(counts.values()), 0),
        received=received.get("messages", 0),
        distinct_message_ids=received.get("distinct_message_ids", 0),
        peak_rss_mb=round(peak, 1),
        queue_runs=queue_runs,
    )


def _make_due(members: int | None) -> int:
    """Forget every delivery; every subscription (or the first ``members``) weekly, due now, its
    last digest a week ago, the others not due for a year. Returns how many members are due."""
    from datetime import timedelta

    from django.utils import timezone

    from digests.models import Delivery, Subscription

    now = timezone.now()
    Delivery.objects.all().delete()
    subscriptions = Subscription.objects.all()
    if members is not None:
        first = subscriptions.order_by("pk").values_list("pk", flat=True)[:members]
        subscriptions.exclude(pk__in=list(first)).update(
            next_due_at=now + timedelta(days=365), queued_at=None
        )
        subscriptions = subscriptions.filter(pk__in=list(first))
    return subscriptions.update(
        frequency=Subscription.Frequency.WEEKLY,
        next_due_at=now - timedelta(minutes=1),
        queued_at=None,
        last_sent_at=now - timedelta(days=7),
    )


def _counts_by_status() -> dict[str, int]:
    from django.db.models import Count

    from digests.models import Delivery

    return dict(Delivery.objects.values_list("status").annotate(number=Count("pk")).order_by())


def _empty_broker(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def _worker(python: str, env: dict, log: Path, name: str) -> subprocess.Popen:
    """One worker process with one pool process, as a small machine would run it."""
    command = [
        python,
        "-m",
        "celery",
        "-A",
        "config.celery_app",
        "worker",
        "--concurrency",
        "1",
        "--pool",
        "prefork",
        "--without-gossip",
        "--without-mingle",
        "--hostname",
        f"{name}@%h",
        "--loglevel",
        "WARNING",
        "--logfile",
        str(log),
    ]
    return subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])  # noqa: S603


def _queue_due(python: str, env: dict) -> None:
    """What beat does once a minute: queue_due_digests, sent to the workers."""
    subprocess.run(  # noqa: S603 - the production interpreter, fixed arguments
        [
            python,
            "-m",
            "celery",
            "-A",
            "config.celery_app",
            "call",
            "digests.tasks.queue_due_digests",
        ],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
        capture_output=True,
    )


def _largest_rss(parents: list[int]) -> float:
    """The largest VmRSS (MB) among the worker processes and their pool children."""
    largest = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = dict(
                line.split(":", 1) for line in (entry / "status").read_text().splitlines()
            )
        except (OSError, ValueError):
            continue
        pid, parent = int(entry.name), int(fields.get("PPid", "0").strip() or 0)
        if pid in parents or parent in parents:
            largest = max(largest, int(fields["VmRSS"].split()[0]) / 1024)
    return largest


def _wait_for_file(path: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def targets(runs: list[DigestRun]) -> list[dict]:
    """The rate is the machine's: the run with the most workers, one per core here. The one
    worker process uses one core and its rate is reported beside it, not held to the target."""
    results = []
    machine = max(runs, key=lambda run: run.workers, default=None)
    for run in runs:
        label = f"{run.workers} worker{'s' if run.workers > 1 else ''}"
        if run is machine:
            results.append(
                {
                    "target": f"digests with {label}: ≥ {MIN_RATE} per second end to end",
                    "value": run.rate,
                    "met": run.rate >= MIN_RATE and run.undecided == 0,
                }
            )
        results.append(
            {
                "target": f"digests with {label}: worker RSS ≤ {MAX_WORKER_RSS_MB} MB throughout",
                "value": run.peak_rss_mb,
                "met": 0 < run.peak_rss_mb <= MAX_WORKER_RSS_MB,
            }
        )
        results.append(
            {
                "target": f"digests with {label}: one message per member sent",
                "value": f"{run.received:,} received, {run.distinct_message_ids:,} distinct, "
                f"{run.sent:,} sent",
                "met": run.received == run.distinct_message_ids == run.sent,
            }
        )
    return results


def markdown(runs: list[dict]) -> list[str]:
    lines = [
        "",
        "## Digests, end to end",
        "",
        "| workers | due | sent | skipped | failed | seconds | digests/s | peak worker RSS (MB) "
        "| received | distinct Message-IDs |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        lines.append(
            f"| {run['workers']} | {run['due']:,} | {run['sent']:,} | {run['skipped']:,} "
            f"| {run['failed']:,} | {run['seconds']} | {run['rate']} | {run['peak_rss_mb']} "
            f"| {run['received']:,} | {run['distinct_message_ids']:,} |"
        )
    return lines


def as_dict(runs: list[DigestRun]) -> list[dict]:
    return [asdict(run) | {"rate": run.rate} for run in runs]
