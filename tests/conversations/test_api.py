"""The conversations API per role: the same doors and rules as the pages."""

import pytest
from rest_framework.test import APIClient

from conversations import services
from conversations.models import Block, Conversation, MessagingSettings, WhoMayWrite
from members.trust import TrustLevel
from notifications.models import Notification
from tests.conversations.factories import add_message, conversation, member
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

SUBJECT = "Supply chains in Shenzhen"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response, field: str) -> list[str]:
    return [error["code"] for error in response.json()["errors"] if error["attr"] == field]


@pytest.fixture
def chat(alice, bob):
    return conversation(alice, bob, subject=SUBJECT)


def test_list_shows_my_conversations_with_unread_counts(alice, bob, chat):
    body = api(bob).get("/api/v1/conversations/").json()
    [item] = body["results"]
    assert item["id"] == chat.pk
    assert item["subject"] == SUBJECT
    assert item["unread"] == 1
    assert item["participants"] == [{"handle": alice.profile.handle, "display_name": "Alice Chen"}]
    assert body["next"] is None
    assert "example.org" not in str(body)


def test_list_is_paginated_by_cursor(alice, bob):
    for number in range(22):
        conversation(alice, bob, subject=f"Topic {number}")
    client = api(bob)
    first = client.get("/api/v1/conversations/").json()
    second = client.get(first["next"]).json()
    assert len(first["results"]) == 20
    assert len(second["results"]) == 2
    assert second["next"] is None


@pytest.mark.parametrize("role", ["author", "recipient"])
def test_participants_read_the_conversation_and_its_messages(alice, bob, chat, role):
    client = api({"author": alice, "recipient": bob}[role])
    detail = client.get(f"/api/v1/conversations/{chat.pk}/").json()
    assert detail["subject"] == SUBJECT
    assert {person["display_name"] for person in detail["participants"]} == {
        "Alice Chen",
        "Bob Tremblay",
    }
    messages = client.get(f"/api/v1/conversations/{chat.pk}/messages/").json()
    assert messages["results"][0]["body"] == "Message 0 about 深圳 suppliers"
    assert messages["results"][0]["author"]["display_name"] == "Alice Chen"


@pytest.mark.parametrize("role", ["other member", "staff", "anonymous"])
def test_anyone_else_learns_nothing(chat, role):
    viewer = {
        "other member": member(),
        "staff": with_authenticator(UserFactory(is_staff=True)),
        "anonymous": None,
    }[role]
    client = api(viewer)
    expected = 401 if viewer is None else 404
    for url in (f"/api/v1/conversations/{chat.pk}/", f"/api/v1/conversations/{chat.pk}/messages/"):
        response = client.get(url)
        assert response.status_code in (expected, 403)
        assert SUBJECT not in response.content.decode()
        assert "suppliers" not in response.content.decode()
    response = client.post(f"/api/v1/conversations/{chat.pk}/messages/", {"body": "Me too"})
    assert response.status_code in (expected, 403)
    assert chat.messages.count() == 1


def test_walked_ids_are_not_found(alice, bob, carol):
    theirs = [conversation(alice, bob) for _ in range(3)]
    client = api(carol)
    for number in [*range(theirs[0].pk - 1, theirs[-1].pk + 3), "abc", "99999999999999999999"]:
        assert client.get(f"/api/v1/conversations/{number}/").status_code == 404
        assert client.get(f"/api/v1/conversations/{number}/messages/").status_code == 404


def test_start_a_conversation_and_reply(alice, bob):
    response = api(alice).post(
        "/api/v1/conversations/",
        {"recipients": [bob.profile.handle], "subject": "Hello", "body": "Nice to *meet* you"},
        format="json",
    )
    assert response.status_code == 201
    chat = Conversation.objects.get(pk=response.json()["id"])
    assert Notification.objects.filter(recipient=bob, kind="conversations.message").exists()
    chat.messages.update(created_at=chat.created_at.replace(year=2020))
    reply = api(bob).post(
        f"/api/v1/conversations/{chat.pk}/messages/", {"body": "Likewise"}, format="json"
    )
    assert reply.status_code == 201
    assert reply.json()["html"] == "<p>Likewise</p>\n"


