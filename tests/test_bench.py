"""`make bench` on tiny data, end to end, so that the benchmark never rots.

It runs bench/run.py as a subprocess against a throwaway PostgreSQL database (dropped afterwards):
migrate, seed_scale, gunicorn, locust, the access log, query counts and the results files.
"""

import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "home",
    "directory",
    "directory_search_en",
    "directory_search_zh",
    "directory_sector",
    "directory_page2",
    "directory_search_member",
    "organisation_directory",
    "profile",
    "organisation",
    "directory_cold_mix",
    "api_members_cold_mix",
    "forum_search_mix",
    "one_query",
}
FORUM_PAGES = {
    "forum_category",
    "forum_latest",
    "forum_thread",
    "forum_thread_long_first",
    "forum_thread_deep",
    "forum_unread",
}


@pytest.fixture
def smoke_database_url():
    url = os.environ.get("DATABASE_URL", "")
    if urllib.parse.urlsplit(url).scheme not in ("postgres", "postgresql"):
        pytest.skip("the benchmark runs on PostgreSQL: DATABASE_URL is not a postgres:// URL")
    # Named after the test database's own, so that runs for two databases never share one.
    name = urllib.parse.urlsplit(url).path.lstrip("/") or "knowbridge"
    smoke = urllib.parse.urlsplit(url)._replace(path=f"/{name}_bench_smoke").geturl()
    drop_database(smoke)
    yield smoke
    drop_database(smoke)


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    server = parts._replace(path="/postgres").geturl()
    name = sql.Identifier(parts.path.lstrip("/"))
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@pytest.mark.xdist_group("celery_worker_processes")  # see tests/digests/test_workers.py
def test_benchmark_pipeline_on_tiny_data(smoke_database_url, tmp_path):
    env = {
        # The benchmark is a program of its own: not a test process of pytest-xdist, whose
        # Redis databases it would otherwise shift (config.settings), and with a cache of its
        # own (locmem, its default): on the suite's Redis cache its server filled the first test
        # process's database with its reference lists and throttle counts, which that process's
        # tests then met (a region choice "not one of the available choices", a throttle at 44
        # calls of 60).
        **{
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTEST_XDIST_WORKER", "CACHE_URL")
        },
        "DATABASE_URL": smoke_database_url,
        "BENCH_MEMBERS": "300",
        "BENCH_ORGANISATIONS": "20",
        "BENCH_THREADS": "60",
        "BENCH_POSTS": "1500",
        "BENCH_LONG_THREADS": "1",
        "BENCH_LONG_SIZE": "400",
        "BENCH_SEARCH_MIX": "120",
        "BENCH_MIX_SIZE": "120",
        "BENCH_REQUESTS": "400",
        "BENCH_RANK_MIX": "100",
        "BENCH_UPDATES": "200",
        "BENCH_SECONDS": "1",
        "BENCH_LOAD_VISITORS": "10",
        "BENCH_LOAD_SECONDS": "5",
        "BENCH_LOAD_WORKERS": "2",
        "BENCH_RESULTS": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "bench/run.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=480,
    )
    progress = [line for line in result.stdout.splitlines() if line.startswith("[bench")]
    errors = [line for line in result.stderr.splitlines() if "/s]" not in line]  # no progress bars
    assert result.returncode == 0, "\n".join([*progress, *errors[-40:]])

    report = json.loads((tmp_path / "latest.json").read_text())
    endpoints = {endpoint["name"]: endpoint for endpoint in report["endpoints"]}
    assert set(endpoints) >= PAGES | {"api_members", "api_organisations"}
    forum_pages = {name for name in FORUM_PAGES if _resolves(name)}
    assert set(endpoints) >= forum_pages
    for name, endpoint in endpoints.items():
        assert endpoint["rps"] > 0, name
        assert endpoint["failures"] == 0, name
        assert endpoint["server_p95_ms"] is not None, name
        assert endpoint["queries"], name
        assert endpoint["ratio"] is not None, name
    assert endpoints["one_query"]["queries"] == [1] * len(endpoints["one_query"]["queries"])
    assert {"matchmaking_rank_mix", "matchmaking_request", "matchmaking_for_you"} <= set(endpoints)
    mixes = (
        "directory_cold_mix",
        "api_members_cold_mix",
        "forum_search_mix",
        "matchmaking_rank_mix",
        "reports_dashboard",
    )
    for mix in mixes:
        assert endpoints[mix]["requests"] >= 100, mix  # each distinct search or request once
    terms = report["meta"]["forum_search_terms"]
    assert terms["terms"] == 120
    assert terms["common_over_5_percent"] > 0
    assert terms["rare_under_half_percent"] > 0
    assert report["workers"]
    assert all(worker["rss_mb"] > 0 for worker in report["workers"].values())
    # Every member's digest decided, by one worker and then by two, each sent digest received once.
    assert [run["workers"] for run in report["digests"]] == [1, 2]
    for run in report["digests"]:
        assert run["due"] >= 300
        assert run["undecided"] == 0
        assert run["sent"] + run["skipped"] == run["due"]
        assert run["received"] == run["distinct_message_ids"] == run["sent"] > 0
        assert run["peak_rss_mb"] > 0
    # The load run: every kind of page of the mix asked and answered, by visitors of whom some
    # are signed in, each from its own address (no throttle answered 429).
    load = report["load"]
    assert load["errors"] == 0, load["error_samples"]
    assert load["requests"] >= 20
    assert load["rate"] > 0
    assert load["server_p95_ms"] is not None
    assert {kind["name"] for kind in load["kinds"] if kind["requests"]} >= {
        "load_directory",
        "load_profile",
        "load_forum_thread",
    }
    assert all(set(kind["statuses"]) <= {"200"} for kind in load["kinds"])
    assert load["timeline"]
    assert len(load["worker_rss_mb"]) == 2
    assert {target["met"] for target in report["targets"]} <= {True, False}
    assert "| endpoint |" in (tmp_path / "latest.md").read_text()
    assert (tmp_path / "latest-p95.svg").read_text().startswith("<svg")
    assert (tmp_path / "latest-load.svg").read_text().startswith("<svg")
    assert "## Load run" in (tmp_path / "latest.md").read_text()


FORUM_PATHS = {
    "forum_category": "/forums/c/any/",
    "forum_latest": "/forums/latest/",
    "forum_thread": "/forums/t/1/",
    "forum_thread_long_first": "/forums/t/1/",
    "forum_thread_deep": "/forums/t/1/",
    "forum_unread": "/forums/unread/",
}


def _resolves(name: str) -> bool:
    """Whether the forum page a benchmark endpoint loads exists (the pages come in their own
    branch; the benchmark leaves out those not there yet)."""
    from django.urls import Resolver404, resolve

    try:
        resolve(FORUM_PATHS[name])
    except Resolver404:
        return False
    return True
