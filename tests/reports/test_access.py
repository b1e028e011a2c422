"""Who reads the reports, per role: pages and exports answer visitors with the log-in page and
members without the permission 403; the API answers 401 and 403; Administrators (through their
group's permission) and superusers read everything."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from reports.access import can_view_reports
from tests.reports.factories import READERS, ROLES, administrator, person

pytestmark = pytest.mark.django_db

PAGES = [
    "/reports/",
    "/reports/?from=2026-03-01&to=2026-03-31",
    "/reports/export/members-by-sector.csv",
    "/reports/network.csv",
    "/reports/network.graphml?sector=automotive",
]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_the_reports(role):
    viewer = person(role) or AnonymousUser()
    assert can_view_reports(viewer) == (role in READERS)


def test_an_inactive_administrator_may_not():
    assert not can_view_reports(administrator(is_active=False))


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_exports_per_role(client, role, path):
    viewer = person(role)
    if viewer:
        client.force_login(viewer)
    response = client.get(path)
    expected = 200 if role in READERS else 302 if role == "anonymous" else 403
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ROLES)
def test_the_api_per_role(client, role):
    viewer = person(role)
    headers = {}
    if viewer:
        headers["Authorization"] = f"Token {Token.objects.create(user=viewer).key}"
    response = client.get("/api/v1/reports/", headers=headers)
    expected = 200 if role in READERS else 401 if role == "anonymous" else 403
    assert response.status_code == expected
