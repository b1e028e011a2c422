"""`make bench`: load the platform's key pages and API lists on PostgreSQL and report the figures.

1. checks that PostgreSQL answers, creates the benchmark database if needed and migrates it;
2. generates the scale data set (`manage.py seed_scale`, then `seed_forums`, `seed_matchmaking`
   and `seed_economy`) unless the database already holds it;
3. starts gunicorn (2 sync workers) on a free port of 127.0.0.1, with DEBUG off and BENCHMARK on;
4. warms every endpoint up, then loads each one in turn from a separate locust process;
5. reads the server-side time of every request (µs) from gunicorn's access log, the client-side
   times from locust, the workers' resident memory from /proc, and counts each page's SQL queries
   in this process with Django's test client against the same database;
6. writes bench/results/latest.json, latest.md and latest-p95.svg, prints the table and says which
   targets are met.

Knobs (environment): DATABASE_URL (a PostgreSQL URL; default the local knowbridge_bench database),
BENCH_MEMBERS, BENCH_ORGANISATIONS, BENCH_THREADS, BENCH_POSTS, BENCH_LONG_THREADS,
BENCH_LONG_SIZE, BENCH_REQUESTS, BENCH_UPDATES (size of the data set), BENCH_SEARCH_MIX and
BENCH_MIX_SIZE (distinct forum and directory searches, each asked once), BENCH_RANK_MIX
(distinct help requests ranked, each once), BENCH_DIGESTS (members whose digests are sent;
default all), BENCH_SECONDS (load per endpoint),
BENCH_USERS (concurrent locust users), BENCH_WORKERS (gunicorn workers), BENCH_LOAD_VISITORS,
BENCH_LOAD_SECONDS and BENCH_LOAD_WORKERS (the load run, bench/load_run.py), BENCH_RESULTS (folder),
BENCH_STRICT=1 (exit 1 when a target is missed), BENCH_ONLY (comma-separated endpoint names, e.g.
forum_category,forum_latest, or `load`, or `digests`: run only those and the baseline, while
working on them).
"""

import html
import json
import math
import os
import platform as host
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import digest_throughput
import load_run

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT / "platform"))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/knowbridge_bench"
HEADER = "X-Bench-Endpoint"
WARMUP_REQUESTS = 6
MIX_SIZE = 400
ONCE_SECONDS = 300  # a cold mix runs until every path was asked, within this long
QUERY_SAMPLES = 3
MB = 1024 * 1024

# Targets on the 2-core reference machine (DESIGN.md, "Data, search and scale").
DIRECTORY_P95_MS = 50
PROFILE_P95_MS = 30
MAX_QUERIES = 12
MAX_WORKER_RSS_MB = 150
FORUM_PAGE_P95_MS = 50
FORUM_SEARCH_P95_MS = 150
FORUM_MIN_RATIO = 0.3  # list and thread pages, as a share of the one-query baseline's rate
MATCHING_P95_MS = 100  # a request's page as its SME sees it, experts ranked afresh
REPORTS_P95_MS = 300  # the administrators' dashboard, every figure aggregated afresh
REPORTS_MIX = 120  # distinct date ranges of the dashboard, each asked once
BASELINE_EVERY = 4  # endpoints loaded between two loads of the one-query baseline
DEEP_PAGE_SLACK = 1.2  # a deep page of a long thread is "as fast" within 20% (and 1 ms)
COMMON_SHARE = 0.05  # a search term found in more than this share of posts is common


@dataclass(frozen=True)
class Config:
    database_url: str
    members: int
    organisations: int
    threads: int
    posts: int
    long_threads: int
    long_size: int
    requests: int
    updates: int
    digests: int | None  # members whose digest the run sends (None: all)
    rank_mix: int
    search_mix: int
    mix_size: int
    seconds: int
    users: int
    workers: int
    load_visitors: int
    load_seconds: int
    load_workers: int
    results: Path
    strict: bool
    only: frozenset[str]

    @classmethod
    def from_env(cls) -> "Config":
        env = os.environ
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            members=int(env.get("BENCH_MEMBERS", 100_000)),
            organisations=int(env.get("BENCH_ORGANISATIONS", 2_000)),
            threads=int(env.get("BENCH_THREADS", 20_000)),
            posts=int(env.get("BENCH_POSTS", 500_000)),
            long_threads=int(env.get("BENCH_LONG_THREADS", 4)),
            long_size=int(env.get("BENCH_LONG_SIZE", 5_000)),
            requests=int(env.get("BENCH_REQUESTS", 20_000)),
            updates=int(env.get("BENCH_UPDATES", 5_000)),
            digests=int(env["BENCH_DIGESTS"]) if env.get("BENCH_DIGESTS") else None,
            rank_mix=max(1, int(env.get("BENCH_RANK_MIX", 150))),
            search_mix=max(1, int(env.get("BENCH_SEARCH_MIX", 360))),
            mix_size=max(1, int(env.get("BENCH_MIX_SIZE", MIX_SIZE))),
            seconds=max(1, int(env.get("BENCH_SECONDS", 15))),
            users=max(1, int(env.get("BENCH_USERS", 4))),
            workers=max(1, int(env.get("BENCH_WORKERS", 2))),
            load_visitors=max(1, int(env.get("BENCH_LOAD_VISITORS", 100))),
            load_seconds=max(1, int(env.get("BENCH_LOAD_SECONDS", 300))),
            load_workers=max(1, int(env.get("BENCH_LOAD_WORKERS", 4))),
            results=Path(env.get("BENCH_RESULTS") or BENCH / "results"),
            strict=env.get("BENCH_STRICT") == "1",
            only=frozenset(filter(None, env.get("BENCH_ONLY", "").split(","))),
        )


@dataclass
class Endpoint:
    name: str  # ASCII id, sent in the X-Bench-Endpoint header
    label: str
    paths: list[str]
    kind: str  # "page", "api" or "baseline"
    target_ms: int | None = None  # server-side p95 target
    min_ratio: float | None = None  # target: at least this share of the baseline's rate
    headers: dict = field(default_factory=dict)
    viewer: str = "anonymous"  # "anonymous", "member" (session cookie) or "token"
    once: bool = False  # each path asked once, in turn, no warm-up: a cold mix of distinct inputs
    # Filled in by the run:
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    ratio: float | None = None
    # The baseline: its rate in each of its loads. Another endpoint: the baseline's rate around
    # it (the mean of the loads just before and just after it), which its ratio is taken to.
    baseline_loads: list[float] = field(default_factory=list)
    baseline_rps: float | None = None
    server_p50_ms: float | None = None
    server_p95_ms: float | None = None
    client_p50_ms: float | None = None
    client_p95_ms: float | None = None
    server_statuses: dict = field(default_factory=dict)
    queries: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


