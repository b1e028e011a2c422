"""The inbox, a conversation and the API's lists cost a fixed number of queries, however many
conversations, participants and messages there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from tests.conversations.factories import add_message, conversation, member

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def count(client, path: str, **headers) -> int:
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return len(captured)


def grow(me, chat, times: int) -> None:
    """More conversations with more people in them, more messages, some unread."""
    for _ in range(times):
        group = conversation(member(), me, member(), messages=2)
        add_message(group, me, "Mine")
        add_message(chat, chat.created_by, "Another one")


def measured(client, me, chat) -> dict[str, int]:
    token = Token.objects.get_or_create(user=me)[0]
    auth = {"Authorization": f"Token {token.key}"}
    counts = {
        path: count(client, path)
        for path in ("/messages/", f"/messages/{chat.pk}/", "/messages/settings/")
    }
    for path in ("/api/v1/conversations/", f"/api/v1/conversations/{chat.pk}/messages/"):
        counts[path] = count(client, path, **auth)
    return counts


def test_messages_pages_and_api_do_not_grow_with_data(client):
    me = member()
    chat = conversation(member(), me)
    client.force_login(me)
    small = measured(client, me, chat)
    grow(me, chat, 25)
    large = measured(client, me, chat)
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
