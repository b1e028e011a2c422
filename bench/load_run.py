"""The load run: a busy morning, as an operator would try it.

BENCH_LOAD_VISITORS simulated visitors (100) click through a mix of pages for BENCH_LOAD_SECONDS
(300), against gunicorn with BENCH_LOAD_WORKERS sync workers (4) set up as in production: DEBUG
off, the cache and the broker on Redis, the directory's facet counts cached as by default, the
API's own throttles, each visitor a client of its own (its address in X-Forwarded-For, which the
server believes from one proxy). The load generator runs beside the server, on the same cores.

The mix (``KINDS``): the home page, directory searches (distinct words, half with filters),
profiles, organisations, the organisation directory, the members API with distinct searches,
forum lists and threads; every input is drawn from the data and asked once until its kind runs
out of them. One visitor in five is signed in.

Between two clicks a visitor waits 0.25 to 1.25 s. The issue that asked for this run observed
visitors waiting 0.5 to 2 s, which caps 100 visitors at 80 requests/s even if every answer were
instant (100 / 1.25 s): its target of 80 requests/s could then never be met, however fast the
server. With a mean wait of 0.75 s, 80 requests/s measures the server.

Targets: no error (any answer but 200, or a request that failed), p95 server-side ≤ 300 ms, and at
least 80 requests/s. The report adds each kind's p95, the slowest requests, the workers' memory,
and a chart of the rate and the p95 over the run.

Used by ``bench/run.py``; its figures go into the report and its targets.
"""

import json
import math
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import redis

BENCH = Path(__file__).resolve().parent
CACHE_DB, BROKER_DB = 14, 13  # Redis databases of the run, emptied before it
WAIT_S = (0.25, 1.25)
SIGNED_IN_EVERY = 5
P95_MS = 300
MIN_RATE = 80
BUCKET_S = 10  # the chart's resolution
PROGRESS_EVERY_S = 30
SLOWEST = 10

# Each kind of page: its share of the clicks and its label.
KINDS = {
    "load_home": (8, "Home"),
    "load_directory": (24, "Directory searches"),
    "load_organisation_directory": (4, "Organisation directory"),
    "load_profile": (20, "Profiles"),
    "load_organisation": (10, "Organisations"),
    "load_api_members": (10, "API: member searches"),
    "load_forum_latest": (4, "Forums: latest"),
    "load_forum_category": (4, "Forums: categories"),
    "load_forum_thread": (16, "Forums: threads"),
}


@dataclass
class KindFigures:
    name: str
    label: str
    requests: int
    server_p50_ms: float | None
    server_p95_ms: float | None
    client_p95_ms: float | None
    statuses: dict


@dataclass
class LoadRun:
    visitors: int
    seconds: int
    workers: int
    requests: int = 0
    rate: float = 0.0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None
    client_p95_ms: float | None = None
    kinds: list[KindFigures] = field(default_factory=list)
    slowest: list[dict] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)  # per BUCKET_S: requests/s and p95
    worker_rss_mb: list[float] = field(default_factory=list)
    distinct_paths: int = 0


def expected_requests(visitors: int, seconds: int) -> int:
    """About how many clicks the run makes (each visitor: a mean wait plus a short answer)."""
    return math.ceil(visitors * seconds / (sum(WAIT_S) / 2 + 0.05))


def production_environment(env: dict) -> dict:
    """The benchmark's server environment, turned into production's for this run."""
    run_env = {
        key: value
        for key, value in env.items()
        if key not in ("DIRECTORY_FACETS_CACHE_SECONDS", "API_THROTTLE_ANON", "API_THROTTLE_USER")
    }
    return run_env | {
        "CACHE_URL": f"redis://127.0.0.1:6379/{CACHE_DB}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{BROKER_DB}",
        "BEHIND_TLS_PROXY": "true",
        "TRUSTED_PROXY_COUNT": "1",
    }


