"""Cheap conversations for tests: rows written directly, no services, no limits, no mail."""

from datetime import timedelta

from django.utils import timezone

from conversations.models import Conversation, Message, Participant
from members.trust import TrustLevel
from tests.members.factories import UserFactory


def member(**kwargs):
    """An onboarded member trusted enough not to meet the new members' limits."""
    kwargs.setdefault("trust_level", TrustLevel.MEMBER)
    return UserFactory(onboarded=True, **kwargs)


def conversation(author, *others, subject="Supply chains in Shenzhen", messages=1, ago=None):
    """A conversation ``author`` started with ``others``, holding ``messages`` messages by the
    author, written long enough ago (``ago``) not to meet anyone's pace limit."""
    at = timezone.now() - (timedelta(days=2) if ago is None else ago)
    chat = Conversation.objects.create(
        subject=subject, created_by=author, created_at=at, last_message_at=at
    )
    for person in (author, *others):
        Participant.objects.create(
            conversation=chat, member=person, joined_at=at, last_message_at=at
        )
    for number in range(messages):
        add_message(chat, author, f"Message {number} about 深圳 suppliers", at=at)
    return chat


def add_message(chat, author, body, *, at=None):
    at = at or timezone.now() - timedelta(days=2)
    message = Message.objects.create(
        conversation=chat, author=author, body=body, html=f"<p>{body}</p>", created_at=at
    )
    Conversation.objects.filter(pk=chat.pk).update(last_message_at=at)
    Participant.objects.filter(conversation=chat).update(last_message_at=at)
    Participant.objects.filter(conversation=chat, member=author).update(last_read_id=message.pk)
    return message
