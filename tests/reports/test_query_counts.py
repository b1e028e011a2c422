"""The dashboard, its exports and the API cost the same number of queries for a small world and
for one several times larger: every figure is aggregated in the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.reports.factories import MARCH, administrator, build_world

pytestmark = pytest.mark.django_db

RANGE = f"from={MARCH.start}&to={MARCH.end}"
PATHS = [
    f"/reports/?{RANGE}",
    f"/reports/?{RANGE}&sector=automotive",
    f"/reports/export/members-by-sector.csv?{RANGE}",
    f"/reports/export/requests-by-corridor.csv?{RANGE}",
    f"/reports/export/moderation-actions.csv?{RANGE}",
    f"/reports/network.csv?{RANGE}",
    f"/reports/network.graphml?{RANGE}&sector=automotive",
    f"/api/v1/reports/?{RANGE}",
]
MAX_QUERIES = 12


def count(client, path: str) -> int:
    client.get(path)  # the reference data's names are cached from then on
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_report_pages_exports_and_api_do_not_grow_with_data(client):
    admin = administrator()
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {Token.objects.create(user=admin).key}"
    client.force_login(admin)
    build_world()
    small = {path: count(client, path) for path in PATHS}
    for _ in range(3):
        build_world()
    large = {path: count(client, path) for path in PATHS}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