def run(
    *, plan: dict, env: dict, visitors: int, seconds: int, workers: int, start_server, raw, say
) -> LoadRun:
    """Start the server (``start_server(env)``, a bench ``Server``) with the benchmark's ``env``
    made production's, load it with ``plan`` (the paths of each kind, the signed-in visitors'
    sessions), stop it, and return the figures."""
    raw.mkdir(parents=True, exist_ok=True)
    env = production_environment(env)
    for database in (CACHE_DB, BROKER_DB):
        redis.Redis(host="127.0.0.1", port=6379, db=database).flushdb()
    plan_file = raw / "load-plan.json"
    plan_file.write_text(
        json.dumps(plan | {"wait_s": WAIT_S, "signed_in_every": SIGNED_IN_EVERY}),
        encoding="utf-8",
    )
    result = LoadRun(visitors=visitors, seconds=seconds, workers=workers)
    result.distinct_paths = sum(len(kind["paths"]) for kind in plan["kinds"].values())
    say(f"load: {visitors} visitors for {seconds} s on gunicorn with {workers} workers")
    server = start_server(env)
    try:
        server.wait_ready()
        timings = _locust(server, env, plan_file, result, raw, say)
        result.worker_rss_mb = sorted(w["rss_mb"] for w in server.worker_rss().values())
    finally:
        server.stop()
    _figures(result, timings, server.access_log)
    say(
        f"load: {result.requests:,} requests, {result.rate} per second, p95 server-side "
        f"{result.server_p95_ms} ms, {result.errors} errors"
    )
    return result


