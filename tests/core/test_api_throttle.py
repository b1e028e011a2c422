"""The API's anonymous rate limit counts per client, and a client cannot escape it by writing an
X-Forwarded-For header of its own."""

import pytest
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = int(api_settings.DEFAULT_THROTTLE_RATES["anon"].split("/")[0])


def call(api, forwarded_for: str):
    return api.get("/api/v1/sectors/", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_a_forged_forwarded_for_does_not_escape_the_limit():
    api = APIClient()
    answers = [call(api, f"198.51.100.{n % 250}").status_code for n in range(LIMIT + 1)]
    assert answers[:LIMIT] == [200] * LIMIT
    assert answers[LIMIT] == 429


def test_behind_the_proxy_each_client_has_its_own_limit(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = APIClient()
    for _ in range(LIMIT):
        assert call(api, "198.51.100.7, 203.0.113.5").status_code == 200
    assert call(api, "198.51.100.8, 203.0.113.5").status_code == 429  # the proxy saw .5 again
    assert call(api, "203.0.113.6").status_code == 200
