"""The load of `make bench`: one endpoint per locust run, as fast as the server answers.

bench/run.py writes the plan (BENCH_PLAN, JSON) and names the endpoint (BENCH_ENDPOINT). Every
request carries an ``X-Bench-Endpoint`` header, which gunicorn's access log records next to the
time it spent on the request, so that server-side and client-side figures are matched exactly.
Each request's client-side time is written to BENCH_TIMINGS when locust stops.
"""

import json
import os
import random
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))
ENDPOINT = next(e for e in PLAN["endpoints"] if e["name"] == os.environ["BENCH_ENDPOINT"])
HEADERS = {"X-Bench-Endpoint": ENDPOINT["name"], **ENDPOINT.get("headers", {})}
TIMINGS: list[tuple[float, float]] = []  # (end time, response time in ms) of each success
# A cold mix asks each of its paths once, in turn, whichever user is free; a steady endpoint
# asks its paths again and again.
UNASKED = list(reversed(ENDPOINT["paths"])) if ENDPOINT.get("once") else None


class Visitor(FastHttpUser):
    wait_time = constant(0)  # closed loop: the next request leaves when the last one is answered

    @task
    def load(self):
        if UNASKED is None:
            path = random.choice(ENDPOINT["paths"])  # noqa: S311 - choosing pages, not secrets
        elif UNASKED:
            path = UNASKED.pop()
        else:  # every path asked: stop the run (from outside this user, which quit() stops too)
            gevent.spawn(self.environment.runner.quit)
            raise StopUser

        with self.client.get(
            path,
            name=ENDPOINT["name"],
            headers=HEADERS,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {path}")


@events.request.add_listener
def record(response_time, exception, **kwargs):
    if exception is None:
        TIMINGS.append((time.time(), response_time))


@events.quitting.add_listener
def write_timings(environment, **kwargs):
    with open(os.environ["BENCH_TIMINGS"], "w", encoding="utf-8") as output:
        json.dump(TIMINGS, output)
