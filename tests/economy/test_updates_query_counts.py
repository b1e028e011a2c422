"""The economy update pages, feed and API cost a fixed number of queries, whatever the number of
updates and of their sectors and city-regions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.economy.factories import draft, editor, imported, published, region, scheduled, sector
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db
MAX_QUERIES = 14  # a staff page: the session, the account, its authenticator, its permissions

PUBLIC = [
    "/economy/",
    "/economy/?sector=automotive&region=shenzhen&language=en&q=fees",
    "/economy/feed/",
    "/economy/feed/?sector=automotive",
    "/api/v1/economy-updates/",
    "/api/v1/economy-updates/?sector=automotive&region=shenzhen&language=en&q=fees",
]
EDITORS = [
    "/economy/desk/",
    "/economy/desk/?tab=review",
    "/economy/desk/?tab=scheduled",
    "/api/v1/economy-updates/desk/",
    "/api/v1/economy-updates/desk/?tab=review",
]


def grow(count: int, author) -> None:
    for _ in range(count):
        shared = {
            "sectors": [sector("automotive"), sector("mining-energy")],
            "city_regions": [region("shenzhen"), region("toronto")],
        }
        published(author, **shared)
        draft(author, **shared)
        scheduled(author, **shared)
        imported(sectors=shared["sectors"])


def queries_for(client, path: str, **headers) -> int:
    client.get(path, **headers)  # warm the caches (reference data, the viewer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


@pytest.mark.parametrize("viewer", ["anonymous", "member", "token", "editor"])
def test_public_pages_feed_and_api_cost_the_same_at_two_sizes(client, viewer):
    author = editor()
    headers = {}
    if viewer in ("member", "editor"):
        client.force_login(UserFactory() if viewer == "member" else author)
    if viewer == "token":
        headers = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=UserFactory()).key}"}
    grow(2, author)
    one = published(author, sectors=[sector("automotive")], city_regions=[region("shenzhen")])
    paths = [*PUBLIC, one.get_absolute_url(), f"/api/v1/economy-updates/{one.pk}/"]
    small = {path: queries_for(client, path, **headers) for path in paths}
    grow(25, author)
    large = {path: queries_for(client, path, **headers) for path in paths}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
    rows = client.get("/api/v1/economy-updates/?sector=automotive", **headers).json()["results"]
    assert len(rows) == 20  # a full page, each with its sectors and city-regions
    assert all(len(row["city_regions"]) == 2 for row in rows)


def test_the_editors_desk_costs_the_same_at_two_sizes(client):
    author = editor()
    client.force_login(author)
    grow(2, author)
    small = {path: queries_for(client, path) for path in EDITORS}
    grow(25, author)
    large = {path: queries_for(client, path) for path in EDITORS}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
