"""Readiness checks: can this instance reach what it needs to serve requests?"""

import uuid

from celery import current_app
from django.core.cache import cache, caches
from django.db import connection

from core.cache import ResilientRedisCache

BROKER_TIMEOUT_SECONDS = 2


def database_ready() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def cache_ready() -> None:
    if isinstance(caches["default"], ResilientRedisCache):
        caches["default"].ping()  # the round trip below would pass in the fallback's memory
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def broker_ready() -> None:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


CHECKS = {"database": database_ready, "cache": cache_ready, "broker": broker_ready}


def run_checks() -> dict[str, str]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            results[name] = f"error: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results