def _locust(server, env: dict, plan_file: Path, result: LoadRun, raw: Path, say) -> list:
    timings = raw / "load.timings.json"
    timings.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(BENCH / "load_locustfile.py"),
        "--headless",
        "--users",
        str(result.visitors),
        "--spawn-rate",
        str(max(1, result.visitors // 5)),  # all of them within five seconds
        "--run-time",
        f"{result.seconds}s",
        "--host",
        server.url,
        "--stop-timeout",
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log = raw / "load.locust.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, a file of the bench
            command,
            env=env | {"BENCH_LOAD_PLAN": str(plan_file), "BENCH_TIMINGS": str(timings)},
            cwd=BENCH,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        while process.poll() is None:
            try:
                process.wait(timeout=PROGRESS_EVERY_S)
            except subprocess.TimeoutExpired:
                answered = sum(1 for _line in server.access_log.open(errors="replace"))
                elapsed = time.monotonic() - started
                say(f"load: {elapsed:.0f} of {result.seconds} s, {answered:,} requests answered")
            if time.monotonic() - started > result.seconds + 120:
                process.kill()
    try:
        return json.loads(timings.read_text())
    except (OSError, ValueError):
        result.errors += 1
        result.error_samples.append(f"locust wrote no timings; see {log}")
        return []


def _figures(result: LoadRun, timings: list, access_log: Path) -> None:
    answered = [row for row in timings if row[3] is None]
    failed = [row for row in timings if row[3] is not None]
    result.error_samples += [error for *_rest, error in failed[:SLOWEST]]
    lines = [_parse(line) for line in access_log.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line and line["kind"] in KINDS]
    result.errors += len(failed)  # locust fails any answer but 200, as any broken connection
    result.requests = len(timings)
    if answered:
        first = min(end - ms / 1000 for end, ms, *_rest in answered)
        last = max(end for end, *_rest in answered)
        result.rate = round(len(answered) / max(last - first, 1e-6), 1)
        result.client_p95_ms = _p95([ms for _end, ms, *_rest in answered])
    micros = [line["micros"] for line in lines]
    if micros:
        result.server_p50_ms = _percentile(sorted(micros), 50) / 1000
        result.server_p95_ms = _p95(micros) / 1000
    result.kinds = _kinds(answered, lines)
    result.slowest = [
        {"kind": KINDS[line["kind"]][1], "path": line["path"], "ms": line["micros"] / 1000}
        for line in sorted(lines, key=lambda line: -line["micros"])[:SLOWEST]
    ]
    result.timeline = _timeline(lines)


def _parse(line: str) -> dict | None:
    """A line of the access log: kind, status, µs, method and path, query, time."""
    parts = line.split("\t")
    if len(parts) < 6 or not parts[2].isdigit():
        return None
    query = f"?{parts[4]}" if parts[4] else ""
    return {
        "kind": parts[0],
        "status": parts[1],
        "micros": int(parts[2]),
        "path": parts[3].split(" ", 1)[-1] + query,
        "at": datetime.strptime(parts[5], "[%d/%b/%Y:%H:%M:%S %z]").timestamp(),
    }


def _kinds(answered: list, lines: list[dict]) -> list[KindFigures]:
    figures = []
    for name, (_weight, label) in KINDS.items():
        server = sorted(line["micros"] for line in lines if line["kind"] == name)
        client = [ms for _end, ms, kind, _error in answered if kind == name]
        figures.append(
            KindFigures(
                name=name,
                label=label,
                requests=len(server),
                server_p50_ms=_percentile(server, 50) / 1000 if server else None,
                server_p95_ms=_percentile(server, 95) / 1000 if server else None,
                client_p95_ms=_p95(client) if client else None,
                statuses=dict(Counter(line["status"] for line in lines if line["kind"] == name)),
            )
        )
    return sorted(figures, key=lambda kind: -(kind.server_p95_ms or 0))


def _timeline(lines: list[dict]) -> list[dict]:
    if not lines:
        return []
    start = min(line["at"] for line in lines)
    seconds = max(line["at"] for line in lines) - start + 1  # the log's times are whole seconds
    buckets: dict[int, list[int]] = {}
    for line in lines:
        buckets.setdefault(int((line["at"] - start) // BUCKET_S), []).append(line["micros"])
    return [
        {
            "second": bucket * BUCKET_S,
            # the last bucket may be shorter: its rate is over the seconds it spans
            "rate": round(len(micros) / min(BUCKET_S, seconds - bucket * BUCKET_S), 1),
            "p95_ms": round(_p95(micros) / 1000, 1),
        }
        for bucket, micros in sorted(buckets.items())
    ]


def _percentile(sorted_values: list, p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    return sorted_values[max(1, math.ceil(p / 100 * len(sorted_values))) - 1]


def _p95(values: list) -> float:
    return round(_percentile(sorted(values), 95), 2)


def targets(load: LoadRun | None) -> list[dict]:
    if load is None:
        return []
    label = f"load run ({load.visitors} visitors, {load.seconds} s)"
    return [
        {"target": f"{label}: no error", "value": load.errors, "met": load.errors == 0},
        {
            "target": f"{label}: p95 server-side ≤ {P95_MS} ms",
            "value": load.server_p95_ms,
            "met": load.server_p95_ms is not None and load.server_p95_ms <= P95_MS,
        },
        {
            "target": f"{label}: ≥ {MIN_RATE} requests/s",
            "value": load.rate,
            "met": load.rate >= MIN_RATE,
        },
    ]


def as_dict(load: LoadRun | None, baseline_rps: float | None) -> dict | None:
    if load is None:
        return None
    ratio = round(load.rate / baseline_rps, 3) if baseline_rps else None
    return asdict(load) | {"ratio_to_baseline": ratio}


def markdown(load: dict) -> list[str]:
    lines = [
        "",
        "## Load run",
        "",
        f"{load['visitors']} visitors for {load['seconds']} s, {WAIT_S[0]}–{WAIT_S[1]} s between "
        f"clicks, one in {SIGNED_IN_EVERY} signed in; gunicorn with {load['workers']} sync "
        "workers, cache and broker on Redis, the API's own throttles; "
        f"{load['distinct_paths']:,} distinct pages in the mix. {load['requests']:,} requests, "
        f"**{load['rate']} per second** ({_fmt(load['ratio_to_baseline'], 3)}× the one-query "
        f"baseline), p50 / p95 server-side {_fmt(load['server_p50_ms'])} / "
        f"**{_fmt(load['server_p95_ms'])} ms**, p95 client-side {_fmt(load['client_p95_ms'])} "
        f"ms, **{load['errors']} errors**. Workers' RSS at the end: "
        f"{', '.join(f'{rss} MB' for rss in load['worker_rss_mb'])}.",
        "",
        "| kind, slowest first | requests | p50 server (ms) | p95 server (ms) | p95 client (ms) "
        "| answers |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for kind in load["kinds"]:
        statuses = ", ".join(f"{count:,}× {status}" for status, count in kind["statuses"].items())
        lines.append(
            f"| {kind['label']} | {kind['requests']:,} | {_fmt(kind['server_p50_ms'])} | "
            f"{_fmt(kind['server_p95_ms'])} | {_fmt(kind['client_p95_ms'])} | {statuses} |"
        )
    lines += ["", "The slowest requests (server-side):", ""]
    lines += [f"- {row['ms']:.1f} ms: {row['kind']}, `{row['path']}`" for row in load["slowest"]]
    if load["error_samples"]:
        lines += ["", "Errors (the first few):", ""]
        lines += [f"- {error}" for error in load["error_samples"]]
    lines += ["", "![the load run over time](latest-load.svg)"]
    return lines


def _fmt(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def svg_chart(load: dict | None) -> str | None:
    """Two panels over the run, per ten seconds: requests per second above, p95 server-side
    below, each with its target dashed."""
    if not load or not load["timeline"]:
        return None
    points = load["timeline"]
    left, width, panel, gap, top = 60, 640, 150, 50, 56
    end = max(point["second"] for point in points) + BUCKET_S
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 30}" '
        f'height="{top + 2 * panel + gap + 40}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="10" y="22" font-size="15" font-weight="bold">Load run: {load["visitors"]} '
        f"visitors, per {BUCKET_S} s</text>",
    ]
    for index, (key, title, target, colour) in enumerate(
        (
            ("rate", "requests per second", MIN_RATE, "#1f5fa8"),
            ("p95_ms", "p95 server-side (ms)", P95_MS, "#8e44ad"),
        )
    ):
        y0 = top + index * (panel + gap)
        high = max([target * 1.25, *(point[key] for point in points)])

        def x(second: float) -> float:
            return left + width * second / end

        def y(value: float, y0=y0, high=high) -> float:
            return y0 + panel - panel * value / high

        line = " ".join(f"{x(p['second'] + BUCKET_S / 2):.1f},{y(p[key]):.1f}" for p in points)
        parts += [
            f'<text x="{left}" y="{y0 - 6}" fill="#333">{title}</text>',
            f'<line x1="{left}" y1="{y0 + panel}" x2="{left + width}" y2="{y0 + panel}" '
            'stroke="#999"/>',
            f'<text x="{left - 6}" y="{y0 + panel}" text-anchor="end" fill="#555">0</text>',
            f'<text x="{left - 6}" y="{y0 + 10}" text-anchor="end" fill="#555">{high:.0f}</text>',
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + width}" y2="{y(target):.1f}" '
            'stroke="#c0392b" stroke-dasharray="4 3"/>',
            f'<text x="{left + width - 4}" y="{y(target) - 4:.1f}" text-anchor="end" '
            f'fill="#c0392b" font-size="10">target {target}</text>',
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>',
        ]
    base = top + 2 * panel + gap
    for second in range(0, int(end) + 1, 60):
        parts.append(
            f'<text x="{left + width * second / end:.1f}" y="{base + 18}" text-anchor="middle" '
            f'fill="#555">{second} s</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
