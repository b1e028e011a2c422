"""The notifications API: a member's own notifications only, read and settings alike."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification, Preference
from tests.members.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.fixture
def api(member):
    client = APIClient()
    client.force_authenticate(member)
    return client


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications/"),
        ("post", "/api/v1/notifications/read/"),
        ("get", "/api/v1/notification-settings/"),
        ("put", "/api/v1/notification-settings/"),
    ],
)
def test_visitors_get_401(method, path):
    assert getattr(APIClient(), method)(path, {}, format="json").status_code == 401


def test_the_list_is_the_callers_own_newest_first(api, member, reply_kind):
    older = NotificationFactory(recipient=member, subject="Older")
    newer = NotificationFactory(recipient=member, subject="Newer", read_at=timezone.now())
    NotificationFactory(subject="Someone else's")
    body = api.get("/api/v1/notifications/").json()
    assert [item["id"] for item in body["results"]] == [newer.pk, older.pk]
    assert body["next"] is None
    item = body["results"][1]
    assert item["text"] == f"{older.actor.display_name} replied in “Older”"
    assert item["actor_name"] == older.actor.display_name
    assert item["url"] == older.url
    assert item["read_at"] is None
    assert item["kind"] == "test_reply"


def test_the_unread_filter(api, member):
    unread = NotificationFactory(recipient=member)
    read = NotificationFactory(recipient=member, read_at=timezone.now())
    ids = {
        value: [
            item["id"]
            for item in api.get(f"/api/v1/notifications/?unread={value}").json()["results"]
        ]
        for value in ("true", "false")
    }
    assert ids == {"true": [unread.pk], "false": [read.pk]}
    response = api.get("/api/v1/notifications/?unread=yes")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "unread"


def test_the_list_pages_by_cursor(api, member):
    NotificationFactory.create_batch(32, recipient=member, actor=None)
    first = api.get("/api/v1/notifications/?unread=true").json()
    assert len(first["results"]) == 30
    assert "unread=true" in first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2
    assert second["next"] is None


def test_marking_ids_read_ignores_other_members_notifications(api, member):
    mine = NotificationFactory.create_batch(2, recipient=member)
    theirs = NotificationFactory()
    # Ids start at 1 (on SQLite a fresh table's ids are small): 0 would be refused as input.
    walked = [pk for pk in range(max(1, theirs.pk - 5), theirs.pk + 5) if pk != mine[1].pk]
    response = api.post("/api/v1/notifications/read/", {"ids": [mine[0].pk, *walked]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 1


def test_marking_all_read(api, member):
    NotificationFactory.create_batch(3, recipient=member)
    theirs = NotificationFactory()
    assert api.post("/api/v1/notifications/read/", {"all": True}).json() == {"marked": 3}
    assert api.post("/api/v1/notifications/read/", {"all": True}).json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    "body",
    [
        {"ids": "1"},
        {"ids": [0]},
        {"ids": [2**63]},
        {"ids": ["a"]},
        {"ids": ["5"]},
        {"ids": [True]},
        {"all": 1},
        {"all": "true"},
        {"ids": list(range(1, 1003))},
        {"all": "maybe"},
    ],
)
def test_marking_refuses_bad_input(api, body):
    response = api.post("/api/v1/notifications/read/", body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"].split(".")[0] in {"ids", "all"}


def test_settings_read_and_change(api, member, reply_kind, quiet_kind):
    assert api.get("/api/v1/notification-settings/").json() == [
        {"key": "test_reply", "label": "Replies to threads you follow", "delivery": "email"},
        {"key": "test_mention", "label": "Mentions", "delivery": "in_app"},
    ]
    response = api.put("/api/v1/notification-settings/", {"test_reply": "off", "other": "x"})
    assert response.status_code == 200
    assert [row["delivery"] for row in response.json()] == ["off", "in_app"]
    assert Preference.objects.get(member=member).kind == "test_reply"


def test_settings_refuse_an_unknown_delivery(api, member, reply_kind):
    response = api.put("/api/v1/notification-settings/", {"test_reply": "loud"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "test_reply"
    assert not Preference.objects.exists()


def count(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_the_api_does_not_grow_with_data(member, reply_kind):
    client = APIClient()
    client.force_login(member)
    paths = ["/api/v1/notifications/", "/api/v1/notification-settings/"]
    NotificationFactory(recipient=member)
    small = {path: count(client, path) for path in paths}
    for _ in range(3):
        NotificationFactory.create_batch(10, recipient=member, actor=UserFactory())
    large = {path: count(client, path) for path in paths}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