def fail(message: str) -> None:
    print(f"[bench] error: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


# --- Database -------------------------------------------------------------------------------------


def prepare_database(config: Config) -> None:
    """Check that PostgreSQL answers and create the benchmark database when it is missing."""
    import psycopg
    from psycopg import sql

    url = urllib.parse.urlsplit(config.database_url)
    if url.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        fail(f"the benchmark runs on PostgreSQL; DATABASE_URL is {url.scheme}://…")
    name = urllib.parse.unquote(url.path.lstrip("/"))
    if not name:
        fail("DATABASE_URL names no database")
    server = url._replace(path="/postgres").geturl().replace("postgis://", "postgres://")
    server = re.sub(r"^(pgsql|postgresql)://", "postgres://", server)
    try:
        connection = psycopg.connect(server, connect_timeout=5, autocommit=True)
    except psycopg.OperationalError as error:
        fail(
            f"PostgreSQL is not reachable at {url.hostname}:{url.port or 5432} ({error}). "
            "Start it, or point DATABASE_URL at one."
        )
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            say(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_environment(config: Config) -> dict[str, str]:
    """What gunicorn (and this process, for the query counts) run with."""
    return {
        "DATABASE_URL": config.database_url,
        "DJANGO_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCHMARK": "1",
        # Every directory count is computed cold: nothing shared between visitors.
        "DIRECTORY_FACETS_CACHE_SECONDS": "0",
        # The API's rate limits would turn a load test into a test of the throttle.
        "API_THROTTLE_ANON": "1000000/s",
        "API_THROTTLE_USER": "1000000/s",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "platform"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def setup_django() -> None:
    import django

    django.setup()


def ensure_dataset(config: Config) -> dict | None:
    """Run seed_scale, then seed_forums, seed_matchmaking and seed_economy, unless the database
    holds the data set of the requested size (the others are made again whenever the members
    are).

    Returns the seeds' time per phase when they ran."""
    from django.core.management import call_command

    from forums.models import Post, Thread
    from members.management.commands.seed_scale import SCALE_DOMAIN
    from members.models import Organisation, User

    members = User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").count()
    organisations = Organisation.objects.filter(website__contains=f".{SCALE_DOMAIN}/").count()
    seeds = []
    if (members, organisations) == (config.members, config.organisations):
        say(f"data set present: {members:,} members, {organisations:,} organisations")
    else:
        size = f"{config.members:,} members, {config.organisations:,} organisations"
        say(f"generating the data set: {size}")
        output = Tee(sys.stdout)
        call_command(
            "seed_scale",
            members=config.members,
            organisations=config.organisations,
            force=members > 0,
            stdout=output,
        )
        seeds.append(("", output.getvalue()))
    threads, posts = Thread.objects.count(), Post.objects.count()
    if not seeds and (threads, posts) == (config.threads, config.posts):
        say(f"forums present: {threads:,} threads, {posts:,} posts")
    else:
        say(f"generating the forums: {config.threads:,} threads, {config.posts:,} posts")
        output = Tee(sys.stdout)
        call_command(
            "seed_forums",
            threads=config.threads,
            posts=config.posts,
            long_threads=config.long_threads,
            long_size=config.long_size,
            readers=max(10, min(2_000, config.members // 20)),
            force=posts > 0 or threads > 0,
            stdout=output,
        )
        seeds.append(("forums: ", output.getvalue()))
    from matchmaking.models import HelpRequest

    requests = HelpRequest.objects.count()
    if not seeds and requests == config.requests:
        say(f"help requests present: {requests:,}")
    else:
        say(f"generating the help requests: {config.requests:,}")
        output = Tee(sys.stdout)
        call_command(
            "seed_matchmaking",
            requests=config.requests,
            bench_requests=min(config.rank_mix, config.requests),
            force=requests > 0,
            stdout=output,
        )
        seeds.append(("matchmaking: ", output.getvalue()))
    from economy.models import EconomyUpdate

    updates = EconomyUpdate.objects.count()
    if not seeds and updates == config.updates:
        say(f"economy updates present: {updates:,}")
    else:
        say(f"generating the economy updates: {config.updates:,}")
        output = Tee(sys.stdout)
        call_command("seed_economy", updates=config.updates, force=updates > 0, stdout=output)
        seeds.append(("economy: ", output.getvalue()))
    from digests.models import Subscription

    if Subscription.objects.count() < User.objects.count():
        say("giving every member a digest subscription")
        output = Tee(sys.stdout)
        call_command("seed_digests", stdout=output)
        seeds.append(("digests: ", output.getvalue()))
    if not seeds:
        return None
    phases, total = {}, 0.0
    for prefix, text in seeds:
        for name, seconds in re.findall(r"^  (.+?)\s+([\d.]+) s$", text, flags=re.MULTILINE):
            phases[f"{prefix}{name}"] = float(seconds)
        ready = re.search(r"ready in ([\d.]+) s", text)
        total += float(ready.group(1)) if ready else 0.0
    return {"phases_s": phases, "total_s": round(total, 1)}


class Tee(StringIO):
    def __init__(self, stream):
        super().__init__()
        self.stream = stream

    def write(self, text):
        self.stream.write(text)
        self.stream.flush()
        return super().write(text)


# --- What to load ---------------------------------------------------------------------------------


def plan_endpoints(config: Config) -> tuple[list[Endpoint], dict]:
    """The key pages, the API lists of the URLconf, and the one-query baseline."""
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from members.models import Organisation, Profile

    rng = random.Random(2026)  # noqa: S311 - a reproducible sample of pages, not a secret
    public = list(
        Profile.objects.filter(
            listing=Profile.Listing.PUBLIC, onboarded_at__isnull=False, user__is_active=True
        ).values_list("pk", flat=True)
    )
    handles = list(
        Profile.objects.filter(pk__in=public).values_list("handle", flat=True).order_by("pk")
    )
    slugs = list(Organisation.objects.values_list("slug", flat=True))
    if not public or not slugs:
        fail("the database has no public profile or no organisation to load")
    viewer = Profile.objects.filter(
        pk__in=public, user__is_staff=False, user__memberships__isnull=False
    ).first() or Profile.objects.get(pk=public[0])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer.user)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    token, _created = Token.objects.get_or_create(user=viewer.user)
    credentials = {
        "member": {"Cookie": session},
        "token": {"Authorization": f"Token {token.key}"},
        **{
            group: {"Authorization": f"Token {staff_token(group)}"}
            for group in set(STAFF_LISTS.values())
        },
        "reader": forum_reader_cookie(),
        "administrator": administrator_cookie(),
        **matchmaking_viewers(),
    }

    def q(text: str) -> str:
        return urllib.parse.quote_plus(text)

    directory = DIRECTORY_P95_MS
    endpoints = [
        Endpoint("home", "Home", ["/"], "page"),
        Endpoint("directory", "Member directory", ["/directory/"], "page", directory),
        Endpoint(
            "directory_search_en",
            "Directory: “supply chain”",
            [f"/directory/?q={q('supply chain')}"],
            "page",
            directory,
        ),
        Endpoint(
            "directory_search_zh",
            "Directory: “供应链”",
            [f"/directory/?q={q('供应链')}"],
            "page",
            directory,
        ),
        Endpoint(
            "directory_sector",
            "Directory: sector ICT",
            ["/directory/?sector=ict-software"],
            "page",
            directory,
        ),
        Endpoint("directory_page2", "Directory: page 2", [], "page", directory),  # cursor later
        Endpoint(
            "directory_search_member",
            "Directory: “supply chain”, signed in",
            [f"/directory/?q={q('supply chain')}"],
            "page",
            directory,
            viewer="member",
        ),
        Endpoint(
            "organisation_directory",
            "Organisation directory",
            ["/directory/organisations/"],
            "page",
            directory,
        ),
        Endpoint(
            "profile",
            "Profile page (random public)",
            [f"/members/{handle}/" for handle in rng.sample(handles, min(len(handles), 1000))],
            "page",
            PROFILE_P95_MS,
        ),
        Endpoint(
            "organisation",
            "Organisation page (random)",
            [
                f"/organisations/{urllib.parse.quote(slug)}/"
                for slug in rng.sample(slugs, min(len(slugs), 500))
            ],
            "page",
        ),
        *api_lists(),
        Endpoint(
            "directory_cold_mix",
            f"Directory: {config.mix_size} distinct searches, each once",
            cold_mix(rng, config.mix_size, "/directory/"),
            "page",
            directory,
            once=True,
        ),
        Endpoint(
            "api_members_cold_mix",
            f"API members: {config.mix_size} distinct searches, each once",
            cold_mix(rng, config.mix_size, "/api/v1/members/"),
            "api",
            directory,
            once=True,
        ),
        *forum_pages(rng, config),
        *matchmaking_pages(),
        *reports_pages(rng),
        Endpoint("one_query", "Baseline: one-query view", ["/bench/one-query/"], "baseline"),
    ]
    searches, search_terms = forum_search_mix(rng, config.search_mix)
    if searches:
        endpoints.insert(-1, searches)
    for endpoint in endpoints:
        endpoint.headers = dict(credentials.get(endpoint.viewer, {}))
    return endpoints, {"viewer_id": viewer.pk, "forum_search_terms": search_terms}


def session_cookie(user) -> str:
    """A Cookie header value holding a session of ``user``."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def load_mix(config: Config) -> dict:
    """The load run's pages (see bench/load_run.py): for each kind, as many distinct paths drawn
    from the data as the run will ask for, and the sessions of the signed-in visitors."""
    from forums.models import Category, Thread
    from members.models import Organisation, Profile

    rng = random.Random(2027)  # noqa: S311 - a reproducible sample of pages, not a secret
    clicks = load_run.expected_requests(config.load_visitors, config.load_seconds)
    shares = sum(weight for weight, _label in load_run.KINDS.values())

    def wanted(kind: str) -> int:
        return math.ceil(clicks * load_run.KINDS[kind][0] / shares)

    def sample(values: list, kind: str) -> list:
        return rng.sample(values, min(len(values), wanted(kind)))

    public = Profile.objects.filter(
        listing=Profile.Listing.PUBLIC, onboarded_at__isnull=False, user__is_active=True
    ).order_by("pk")
    handles = list(public.values_list("handle", flat=True))
    slugs = list(Organisation.objects.order_by("pk").values_list("slug", flat=True))
    open_categories = Category.objects.filter(restriction=Category.Restriction.NONE)
    categories = list(open_categories.order_by("pk").values_list("slug", flat=True))
    threads = list(
        Thread.objects.filter(category__in=open_categories)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kinds = {
        "load_home": ["/"],
        "load_directory": cold_mix(rng, wanted("load_directory"), "/directory/"),
        "load_organisation_directory": ["/directory/organisations/"],
        "load_profile": [f"/members/{handle}/" for handle in sample(handles, "load_profile")],
        "load_organisation": [
            f"/organisations/{urllib.parse.quote(slug)}/"
            for slug in sample(slugs, "load_organisation")
        ],
        "load_api_members": cold_mix(rng, wanted("load_api_members"), "/api/v1/members/"),
        "load_forum_latest": ["/forums/latest/"],
        "load_forum_category": [f"/forums/c/{urllib.parse.quote(slug)}/" for slug in categories],
        "load_forum_thread": [f"/forums/t/{pk}/" for pk in sample(threads, "load_forum_thread")],
    }
    candidates = list(public.filter(user__is_staff=False).values_list("user_id", flat=True)[:1000])
    members = rng.sample(candidates, k=min(20, len(candidates)))
    sessions = [
        session_cookie(member.user)
        for member in Profile.objects.filter(user_id__in=members).select_related("user")
    ]
    return {
        "kinds": {
            kind: {"weight": load_run.KINDS[kind][0], "paths": paths}
            for kind, paths in kinds.items()
            if paths
        },
        "sessions": sessions,
    }


# --- Forums ---------------------------------------------------------------------------------------


def forum_reader_cookie() -> dict:
    """The session of the member who has read the most threads part of the way (the unread
    view's viewer)."""
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from forums.models import ReadPosition
    from members.models import User

    reader = (
        ReadPosition.objects.values("member").annotate(read=Count("pk")).order_by("-read").first()
    )
    if reader is None:
        return {}
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=reader["member"]))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}


def forum_pages(rng: random.Random, config: Config) -> list[Endpoint]:
    """A category page, the latest list, thread pages (first pages, and pages deep in the long
    threads next to those threads' first pages), the unread view of a member; those whose
    address the URLconf does not have yet are left out, with a word."""
    from forums.models import Category, Thread

    open_ones = Thread.objects.filter(category__restriction=Category.Restriction.NONE)
    categories = list(
        Category.objects.filter(
            restriction=Category.Restriction.NONE, thread_count__gt=0
        ).values_list("slug", flat=True)
    )
    threads = list(open_ones.values_list("pk", flat=True))
    long_threads = list(
        open_ones.filter(post_count__gt=100)
        .order_by("-post_count")
        .values_list("pk", "post_count")[: max(config.long_threads, 1)]
    )
    deep = [
        f"/forums/t/{pk}/?after={after}"
        for pk, count in long_threads
        for after in rng.sample(range(count * 3 // 4, count - 20), min(100, count // 4 - 20))
    ]
    page, ratio = FORUM_PAGE_P95_MS, FORUM_MIN_RATIO
    planned = [
        Endpoint(
            "forum_category",
            "Forums: a category page",
            [f"/forums/c/{urllib.parse.quote(slug)}/" for slug in categories],
            "page",
            page,
            min_ratio=ratio,
        ),
        Endpoint("forum_latest", "Forums: latest", ["/forums/latest/"], "page", page, ratio),
        Endpoint(
            "forum_thread",
            "Forums: a thread's first page",
            [f"/forums/t/{pk}/" for pk in rng.sample(threads, min(len(threads), 500))],
            "page",
            page,
            min_ratio=ratio,
        ),
        Endpoint(
            "forum_thread_long_first",
            "Forums: a long thread's first page",
            [f"/forums/t/{pk}/" for pk, _count in long_threads],
            "page",
            page,
            min_ratio=ratio,
        ),
        Endpoint(
            "forum_thread_deep",
            "Forums: a page deep in a long thread",
            deep,
            "page",
            page,
            min_ratio=ratio,
        ),
        Endpoint(
            "forum_unread",
            "Forums: unread, signed in",
            ["/forums/unread/"],
            "page",
            page,
            min_ratio=ratio,
            viewer="reader",
        ),
    ]
    endpoints = []
    for endpoint in planned:
        if not endpoint.paths or not _resolves(endpoint.paths[0].split("?")[0]):
            say(f"left out: {endpoint.label} (no such page or no data yet)")
        else:
            endpoints.append(endpoint)
    return endpoints


def forum_search_mix(rng: random.Random, size: int) -> tuple[Endpoint | None, dict]:
    """``size`` distinct forum searches, a third in each language, each a word drawn from the
    posts' own search text: a sixth of them common (in more than COMMON_SHARE of the posts of
    a sample), a third middling, the rest rare; each asked once."""
    from django.db.models import Max, Min

    from forums.models import Post

    if not _resolves("/forums/search/"):
        say("left out: forum search (no such page yet)")
        return None, {}
    bounds = Post.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None, {}
    span = range(bounds["low"], bounds["high"] + 1)
    sample = list(
        Post.objects.filter(
            pk__in=rng.sample(span, min(len(span), 8_000)), deleted_at=None
        ).values_list("language", "search_text")
    )
    found_in: dict[str, int] = {}
    by_language: dict[str, set] = {}
    for language, text in sample:
        for token in set(text.split()):
            found_in[token] = found_in.get(token, 0) + 1
            by_language.setdefault(language, set()).add(token)
    share = {token: count / len(sample) for token, count in found_in.items()}
    terms: dict[str, None] = {}
    languages = sorted(by_language)
    for index, language in enumerate(languages):
        quota = (size - len(terms)) // (len(languages) - index)
        words = sorted(
            t for t in by_language[language] - set(terms) if len(t) > 1 and not t.isdigit()
        )
        common = [t for t in words if share[t] > COMMON_SHARE]
        middle = [t for t in words if 0.005 <= share[t] <= COMMON_SHARE]
        rare = [t for t in words if share[t] < 0.005]
        picked = rng.sample(common, min(len(common), quota // 6))
        picked += rng.sample(middle, min(len(middle), quota // 3))
        rest = [t for t in rare + middle + common if t not in picked]
        picked += rng.sample(rest, min(len(rest), quota - len(picked)))
        terms.update(dict.fromkeys(picked))
    stats = {
        "terms": len(terms),
        "common_over_5_percent": sum(share[t] > COMMON_SHARE for t in terms),
        "rare_under_half_percent": sum(share[t] < 0.005 for t in terms),
        "largest_share": round(max((share[t] for t in terms), default=0.0), 3),
        "sampled_posts": len(sample),
    }
    endpoint = Endpoint(
        "forum_search_mix",
        f"Forums: {len(terms)} distinct searches (en/fr/zh), each once",
        [f"/forums/search/?q={urllib.parse.quote_plus(term)}" for term in terms],
        "page",
        FORUM_SEARCH_P95_MS,
        once=True,
    )
    return endpoint, stats


# --- Matchmaking ---------------------------------------------------------------------------------


def _bench_sme():
    """The SME ``seed_matchmaking`` gave the benchmark's open requests, and its member."""
    from matchmaking.models import HelpRequest

    first = HelpRequest.objects.filter(status="open").order_by("pk").first()
    return (first.organisation_id, first.author) if first else (None, None)


def matchmaking_viewers() -> dict:
    """Sessions: the bench SME's member, and the available expert with the most requests for
    them (their sectors are the most common)."""

    from members.models import Profile

    _sme, member = _bench_sme()
    if member is None:
        return {}
    expert = (
        Profile.objects.filter(offers_expertise=True, open_to_requests=True, paused=False)
        .exclude(findable_as="")
        .order_by("user_id")
        .first()
    )
    sessions = {}
    for name, user in (("sme", member), ("expert", expert.user if expert else None)):
        if user is None:
            continue
        sessions[name] = {"Cookie": session_cookie(user)}
    return sessions


def matchmaking_pages() -> list[Endpoint]:
    """The bench SME's open requests, each ranked once on its page (distinct sectors, tags,
    corridors and languages, in three languages); one request's page again and again; "My
    requests"; an expert's "Requests for you"."""
    from matchmaking.models import HelpRequest

    sme, _member = _bench_sme()
    if sme is None or not _resolves("/requests/"):
        say("left out: matchmaking (no help requests yet)")
        return []
    own = list(
        HelpRequest.objects.filter(organisation_id=sme, status="open")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [
        Endpoint(
            "matchmaking_rank_mix",
            f"Matchmaking: {len(own)} distinct requests ranked, each once",
            [f"/requests/{pk}/" for pk in own],
            "page",
            MATCHING_P95_MS,
            once=True,
            viewer="sme",
        ),
        Endpoint(
            "matchmaking_request",
            "Matchmaking: a request's page with its ranked experts",
            [f"/requests/{own[0]}/"],
            "page",
            MATCHING_P95_MS,
            viewer="sme",
        ),
        Endpoint(
            "matchmaking_my_requests",
            "Matchmaking: my requests",
            ["/requests/"],
            "page",
            viewer="sme",
        ),
        Endpoint(
            "matchmaking_for_you",
            "Matchmaking: requests for you",
            ["/requests/for-you/"],
            "page",
            viewer="expert",
        ),
    ]


# --- Reports -------------------------------------------------------------------------------------

BENCH_ADMINISTRATOR = "bench-administrator@bench.knowbridge.example"


def administrator_cookie() -> dict:
    """The session of a member of the Administrators group (with the authenticator app staff
    must have), outside the scale members."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled
    from django.contrib.auth.models import Group

    from members.models import User

    if not Group.objects.filter(name="Administrators").exists():
        return {}
    administrator = User.objects.filter(
        email=BENCH_ADMINISTRATOR
    ).first() or User.objects.create_user(
        email=BENCH_ADMINISTRATOR, display_name="Bench Administrator", password=None, is_staff=True
    )
    administrator.groups.add(Group.objects.get(name="Administrators"))
    if not is_mfa_enabled(administrator, types=["totp"]):
        TOTP.activate(administrator, generate_totp_secret())
    return {"Cookie": session_cookie(administrator)}


def reports_pages(rng: random.Random) -> list[Endpoint]:
    """The administrators' dashboard over ``REPORTS_MIX`` distinct date ranges, each asked once
    (a week to two years long, anywhere from the first member's sign-up to today): every figure
    is computed cold."""
    from datetime import timedelta

    from django.db.models import Min
    from django.utils import timezone

    from members.models import User

    if not _resolves("/reports/"):
        say("left out: reports (no such page yet)")
        return []
    from reports.services import refresh_daily_counts

    started = time.monotonic()
    rows = refresh_daily_counts()  # as beat does every ten minutes
    say(f"reports: {rows:,} daily counts rebuilt in {time.monotonic() - started:.1f} s")
    today = timezone.localdate()
    first = User.objects.aggregate(first=Min("date_joined"))["first"]
    earliest = timezone.localtime(first).date() if first else today - timedelta(days=365)
    ranges: dict[tuple, None] = {}
    for _attempt in range(REPORTS_MIX * 20):
        if len(ranges) == REPORTS_MIX:
            break
        days = rng.choice((7, 30, 90, 91, 182, 365, 730))
        latest_start = max((today - earliest).days - days + 1, 0)
        start = earliest + timedelta(days=rng.randint(0, latest_start))
        ranges.setdefault((start, min(start + timedelta(days=days - 1), today)))
    return [
        Endpoint(
            "reports_dashboard",
            f"Reports: the dashboard over {len(ranges)} distinct date ranges, each once",
            [f"/reports/?from={start}&to={end}" for start, end in ranges],
            "page",
            REPORTS_P95_MS,
            once=True,
            viewer="administrator",
        )
    ]


def cold_mix(rng: random.Random, size: int, path: str) -> list[str]:
    """``size`` distinct directory searches as visitors would type them, drawn from the data: one
    or two words of a public member's headline or expertise (English, French or Chinese, as they
    wrote), half of them with one or two filters that member fits (sector, city-region, language,
    country of origin, availability)."""
    from core.search import segment
    from members.models import Profile, Visibility

    public = Profile.objects.filter(
        listing=Profile.Listing.PUBLIC, onboarded_at__isnull=False, user__is_active=True
    )
    pks = list(public.order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(pks, min(len(pks), size * 3))  # the same searches in every run
    place = {pk: index for index, pk in enumerate(chosen)}
    profiles = sorted(
        Profile.objects.filter(pk__in=chosen)
        .select_related("canadian_region", "country_of_origin")
        .prefetch_related("sectors", "expertise", "spoken__language"),
        key=lambda profile: place[profile.pk],
    )
    searches: dict[str, None] = {}
    for profile in profiles:
        text = " ".join([profile.headline, *(tag.name for tag in profile.expertise.all())])
        words = [word for word in segment(text).split() if len(word) > 1 and not word.isdigit()]
        if not words:
            continue
        query = [("q", " ".join(rng.sample(words, min(len(words), rng.choice((1, 2))))))]
        if rng.random() < 0.5:
            fits = _filters_fitting(profile, Visibility.PUBLIC)
            query += rng.sample(fits, min(len(fits), rng.choice((1, 2))))
        searches.setdefault(f"{path}?{urllib.parse.urlencode(query)}")
        if len(searches) == size:
            break
    return list(searches)


def _filters_fitting(profile, public) -> list[tuple[str, str]]:
    fits = [("sector", sector.slug) for sector in profile.sectors.all()]
    fits += [("language", spoken.language.code) for spoken in profile.spoken.all()]
    if profile.canadian_region:
        fits.append(("region", profile.canadian_region.slug))
    if profile.country_of_origin and profile.country_of_origin_visibility == public:
        fits.append(("country", profile.country_of_origin.code))
    if profile.available:
        fits.append(("available", "true"))
    return fits


def api_lists() -> list[Endpoint]:
    """Every /api/v1/ list without path parameters, read from the OpenAPI schema."""
    try:
        from drf_spectacular.generators import SchemaGenerator

        schema = SchemaGenerator().get_schema(request=None, public=True)
    except Exception as error:  # fall back to the two lists the issue names
        say(f"could not build the OpenAPI schema ({error}); loading the known API lists")
        return [
            Endpoint(f"api_{name}", f"API {path}", [path], "api")
            for name, path in (
                ("members", "/api/v1/members/"),
                ("organisations", "/api/v1/organisations/"),
            )
            if _resolves(path)
        ]
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    for path, operations in sorted(schema["paths"].items()):
        operation = operations.get("get")
        if not path.startswith("/api/v1/") or "{" in path or operation is None:
            continue
        if not _is_list(operation, components):
            continue
        anonymous = {} in (operation.get("security") or [{}])
        name = "api_" + re.sub(r"[^a-z0-9]+", "_", path.removeprefix("/api/v1/")).strip("_")
        viewer = STAFF_LISTS.get(path) or ("anonymous" if anonymous else "token")
        endpoints.append(Endpoint(name, f"API {path}", [path], "api", viewer=viewer))
    return endpoints


# Lists only a staff group may read (the schema does not say who may): loaded with the token of
# one of its members.
STAFF_LISTS = {
    "/api/v1/economy-updates/desk/": "Editors",
    "/api/v1/moderation/cases/": "Moderators",
}


def staff_token(group: str) -> str:
    """The token of a member of the staff ``group``, outside the scale members."""
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from members.models import User

    email = f"bench-{group.lower()}@bench.knowbridge.example"
    member = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, display_name=f"Bench {group}", password=None, is_staff=True
    )
    member.groups.add(Group.objects.get(name=group))
    return Token.objects.get_or_create(user=member)[0].key


def _is_list(operation: dict, components: dict) -> bool:
    """A response that is an array, or a page of results (an object with an array `results`)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema", {})
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if schema.get("type") == "array":
        return True
    return schema.get("properties", {}).get("results", {}).get("type") == "array"


def _resolves(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# --- The server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_python() -> str:
    """The Python of an environment holding the platform's own dependencies only, as a
    deployment has them (``var/bench-env``, made by uv from the lock file, in seconds once uv's
    cache holds the wheels). The test tools of the dev group (locust, schemathesis) bring
    requests, pydantic and PyYAML, which DRF, drf-spectacular and kombu import whenever they
    are installed: about 10 MB in every web process that production does not carry."""
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(ROOT / "var" / "bench-env")}
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(  # noqa: S603 - uv from this environment, fixed arguments
        [str(uv), "sync", "--locked", "--no-dev", "--quiet"], env=env, cwd=ROOT, check=True
    )
    return str(ROOT / "var" / "bench-env" / "bin" / "python")


class Server:
    """gunicorn with sync workers: the views are CPU-bound Python and the database is local, so one
    single-threaded worker per core gives the shortest response times (gthread's threads would
    only contend for the GIL); each worker keeps one persistent database connection."""

    ACCESS_FORMAT = "%({x-bench-endpoint}i)s\t%(s)s\t%(D)s\t%(m)s %(U)s\t%(q)s\t%(t)s"

    def __init__(self, config: Config, raw: Path, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = raw / "access.log"
        self.error_log = raw / "gunicorn.log"
        self.access_log.unlink(missing_ok=True)
        command = [
            production_python(),
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(config.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            self.ACCESS_FORMAT,
            "--error-logfile",
            str(self.error_log),
            "--chdir",
            str(ROOT),
        ]
        self.process = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                fail(f"gunicorn stopped (exit {self.process.returncode}); see {self.error_log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        fail(f"gunicorn did not answer within {timeout:.0f} s; see {self.error_log}")

    def get(self, path: str, headers: dict, name: str = "warmup") -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
            f"{self.url}{path}", headers={HEADER: name, **headers}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def worker_rss(self) -> dict[int, dict]:
        """VmRSS, VmHWM (peak) and PSS (shared pages divided among their users) of each worker,
        from /proc."""
        workers = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if fields.get("PPid", "").strip() == str(self.process.pid):
                workers[int(entry.name)] = {
                    "rss_mb": kib_to_mb(fields["VmRSS"]),
                    "peak_mb": kib_to_mb(fields["VmHWM"]),
                    "pss_mb": pss(entry),
                }
        return workers

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def kib_to_mb(value: str) -> float:
    return round(int(value.split()[0]) / 1024, 1)


def pss(process: Path) -> float | None:
    try:
        rollup = (process / "smaps_rollup").read_text()
    except OSError:
        return None
    found = re.search(r"^Pss:\s+(\d+) kB", rollup, flags=re.MULTILINE)
    return kib_to_mb(found.group(1)) if found else None


def directory_page2(server: Server) -> str:
    status, body = server.get("/directory/", {})
    link = re.search(r'rel="next"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*rel="next"', body)
    if status != 200 or not link:
        fail("the member directory has no second page to load (is the data set too small?)")
    query = html.unescape(link.group(1) or link.group(2))
    return f"/directory/{query}" if query.startswith("?") else query


def warm_up(server: Server, endpoints: list[Endpoint], workers: int) -> None:
    """A few requests per endpoint (both workers load their caches and jieba's dictionary), the
    cursor of page 2, and a clear error when an endpoint does not answer 200."""
    page2 = next((endpoint for endpoint in endpoints if endpoint.name == "directory_page2"), None)
    if page2 is not None:
        page2.paths = [directory_page2(server)]
    # Concurrent requests, so that every worker gets its share (sequential ones may all land on
    # the same worker, leaving the other to load jieba during the measurement).
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        for endpoint in (endpoint for endpoint in endpoints if not endpoint.once):
            paths = [
                endpoint.paths[i % len(endpoint.paths)] for i in range(WARMUP_REQUESTS * workers)
            ]
            answers = pool.map(
                lambda path, e=endpoint: (path, server.get(path, e.headers)[0]), paths
            )
            for path, status in answers:
                if status != 200:
                    fail(f"{endpoint.label}: GET {path} answered {status} during warm-up")


def load(server: Server, endpoint: Endpoint, config: Config, plan: Path, raw: Path) -> None:
    """One locust process, headless, for BENCH_SECONDS against this endpoint only."""
    timings = raw / f"{endpoint.name}.timings.json"
    stats = raw / f"{endpoint.name}.locust"
    run_time = max(config.seconds, ONCE_SECONDS) if endpoint.once else config.seconds
    env = {
        **os.environ,
        "BENCH_PLAN": str(plan),
        "BENCH_ENDPOINT": endpoint.name,
        "BENCH_TIMINGS": str(timings),
    }
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(BENCH / "locustfile.py"),
        "--headless",
        "--users",
        str(config.users),
        "--spawn-rate",
        str(config.users),
        "--run-time",
        f"{run_time}s",
        "--host",
        server.url,
        "--stop-timeout",  # let requests in flight at the end finish rather than cut them
        "10",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--json-file",
        str(stats),
    ]
    result = subprocess.run(  # noqa: S603
        command, env=env, cwd=BENCH, capture_output=True, text=True, timeout=run_time + 120
    )
    (raw / f"{endpoint.name}.locust.log").write_text(result.stdout + result.stderr)
    try:
        summary = json.loads(stats.with_suffix(".locust.json").read_text())
        times = json.loads(timings.read_text())
    except (OSError, ValueError):
        endpoint.errors.append(f"locust produced no results: {result.stderr[-2000:]}")
        endpoint.failures = 1
        return
    endpoint.failures = sum(row["num_failures"] for row in summary)
    endpoint.requests = len(times) + endpoint.failures
    if endpoint.failures:
        endpoint.errors.append(f"{endpoint.failures} failed requests: {result.stderr[-1000:]}")
    if not times:
        endpoint.errors.append(f"no request answered; see {raw}/{endpoint.name}.locust.log")
    else:
        ms = sorted(time_ms for _end, time_ms in times)
        endpoint.client_p50_ms = round(percentile(ms, 50), 2)
        endpoint.client_p95_ms = round(percentile(ms, 95), 2)
        first = min(end - time_ms / 1000 for end, time_ms in times)
        last = max(end for end, _time_ms in times)
        endpoint.rps = round(len(times) / max(last - first, 1e-6), 1)
        if endpoint.kind == "baseline":
            endpoint.baseline_loads.append(endpoint.rps)


def schedule(endpoints: list[Endpoint]) -> list[Endpoint]:
    """The order of the loads: the baseline first, again after every BASELINE_EVERY endpoints,
    and last. The machine's speed drifts during a run (on a shared VM the baseline's rate was
    seen to move by 40% between runs), so each endpoint is compared with the baseline measured
    around it rather than with one load at the end."""
    baseline = next(endpoint for endpoint in endpoints if endpoint.kind == "baseline")
    others = [endpoint for endpoint in endpoints if endpoint is not baseline]
    order = [baseline]
    for start in range(0, len(others), BASELINE_EVERY):
        order += [*others[start : start + BASELINE_EVERY], baseline]
    return order


def compare_to_baseline(endpoints: list[Endpoint]) -> None:
    """Each endpoint's ratio to the mean of the baseline loads just before and after it (see
    ``schedule``); the baseline's own rate is the median of its loads."""
    baseline = next(endpoint for endpoint in endpoints if endpoint.kind == "baseline")
    loads = baseline.baseline_loads
    others = [endpoint for endpoint in endpoints if endpoint is not baseline]
    for index, endpoint in enumerate(others):
        block = index // BASELINE_EVERY
        around = [rate for rate in loads[block : block + 2] if rate]
        endpoint.baseline_rps = round(statistics.mean(around), 1) if around else None
        if endpoint.baseline_rps:
            endpoint.ratio = round(endpoint.rps / endpoint.baseline_rps, 3)
    if loads:
        baseline.rps = round(statistics.median(loads), 1)
        baseline.ratio = 1.0


def baseline_rate(endpoints: list[Endpoint]) -> float | None:
    return next(endpoint.rps for endpoint in endpoints if endpoint.kind == "baseline") or None


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def read_access_log(server: Server, endpoints: list[Endpoint]) -> None:
    times: dict[str, list[int]] = {}
    statuses: dict[str, dict[str, int]] = {}
    for line in server.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        name, status, micros = parts[0], parts[1], parts[2]
        counts = statuses.setdefault(name, {})
        counts[status] = counts.get(status, 0) + 1
        if status == "200" and micros.isdigit():
            times.setdefault(name, []).append(int(micros))
    for endpoint in endpoints:
        endpoint.server_statuses = statuses.get(endpoint.name, {})
        values = sorted(times.get(endpoint.name, []))
        if values:
            endpoint.server_p50_ms = round(percentile(values, 50) / 1000, 2)
            endpoint.server_p95_ms = round(percentile(values, 95) / 1000, 2)


# --- Queries per page -----------------------------------------------------------------------------


def count_queries(endpoints: list[Endpoint]) -> None:
    """SQL queries per request, in this process against the same database, each page asked
    once before it is counted (the reference data it names is then cached, as in the warm
    server); several pages where the endpoint has several."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    for endpoint in endpoints:
        client = Client(HTTP_HOST="127.0.0.1", headers=endpoint.headers)
        for path in endpoint.paths[:QUERY_SAMPLES]:
            client.get(path)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                endpoint.errors.append(f"query count: GET {path} answered {response.status_code}")
            endpoint.queries.append(len(captured))


# --- Results --------------------------------------------------------------------------------------


def targets(endpoints: list[Endpoint], workers: dict) -> list[dict]:
    results = []
    for endpoint in endpoints:
        if endpoint.target_ms is not None:
            value = endpoint.server_p95_ms
            results.append(
                {
                    "target": f"{endpoint.label}: p95 server-side ≤ {endpoint.target_ms} ms",
                    "value": value,
                    "met": value is not None and value <= endpoint.target_ms,
                }
            )
    for endpoint in endpoints:
        if endpoint.min_ratio is not None:
            results.append(
                {
                    "target": f"{endpoint.label}: ≥ {endpoint.min_ratio}× the one-query baseline",
                    "value": endpoint.ratio,
                    "met": endpoint.ratio is not None and endpoint.ratio >= endpoint.min_ratio,
                }
            )
    by_name = {endpoint.name: endpoint for endpoint in endpoints}
    deep, first = by_name.get("forum_thread_deep"), by_name.get("forum_thread_long_first")
    if deep and first and deep.server_p95_ms is not None and first.server_p95_ms is not None:
        results.append(
            {
                "target": "a page deep in a long thread as fast as its first page "
                f"(p95 within {DEEP_PAGE_SLACK}× + 1 ms)",
                "value": f"{deep.server_p95_ms} ms deep, {first.server_p95_ms} ms first",
                "met": deep.server_p95_ms <= first.server_p95_ms * DEEP_PAGE_SLACK + 1,
            }
        )
    worst = max(endpoints, key=lambda endpoint: max(endpoint.queries, default=0))
    # A mix of searches may take a counting query more or less (exact or estimated counts).
    varying = [e.label for e in endpoints if len(set(e.queries)) > 1 and not e.once]
    results.append(
        {
            "target": f"queries per page fixed and ≤ {MAX_QUERIES}",
            "value": f"max {max(worst.queries, default=0)} ({worst.label})"
            + (f"; varies: {', '.join(varying)}" if varying else ""),
            "met": max(worst.queries, default=0) <= MAX_QUERIES and not varying,
        }
    )
    largest = max((worker["rss_mb"] for worker in workers.values()), default=None)
    results.append(
        {
            "target": f"gunicorn worker RSS ≤ {MAX_WORKER_RSS_MB} MB",
            "value": largest,
            "met": largest is not None and largest <= MAX_WORKER_RSS_MB,
        }
    )
    return results


def git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except OSError:
        return None
    return result.stdout.strip() or None


def machine() -> dict:
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory_gib": memory, "python": host.python_version()}


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def markdown(report: dict) -> str:
    meta = report["meta"]
    lines = [
        "# KnowBridge benchmark",
        "",
        f"{meta['date']} · commit {meta['commit'] or '?'} · {meta['machine']['cpus']} CPUs, "
        f"{meta['machine']['memory_gib']} GiB · PostgreSQL database `{meta['database']}` with "
        f"{meta['members']:,} members and {meta['organisations']:,} organisations · gunicorn "
        f"{meta['workers']} {meta['worker_class']} workers · locust {meta['users']} users, "
        f"{meta['seconds']} s per endpoint, no think time · load average at start "
        f"{meta['load_average_at_start']}.",
        "",
        "Server-side times are gunicorn's own (`%(D)s`, µs, queueing excluded); client-side times "
        "are locust's. Pages are loaded anonymously unless marked signed in; API lists anonymously "
        "where the API allows it, with a token otherwise. Queries: SQL queries per request "
        "(several pages sampled where the endpoint has several).",
        "",
        "| endpoint | p50 server (ms) | p95 server (ms) | p95 client (ms) | req/s | × one-query "
        "| queries | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in report["endpoints"]:
        target = ""
        if row["target_ms"] is not None:
            met = row["server_p95_ms"] is not None and row["server_p95_ms"] <= row["target_ms"]
            target = f"≤ {row['target_ms']} ms {'met' if met else '**missed**'}"
        queries = "/".join(str(count) for count in dict.fromkeys(row["queries"])) or "–"
        failures = f" ({row['failures']} failed)" if row["failures"] else ""
        lines.append(
            f"| {row['label']}{failures} | {fmt(row['server_p50_ms'])} | "
            f"{fmt(row['server_p95_ms'])} | {fmt(row['client_p95_ms'])} | {fmt(row['rps'])} | "
            f"{fmt(row['ratio'], 2)} | {queries} | {target} |"
        )
    baseline = next((row for row in report["endpoints"] if row["kind"] == "baseline"), None)
    if baseline and baseline["baseline_loads"]:
        rates = ", ".join(fmt(rate) for rate in baseline["baseline_loads"])
        lines += [
            "",
            f"The one-query baseline was loaded {len(baseline['baseline_loads'])} times "
            f"({rates} req/s; its row shows the median), before the first endpoint and after "
            f"every {BASELINE_EVERY}: each ratio is to the mean of the loads just before and "
            "after the endpoint.",
        ]
    lines += ["", "## Targets", ""]
    for target in report["targets"]:
        value = target["value"]
        value = fmt(value) if isinstance(value, float | int) else value
        lines.append(f"- {'met' if target['met'] else '**missed**'}: {target['target']} — {value}")
    if report.get("load"):
        lines += load_run.markdown(report["load"])
    if report.get("digests"):
        lines += digest_throughput.markdown(report["digests"])
    lines += ["", "## gunicorn workers", ""]
    for pid, worker in report["workers"].items():
        lines.append(
            f"- pid {pid}: RSS {worker['rss_mb']} MB (peak {worker['peak_mb']} MB, "
            f"PSS {worker['pss_mb']} MB)"
        )
    if report.get("seed"):
        lines += ["", "## seed_scale (this run)", ""]
        for name, seconds in report["seed"]["phases_s"].items():
            lines.append(f"- {name}: {seconds:.1f} s")
        lines.append(f"- total: {report['seed']['total_s']} s")
    lines += ["", "![p95 per endpoint](latest-p95.svg)", ""]
    return "\n".join(lines)


def svg_chart(report: dict) -> str:
    """Horizontal bars of p95 server-side and client-side per endpoint on a logarithmic scale
    (1 ms to the slowest), with the two latency targets."""
    rows = report["endpoints"]
    label_width, bar_width, row_height, top = 290, 520, 34, 46
    values = [v for row in rows for v in (row["server_p95_ms"], row["client_p95_ms"]) if v]
    low = 1.0
    high = 10 ** math.ceil(math.log10(max([*values, DIRECTORY_P95_MS * 2])))
    height = top + row_height * len(rows) + 40

    def x(value: float) -> float:
        share = (math.log10(max(value, low)) - math.log10(low)) / (math.log10(high / low))
        return label_width + bar_width * share

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 90}" '
        f'height="{height}" font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="#fff"/>',
        '<text x="10" y="20" font-size="15" font-weight="bold">p95 per endpoint (ms, log)</text>',
        '<rect x="300" y="10" width="12" height="12" fill="#1f5fa8"/>'
        '<text x="316" y="21">server-side</text>'
        '<rect x="400" y="10" width="12" height="12" fill="#9bbbe0"/>'
        '<text x="416" y="21">client-side</text>',
    ]
    tick = low
    while tick <= high:
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 8}" x2="{x(tick):.1f}" y2="{height - 30}" '
            f'stroke="#ddd"/><text x="{x(tick):.1f}" y="{height - 16}" text-anchor="middle" '
            f'fill="#555">{tick:g}</text>'
        )
        tick *= 10
    for target, y in ((PROFILE_P95_MS, height - 32), (DIRECTORY_P95_MS, top - 10)):
        parts.append(
            f'<line x1="{x(target):.1f}" y1="{top - 8}" x2="{x(target):.1f}" '
            f'y2="{height - 30}" stroke="#c0392b" stroke-dasharray="4 3"/>'
            f'<text x="{x(target) + 3:.1f}" y="{y}" fill="#c0392b" font-size="10">'
            f"{target} ms</text>"
        )
    for index, row in enumerate(rows):
        y = top + index * row_height
        label = html.escape(row["label"])
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end">{label}</text>')
        for offset, key, colour in (
            (2, "server_p95_ms", "#1f5fa8"),
            (16, "client_p95_ms", "#9bbbe0"),
        ):
            value = row[key]
            if value is None:
                continue
            width = max(x(value) - label_width, 1)
            parts.append(
                f'<rect x="{label_width}" y="{y + offset}" width="{width:.1f}" height="12" '
                f'fill="{colour}"/><text x="{x(value) + 4:.1f}" y="{y + offset + 10}" '
                f'font-size="10">{value:.1f}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def write_results(config: Config, report: dict) -> None:
    config.results.mkdir(parents=True, exist_ok=True)
    (config.results / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (config.results / "latest.md").write_text(markdown(report), encoding="utf-8")
    (config.results / "latest-p95.svg").write_text(svg_chart(report), encoding="utf-8")
    load_chart = load_run.svg_chart(report.get("load"))
    if load_chart:
        (config.results / "latest-load.svg").write_text(load_chart, encoding="utf-8")


# --- Main -----------------------------------------------------------------------------------------


def main() -> int:
    started = time.monotonic()
    config = Config.from_env()
    load_at_start = round(os.getloadavg()[0], 2)
    if load_at_start > 0.5:
        say(f"the machine is busy (load average {load_at_start}): figures will be noisy")
    prepare_database(config)
    env = server_environment(config)
    os.environ.update(env)
    setup_django()

    from django.core.management import call_command

    say("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    seed = ensure_dataset(config)
    say("vacuuming (what earlier runs changed would slow this one)")
    digest_throughput.vacuum()
    endpoints, viewer = plan_endpoints(config)
    if config.only:
        endpoints = [e for e in endpoints if e.kind == "baseline" or e.name in config.only]
    raw = config.results / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    plan = raw / "plan.json"

    say(f"starting gunicorn ({config.workers} sync workers)")
    server = Server(config, raw, {**os.environ, **env})
    try:
        server.wait_ready()
        say("warming up")
        warm_up(server, endpoints, config.workers)
        plan.write_text(
            json.dumps({"endpoints": [asdict(e) for e in endpoints]}, ensure_ascii=False)
        )
        loads = schedule(endpoints)
        for number, endpoint in enumerate(loads, 1):
            length = f"{len(endpoint.paths)} requests" if endpoint.once else f"{config.seconds} s"
            say(f"[{number}/{len(loads)}] {endpoint.label}: {length}")
            load(server, endpoint, config, plan, raw)
        workers = server.worker_rss()
    finally:
        server.stop()
    busy_morning = None
    if not config.only or "load" in config.only:
        say("load run: drawing its pages from the data")
        busy_morning = load_run.run(
            plan=load_mix(config),
            env={**os.environ, **env},
            visitors=config.load_visitors,
            seconds=config.load_seconds,
            workers=config.load_workers,
            start_server=lambda run_env: Server(
                replace(config, workers=config.load_workers), raw / "load", run_env
            ),
            raw=raw / "load",
            say=say,
        )
    digest_runs = []
    if not config.only or "digests" in config.only:
        digest_runs = digest_throughput.run_all(
            python=production_python(),
            env={**os.environ, **env},
            raw=raw,
            say=say,
            free_port=free_port,
            members=config.digests,
        )
    read_access_log(server, endpoints)
    say("counting queries")
    count_queries(endpoints)

    compare_to_baseline(endpoints)
    report = {
        "meta": {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "machine": machine(),
            "database": urllib.parse.urlsplit(config.database_url).path.lstrip("/"),
            "members": config.members,
            "organisations": config.organisations,
            "seconds": config.seconds,
            "users": config.users,
            "workers": config.workers,
            "worker_class": "sync",
            "cache": os.environ.get("CACHE_URL") or "locmem (per worker)",
            "duration_s": round(time.monotonic() - started, 1),
            "load_average_at_start": load_at_start,
            **viewer,
        },
        "endpoints": [
            {key: value for key, value in asdict(endpoint).items() if key not in ("headers",)}
            for endpoint in endpoints
        ],
        "workers": {str(pid): worker for pid, worker in workers.items()},
        "seed": seed,
        "digests": digest_throughput.as_dict(digest_runs),
        "load": load_run.as_dict(busy_morning, baseline_rps=baseline_rate(endpoints)),
    }
    report["targets"] = (
        targets(endpoints, workers)
        + load_run.targets(busy_morning)
        + digest_throughput.targets(digest_runs)
    )
    for row in report["endpoints"]:  # a sample of the paths is enough in the report
        row["paths"] = row["paths"][:3]
    write_results(config, report)
    print()
    print(markdown(report))
    say(f"results in {config.results}: latest.json, latest.md and the charts (latest-*.svg)")

    problems = [error for endpoint in endpoints for error in endpoint.errors]
    for problem in problems:
        say(f"problem: {problem}")
    if problems:
        return 1
    if config.strict and not all(target["met"] for target in report["targets"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
