"""What the inbox, a conversation and the settings page read, each at a fixed number of queries.

The inbox walks the member's ``Participant`` rows along their (member, last_message_at) index, with
the unread count of each row as a correlated count over the messages after ``last_read_id`` (a
range of the conversation's message index); the other participants of the page come in one more
query. A conversation reads its messages newest first by id and shows them oldest first, with
the attachments of the whole page in one more query.
"""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce

from conversations.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessagingSettings,
    Participant,
)
from core.pagination import Page, paginate
from members.access import may_see_profile
from members.models import Profile

INBOX_SIZE = 20
MESSAGES_SIZE = 30


def inbox(*, member, cursor: str | None = None, size: int = INBOX_SIZE) -> Page:
    """The member's conversations, most recent first. Each item is the member's Participant row
    with ``conversation``, ``unread`` (messages by others not yet read) and ``others`` (the
    other participants, with their profiles)."""
    unread = (
        Message.objects.filter(
            conversation=OuterRef("conversation"), id__gt=OuterRef("last_read_id")
        )
        .exclude(author=member)
        .order_by()
        .values("conversation")
        .annotate(count=Count("id"))
        .values("count")
    )
    rows = (
        Participant.objects.filter(member=member)
        .select_related("conversation")
        .annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
    )
    page = paginate(
        rows, order=("-last_message_at", "-pk"), cursor=cursor, size=size, scope={"inbox": 1}
    )
    others = _others_by_conversation(member, [row.conversation_id for row in page.items])
    for row in page.items:
        row.others = others.get(row.conversation_id, [])
    return page


def _others_by_conversation(member, conversation_ids: list[int]) -> dict[int, list]:
    grouped: dict[int, list] = {}
    if not conversation_ids:
        return grouped
    seats = (
        Participant.objects.filter(conversation_id__in=conversation_ids)
        .exclude(member=member)
        .select_related("member__profile")
        .order_by("joined_at", "pk")
    )
    for seat in seats:
        grouped.setdefault(seat.conversation_id, []).append(seat.member)
    return grouped


def participants(conversation: Conversation) -> list:
    """The members in a conversation, with their profiles, in the order they joined."""
    return [
        seat.member
        for seat in conversation.participants.select_related("member__profile").order_by(
            "joined_at", "pk"
        )
    ]


def messages(*, conversation: Conversation, cursor: str | None = None, size: int = MESSAGES_SIZE):
    """A page of messages, newest first, with authors and attachments; ``next_cursor`` leads to
    older ones."""
    attachments = Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    return paginate(
        Message.objects.filter(conversation=conversation)
        .select_related("author__profile")
        .prefetch_related(attachments),
        order=("-pk",),
        cursor=cursor,
        size=size,
        scope={"conversation": conversation.pk},
    )


def members_by_handles(viewer, handles: list[str]) -> dict[str, object]:
    """The members behind ``handles`` whose profiles ``viewer`` may see, by handle."""
    profiles = Profile.objects.filter(handle__in=handles).select_related("user")
    return {
        profile.handle: profile.user for profile in profiles if may_see_profile(viewer, profile)
    }


def messaging_settings(member) -> MessagingSettings:
    return MessagingSettings.objects.filter(member=member).first() or MessagingSettings(
        member=member
    )


def blocked_members(member) -> list:
    """Whom ``member`` blocked, most recent first, with their profiles."""
    blocks = Block.objects.filter(blocker=member).select_related("blocked__profile")
    return [block.blocked for block in blocks.order_by("-created_at", "-pk")]


def blocked_member(member, handle: str):
    block = (
        Block.objects.filter(blocker=member, blocked__profile__handle=handle)
        .select_related("blocked")
        .first()
    )
    return block.blocked if block else None
