"""The visitors of the load run (bench/load_run.py): each clicks through the mix of pages with a
pause between clicks, from an address of its own; some are signed in.

The plan (BENCH_LOAD_PLAN, JSON) gives each kind of page its weight and its paths; each kind's
paths are asked in turn, each once until they run out, whichever visitor clicks. Every request
carries an ``X-Bench-Endpoint`` header naming its kind, which gunicorn's access log records next
to the time it spent. Each request's client-side time, kind and error are written to
BENCH_TIMINGS when locust stops.
"""

import itertools
import json
import os
import random
import time
from pathlib import Path

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
KINDS = list(PLAN["kinds"])
WEIGHTS = [PLAN["kinds"][kind]["weight"] for kind in KINDS]
PATHS = {kind: itertools.cycle(PLAN["kinds"][kind]["paths"]) for kind in KINDS}
SESSIONS = PLAN["sessions"]  # Cookie headers of signed-in members
VISITOR_NUMBERS = itertools.count()
TIMINGS: list[tuple[float, float, str, str | None]] = []  # (end, ms, kind, error)


class Visitor(FastHttpUser):
    wait_time = between(*PLAN["wait_s"])

    def on_start(self):
        number = next(VISITOR_NUMBERS)
        # The server believes one proxy's X-Forwarded-For: each visitor is a client of its own
        # to the API's throttles, as 100 people on 100 connections would be.
        self.own_headers = {"X-Forwarded-For": f"10.{number // 250}.{number % 250 + 1}.7"}
        if SESSIONS and number % PLAN["signed_in_every"] == 0:
            self.own_headers["Cookie"] = SESSIONS[number // PLAN["signed_in_every"] % len(SESSIONS)]

    @task
    def click(self):
        kind = random.choices(KINDS, WEIGHTS)[0]  # noqa: S311 - choosing pages, not secrets
        path = next(PATHS[kind])
        with self.client.get(
            path,
            name=kind,
            headers={"X-Bench-Endpoint": kind, **self.own_headers},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")


@events.request.add_listener
def record(name, response_time, exception, **kwargs):
    TIMINGS.append((time.time(), response_time, name, str(exception) if exception else None))


@events.quitting.add_listener
def write_timings(environment, **kwargs):
    with open(os.environ["BENCH_TIMINGS"], "w", encoding="utf-8") as output:
        json.dump(TIMINGS, output)
