"""The one door to conversations, and the rule of who may write to whom.

A conversation exists only for its participants: anyone else (anonymous visitors, other members,
staff too) gets a 404 and learns nothing of it, not even that it exists. Staff reading the
conversations that members flag comes with moderation, through its own door; staff reading an
engagement's conversation come through matchmaking's, which then asks ``attachment_in``.
"""

from dataclasses import dataclass

from django.http import Http404

from conversations.models import (
    Attachment,
    Block,
    Conversation,
    Message,
    MessagingSettings,
    WhoMayWrite,
)
from core.ids import as_id
from members import selectors as member_selectors
from members.access import exists_to_others


def access_conversation(viewer, conversation_id: int, *, for_write: bool = False) -> Conversation:
    """The conversation, when ``viewer`` takes part in it; 404 otherwise. Participants may all
    write, so ``for_write`` asks nothing more."""
    if not viewer.is_authenticated:
        raise Http404
    conversation = (
        Conversation.objects.filter(pk=conversation_id, participants__member=viewer)
        .select_related("created_by")
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


def access_attachment(viewer, attachment_id: int) -> Attachment:
    """A file sent in a conversation ``viewer`` takes part in, unless moderators hid its message
    from them; 404 otherwise, staff included."""
    if not viewer.is_authenticated or not _storable_id(attachment_id):
        raise Http404
    attachment = (
        Attachment.objects.select_related("message")
        .filter(pk=attachment_id, message__conversation__participants__member=viewer)
        .first()
    )
    if attachment is None or attachment.message.concealed_from(viewer):
        raise Http404
    return attachment


def access_message(viewer, message_id) -> Message:
    """A message in a conversation ``viewer`` takes part in, with its author; 404 otherwise."""
    pk = as_id(message_id)
    message = (
        Message.objects.select_related("author")
        .filter(pk=pk, conversation__participants__member=viewer)
        .first()
        if pk and viewer.is_authenticated
        else None
    )
    if message is None:
        raise Http404
    return message


def attachment_in(conversation: Conversation, attachment_id: int) -> Attachment:
    """A file sent in ``conversation``, for a viewer whom another app's door let read that
    conversation (staff, through an engagement's page); 404 for a file of any other."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, message__conversation=conversation).first()
        if _storable_id(attachment_id)
        else None
    )
    if attachment is None:
        raise Http404
    return attachment


def _storable_id(value: int) -> bool:
    return 0 < value < 2**63  # what a bigint column holds


class Refusal:
    """Why a member may not write to another (``Verdict.reason``)."""

    SELF = "self"
    UNAVAILABLE = "unavailable"  # inactive or not onboarded: not someone others may know
    YOU_BLOCKED = "you_blocked"
    BLOCKED = "blocked"  # the recipient blocked the sender
    NOBODY = "nobody"
    ORGANISATIONS = "organisations"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOWED = Verdict(True)


def who_may_write(member) -> str:
    settings = MessagingSettings.objects.filter(member=member).first()
    return settings.who_may_write if settings else WhoMayWrite.ANYONE


def has_blocked(blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).exists()


def may_write_to(sender, recipient) -> Verdict:
    """May ``sender`` start a conversation with ``recipient``, and if not, why."""
    if sender.pk == recipient.pk:
        return Verdict(False, Refusal.SELF)
    if not exists_to_others(recipient.profile):
        return Verdict(False, Refusal.UNAVAILABLE)
    if has_blocked(sender, recipient):
        return Verdict(False, Refusal.YOU_BLOCKED)
    if has_blocked(recipient, sender):
        return Verdict(False, Refusal.BLOCKED)
    choice = who_may_write(recipient)
    if choice == WhoMayWrite.NOBODY:
        return Verdict(False, Refusal.NOBODY)
    if choice == WhoMayWrite.ORGANISATIONS and not member_selectors.share_an_organisation(
        sender, recipient
    ):
        return Verdict(False, Refusal.ORGANISATIONS)
    return ALLOWED


def may_reply(sender, conversation: Conversation, others) -> Verdict:
    """In a conversation between two members, a block either way stops replies; the recipient's
    settings do not (they joined it). In a group one member's block does not silence the others,
    and an owned conversation ignores blocks: the owning app chose its participants."""
    if conversation.owner_type_id is not None or len(others) != 1:
        return ALLOWED
    ids = [member.pk for member in others]
    if Block.objects.filter(blocker=sender, blocked__in=ids).exists():
        return Verdict(False, Refusal.YOU_BLOCKED)
    if Block.objects.filter(blocker__in=ids, blocked=sender).exists():
        return Verdict(False, Refusal.BLOCKED)
    return ALLOWED
