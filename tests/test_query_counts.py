"""Every page and API endpoint costs a fixed number of queries, whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]
MEMBER_PAGES = ["/", "/members/api-token/", "/accounts/email/", "/accounts/2fa/"]
MAX_QUERIES = 12


def queries_for(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, path
    return len(captured)


def grow_data(count: int) -> None:
    for member in UserFactory.create_batch(count):
        Token.objects.create(user=member)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages(client, path):
    small = queries_for(client, path)
    grow_data(30)
    assert queries_for(client, path) == small <= MAX_QUERIES


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages(client, member, path):
    client.force_login(member)
    small = queries_for(client, path)
    grow_data(30)
    assert queries_for(client, path) == small <= MAX_QUERIES


def test_account_api(client, member):
    token = Token.objects.create(user=member)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    small = queries_for(client, "/api/v1/account/", **auth)
    grow_data(30)
    assert queries_for(client, "/api/v1/account/", **auth) == small <= MAX_QUERIES
