"""Every change to conversations: starting one, writing in it, reading it, and each member's
choices about who may write to them.

Members write under the trust limits the forums use (how many messages a day, a pause between two,
how many recipients, links and images); the others in a conversation are notified of each message,
batched per conversation. Files attached to a message are stored under names nobody can guess;
``conversations.uploads`` checked them before.
"""

from collections.abc import Sequence
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from conversations import access, kinds, uploads
from conversations.models import (
    BODY_LENGTH,
    Attachment,
    Block,
    Conversation,
    Message,
    MessagingSettings,
    Participant,
    WhoMayWrite,
)
from core.markdown import render_post
from members import trust
from members.access import exists_to_others
from members.selectors import mentionable
from notifications.services import notify

DAY = timedelta(days=1)


def refusal_message(recipient, reason: str) -> str:
    """What the sender is told. Whether the recipient blocked them or chose who may write is
    not said: both read the same, so that nobody learns another's block list."""
    name = recipient.display_name
    if reason == access.Refusal.SELF:
        return _("You cannot write to yourself.")
    if reason == access.Refusal.YOU_BLOCKED:
        return _("You blocked %(name)s; unblock them to write to them.") % {"name": name}
    return _("%(name)s does not accept messages from you.") % {"name": name}


@transaction.atomic
def start_conversation(*, author, recipients, body: str, subject: str = "") -> Conversation:
    """A new conversation between ``author`` and 1..N ``recipients`` (members), opened with a
    first message. Raises ValidationError (field-keyed: ``recipients``, ``body``) when someone
    does not accept messages from the author or the author is over their limits."""
    recipients = _distinct(recipients)
    if not recipients:
        raise ValidationError(
            {
                "recipients": ValidationError(
                    _("Choose at least one member to write to."), "required"
                )
            }
        )
    _check_author(author)
    errors = [
        ValidationError(refusal_message(recipient, verdict.reason), code="not_accepted")
        for recipient in recipients
        if not (verdict := access.may_write_to(author, recipient))
    ]
    try:
        trust.check_recipients(author, len(recipients))
    except ValidationError as error:
        errors.extend(error.error_list)
    if errors:
        raise ValidationError({"recipients": errors})
    rendered = _render_checked(author, body)
    now = timezone.now()
    conversation = Conversation.objects.create(
        subject=subject.strip(), created_by=author, created_at=now, last_message_at=now
    )
    Participant.objects.bulk_create(
        Participant(conversation=conversation, member=member, joined_at=now, last_message_at=now)
        for member in [author, *recipients]
    )
    _add_message(conversation, author, body, rendered, now)
    return conversation


@transaction.atomic
def send_message(
    *,
    author,
    conversation: Conversation,
    body: str,
    attachments: Sequence[uploads.CheckedFile] = (),
) -> Message:
    """A message in a conversation ``author`` takes part in (callers come through
    ``access.access_conversation``), with the files ``uploads.checked_files`` let through."""
    _check_author(author)
    others = _others(conversation, author)
    verdict = access.may_reply(author, conversation, others)
    if not verdict:
        message = refusal_message(others[0], verdict.reason)
        raise ValidationError({"body": ValidationError(message, code="not_accepted")})
    try:
        uploads.check_count(len(attachments))
    except ValidationError as error:
        raise ValidationError({"attachments": error}) from error
    rendered = _render_checked(author, body)
    message = _add_message(conversation, author, body, rendered, timezone.now())
    _attach(message, attachments)
    return message


@transaction.atomic
def open_owned_conversation(*, owner, participants, subject: str = "") -> Conversation:
    """The conversation that belongs to ``owner`` (any saved model instance, e.g. an
    engagement), created on the first call with ``participants`` and returned as it is on later
    calls, with any new participants added. Who-may-write settings and blocks do not apply: the
    owning app chose the participants. Nobody is notified until someone writes."""
    owner_type = ContentType.objects.get_for_model(owner)
    conversation = Conversation.objects.filter(owner_type=owner_type, owner_id=owner.pk).first()
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    subject=subject.strip(), owner_type=owner_type, owner_id=owner.pk
                )
        except IntegrityError:  # opened at the same moment by another request
            conversation = Conversation.objects.get(owner_type=owner_type, owner_id=owner.pk)
    present = set(conversation.participants.values_list("member_id", flat=True))
    Participant.objects.bulk_create(
        Participant(
            conversation=conversation,
            member=member,
            last_message_at=conversation.last_message_at,
        )
        for member in _distinct(participants)
        if member.pk not in present
    )
    return conversation


