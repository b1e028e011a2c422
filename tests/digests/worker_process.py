"""A Celery worker for the digest tests, in a process of its own (as on another machine).

Redis gives a dead worker's unacknowledged tasks back once their visibility timeout has passed:
an hour in production, ``DIGEST_TEST_VISIBILITY`` seconds here, swept every second."""

import os
import sys

from config.celery_app import app

app.conf.broker_transport_options = {
    "visibility_timeout": float(os.environ.get("DIGEST_TEST_VISIBILITY", "3600")),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
