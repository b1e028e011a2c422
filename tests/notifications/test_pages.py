"""The notifications pages and the bell, as a member and a visitor see them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Notification, Preference
from tests.members.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.mark.parametrize("path", ["/notifications/", "/notifications/settings/"])
def test_visitors_are_asked_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_list_shows_the_members_own_notifications_newest_first(client, member, reply_kind):
    older = NotificationFactory(recipient=member, subject="Older thread")
    newer = NotificationFactory(recipient=member, subject="Newer thread", read_at=timezone.now())
    NotificationFactory(subject="Someone else's thread")
    client.force_login(member)
    page = client.get("/notifications/").content.decode()
    assert page.index(newer.actor.display_name) < page.index(older.actor.display_name)
    assert f"{older.actor.display_name} replied in “Older thread”" in page
    assert "Someone else" not in page
    assert page.count("is-unread") == 1
    assert page.count("Unread:") == 1
    assert "Mark all as read" in page


def test_the_list_pages_by_cursor(client, member, reply_kind):
    NotificationFactory.create_batch(35, recipient=member)
    client.force_login(member)
    first = client.get("/notifications/")
    cursor = first.context["page"].next_cursor
    assert cursor
    assert len(first.context["page"].items) == 30
    second = client.get("/notifications/", {"cursor": cursor})
    assert len(second.context["page"].items) == 5
    assert second.context["page"].next_cursor is None
    assert client.get("/notifications/", {"cursor": "forged"}).status_code == 200


def test_an_empty_list_says_so(client, member):
    client.force_login(member)
    assert "You have no notifications yet" in client.get("/notifications/").content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_it(client, member):
    notification = NotificationFactory(recipient=member, url="/forums/t/7/?after=3")
    client.force_login(member)
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/forums/t/7/?after=3"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_a_link_off_the_site_is_never_followed(client, member, url):
    notification = NotificationFactory(recipient=member, url=url)  # written around notify
    client.force_login(member)
    response = client.post(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_a_member_cannot_open_or_read_anothers_notifications(client, member):
    theirs = NotificationFactory()
    mine = NotificationFactory(recipient=member)
    client.force_login(member)
    for walked in range(mine.pk - 3, mine.pk + 4):
        if walked == mine.pk:
            continue
        assert client.post(f"/notifications/{walked}/open/").status_code == 404
    assert client.post(f"/notifications/{2**70}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_needs_a_post(client, member):
    notification = NotificationFactory(recipient=member)
    client.force_login(member)
    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 405


def test_mark_all_as_read(client, member):
    NotificationFactory.create_batch(3, recipient=member)
    theirs = NotificationFactory()
    client.force_login(member)
    response = client.post("/notifications/read/", follow=True)
    assert "All your notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_settings_show_each_kind_and_save_the_choice(client, member, reply_kind, quiet_kind):
    client.force_login(member)
    page = client.get("/notifications/settings/").content.decode()
    assert "<legend>Replies to threads you follow</legend>" in page
    assert "<legend>Mentions</legend>" in page
    assert page.count('type="radio"') == 6
    response = client.post(
        "/notifications/settings/", {"test_reply": "off", "test_mention": "email"}, follow=True
    )
    assert "Your notification settings are saved." in response.content.decode()
    assert dict(Preference.objects.filter(member=member).values_list("kind", "delivery")) == {
        "test_reply": "off",
        "test_mention": "email",
    }
    form = response.context["form"]  # the page again, showing what is now chosen
    assert (form["test_reply"].value(), form["test_mention"].value()) == ("off", "email")


def test_settings_refuse_a_made_up_choice_and_keep_the_others(
    client, member, reply_kind, quiet_kind
):
    client.force_login(member)
    response = client.post(
        "/notifications/settings/", {"test_reply": "loud\x00", "test_mention": "email"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "test_reply" in form.errors
    assert form["test_mention"].value() == "email"
    assert not Preference.objects.exists()


def test_the_bell_counts_unread_notifications_for_members_only(client, member):
    NotificationFactory.create_batch(2, recipient=member)
    NotificationFactory(recipient=member, read_at=timezone.now())
    NotificationFactory()  # someone else's
    assert 'class="bell"' not in client.get("/").content.decode()
    client.force_login(member)
    page = client.get("/").content.decode()
    assert 'aria-label="Notifications, 2 unread"' in page
    assert '<span class="bell-count" aria-hidden="true">2</span>' in page
    assert "Notification settings" in page  # in the member menu


def test_the_bell_stops_counting_at_a_hundred(client, member):
    NotificationFactory.create_batch(101, recipient=member, actor=None)
    client.force_login(member)
    page = client.get("/").content.decode()
    assert 'aria-label="Notifications, more than 99 unread"' in page
    assert ">99+</span>" in page


def test_the_bell_costs_one_query(client, member):
    client.force_login(member)
    client.get("/notifications/settings/")
    with CaptureQueriesContext(connection) as captured:
        client.get("/notifications/settings/")
    assert sum("notifications_notification" in query["sql"] for query in captured) == 1


def count(client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_pages_do_not_grow_with_data(client, member, reply_kind, quiet_kind):
    client.force_login(member)
    NotificationFactory(recipient=member)
    pages = ["/notifications/", "/notifications/settings/"]
    small = {path: count(client, path) for path in pages}
    for _ in range(3):
        NotificationFactory.create_batch(10, recipient=member, actor=UserFactory())
    Preference.objects.create(member=member, kind="test_reply", delivery="off")
    large = {path: count(client, path) for path in pages}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