def test_reading_the_messages_marks_them_read(bob, chat):
    client = api(bob)
    assert client.get("/api/v1/conversations/").json()["results"][0]["unread"] == 1
    client.get(f"/api/v1/conversations/{chat.pk}/messages/")
    assert client.get("/api/v1/conversations/").json()["results"][0]["unread"] == 0


def test_messages_page_older_by_cursor(alice, chat):
    for number in range(35):
        add_message(chat, alice, f"Numbered {number:02d}")
    client = api(alice)
    first = client.get(f"/api/v1/conversations/{chat.pk}/messages/").json()
    assert first["results"][0]["body"] == "Numbered 34"
    older = client.get(first["next"]).json()
    assert len(first["results"]) + len(older["results"]) == 36
    assert older["next"] is None


def test_refusals_name_the_member_and_not_why(alice, bob, carol):
    services.set_who_may_write(member=bob, who=WhoMayWrite.NOBODY)
    services.block_member(member=carol, blocked=alice)
    response = api(alice).post(
        "/api/v1/conversations/",
        {"recipients": [bob.profile.handle, carol.profile.handle], "body": "Hi"},
        format="json",
    )
    assert response.status_code == 400
    details = [error["detail"] for error in response.json()["errors"]]
    assert details == [
        "Bob Tremblay does not accept messages from you.",
        "Carol Wang does not accept messages from you.",
    ]
    assert codes(response, "recipients") == ["not_accepted", "not_accepted"]


def test_unknown_handles_and_bad_bodies_are_field_errors(alice, bob):
    client = api(alice)
    unknown = client.post(
        "/api/v1/conversations/",
        {"recipients": ["nosuchmember"], "body": "Hi"},
        format="json",
    )
    assert codes(unknown, "recipients") == ["unknown"]
    for body, code in (("a\x00b", "null_characters_not_allowed"), ("x" * 10_001, "max_length")):
        response = client.post(
            "/api/v1/conversations/",
            {"recipients": [bob.profile.handle], "body": body},
            format="json",
        )
        assert response.status_code == 400
        assert codes(response, "body") == [code]
    assert not Conversation.objects.exists()


def test_trust_limits_are_field_errors(bob, carol):
    newcomer = member(trust_level=TrustLevel.NEW)
    third = member()
    response = api(newcomer).post(
        "/api/v1/conversations/",
        {"recipients": [p.profile.handle for p in (bob, carol, third)], "body": "Hi"},
        format="json",
    )
    assert codes(response, "recipients") == ["too_many_recipients"]
    chat = conversation(newcomer, bob, messages=0)
    add_message(chat, newcomer, "just now", at=chat.created_at.now(chat.created_at.tzinfo))
    response = api(newcomer).post(
        f"/api/v1/conversations/{chat.pk}/messages/", {"body": "again"}, format="json"
    )
    assert codes(response, "body") == ["too_fast"]


def test_messaging_settings(alice):
    client = api(alice)
    assert client.get("/api/v1/messaging-settings/").json() == {"who_may_write": "anyone"}
    response = client.put(
        "/api/v1/messaging-settings/", {"who_may_write": "organisations"}, format="json"
    )
    assert response.json() == {"who_may_write": "organisations"}
    assert MessagingSettings.objects.get(member=alice).who_may_write == "organisations"
    bad = client.put("/api/v1/messaging-settings/", {"who_may_write": "all"}, format="json")
    assert codes(bad, "who_may_write") == ["invalid_choice"]


def test_blocks(alice, bob):
    client = api(alice)
    response = client.post("/api/v1/blocks/", {"handle": bob.profile.handle}, format="json")
    assert response.status_code == 201
    assert client.get("/api/v1/blocks/").json() == [
        {"handle": bob.profile.handle, "display_name": "Bob Tremblay"}
    ]
    myself = client.post("/api/v1/blocks/", {"handle": alice.profile.handle}, format="json")
    assert codes(myself, "handle") == ["self"]
    assert client.delete(f"/api/v1/blocks/{bob.profile.handle}/").status_code == 204
    assert not Block.objects.exists()
    assert client.delete(f"/api/v1/blocks/{bob.profile.handle}/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/api/v1/conversations/", "/api/v1/messaging-settings/", "/api/v1/blocks/"]
)
def test_anonymous_callers_are_refused(url):
    assert api().get(url).status_code in (401, 403)