@transaction.atomic
def set_message_hidden(*, actor, message: Message, hidden: bool) -> Message:
    """Moderators hide a message from the other participants (its author still reads it), or show
    it again; moderation records why and tells the author."""
    if actor is not None and not (actor.is_authenticated and actor.is_active and actor.is_staff):
        raise PermissionDenied(_("Only staff can do this."))
    if (message.hidden_at is not None) != hidden:
        message.hidden_at = timezone.now() if hidden else None
        message.save(update_fields=["hidden_at"])
    return message


@transaction.atomic
def mark_read(*, member, conversation: Conversation) -> None:
    """Everything in ``conversation`` up to its latest message is read by ``member``."""
    latest = conversation.messages.aggregate(latest=Max("id"))["latest"] or 0
    Participant.objects.filter(
        conversation=conversation, member=member, last_read_id__lt=latest
    ).update(last_read_id=latest)


@transaction.atomic
def set_who_may_write(*, member, who: str) -> MessagingSettings:
    if who not in WhoMayWrite.values:
        raise ValidationError(
            {"who_may_write": ValidationError(_("Choose one of the options."), "invalid_choice")}
        )
    settings, _created = MessagingSettings.objects.update_or_create(
        member=member, defaults={"who_may_write": who}
    )
    return settings


@transaction.atomic
def block_member(*, member, blocked) -> Block:
    """``member`` receives nothing more from ``blocked`` (idempotent)."""
    if member.pk == blocked.pk:
        raise ValidationError({"handle": ValidationError(_("You cannot block yourself."), "self")})
    block, _created = Block.objects.get_or_create(blocker=member, blocked=blocked)
    return block


@transaction.atomic
def unblock_member(*, member, blocked) -> None:
    Block.objects.filter(blocker=member, blocked=blocked).delete()


# --- Helpers -------------------------------------------------------------------------------------


def _distinct(members) -> list:
    seen, result = set(), []
    for member in members:
        if member.pk not in seen:
            seen.add(member.pk)
            result.append(member)
    return result


def _others(conversation: Conversation, member) -> list:
    return [
        participant.member
        for participant in conversation.participants.select_related("member").exclude(member=member)
    ]


def _check_author(author) -> None:
    if not exists_to_others(author.profile):
        raise ValidationError(_("Finish your profile before writing to members."), code="inactive")


def _render_checked(author, body: str):
    """The rendered body, once it is within the author's pace and content limits."""
    if not body.strip():
        raise ValidationError({"body": ValidationError(_("Write a message."), "blank")})
    if len(body) > BODY_LENGTH:
        message = _("Keep it under %(count)d characters.") % {"count": BODY_LENGTH}
        raise ValidationError({"body": ValidationError(message, "max_length")})
    if "\x00" in body:
        message = _("Null characters are not allowed.")
        raise ValidationError({"body": ValidationError(message, "null_characters_not_allowed")})
    recent = Message.objects.filter(author=author, created_at__gte=timezone.now() - DAY)
    try:
        trust.check_pace(
            author,
            trust.Action.MESSAGE,
            posted_today=recent.count(),
            last_posted_at=recent.aggregate(last=Max("created_at"))["last"],
        )
    except ValidationError as error:
        raise ValidationError({"body": error}) from error
    rendered = render_post(body, mentions=mentionable)
    errors = trust.check_content(
        author, links=rendered.links, mentions=len(rendered.mentions), images=rendered.images
    )
    if errors:
        raise ValidationError({"body": errors})
    return rendered


def _add_message(conversation: Conversation, author, body: str, rendered, now) -> Message:
    message = Message.objects.create(
        conversation=conversation, author=author, body=body, html=rendered.html, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    conversation.last_message_at = now
    conversation.participants.update(last_message_at=now)
    conversation.participants.filter(member=author).update(last_read_id=message.pk)
    others = _others(conversation, author)
    notify(
        recipients=others,
        kind=kinds.MESSAGE,
        actor=author,
        subject=conversation.subject or _excerpt(rendered),
        url=reverse("conversations:detail", args=[conversation.pk]),
        target=conversation,
        batch_key=f"conversation:{conversation.pk}",
    )
    return message


def _attach(message: Message, files: Sequence[uploads.CheckedFile]) -> None:
    """Store the files, last, so that a refused message stores none; a file stored before a
    failure is deleted with the failure."""
    attachments = []
    try:
        for file in files:
            attachment = Attachment(message=message, name=file.name, kind=file.kind, size=file.size)
            attachment.file.save("attachment", file.upload, save=False)
            attachments.append(attachment)
        Attachment.objects.bulk_create(attachments)
    except BaseException:
        for attachment in attachments:
            attachment.file.delete(save=False)
        raise


def _excerpt(rendered, length: int = 80) -> str:
    text = " ".join(rendered.text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
