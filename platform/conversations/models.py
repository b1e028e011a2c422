"""Private conversations between members.

A conversation may belong to something another app owns (an engagement in matchmaking) through a
generic owner, so that this app never needs to know what owns it. Each member in a conversation is
a ``Participant`` row that carries what the inbox needs (when the conversation last moved, what the
member last read), so that "my conversations, most recent first" reads one index.
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SUBJECT_LENGTH = 120
BODY_LENGTH = 10_000


class Conversation(models.Model):
    subject = models.CharField(_("subject"), max_length=SUBJECT_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)
    # What the conversation belongs to, if anything (an engagement …): at most one per owner.
    owner_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id"],
                condition=Q(owner_type__isnull=False),
                name="conversation_one_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(owner_type__isnull=True, owner_id__isnull=True)
                | Q(owner_type__isnull=False, owner_id__isnull=False),
                name="conversation_owner_whole",
            ),
        ]

    def __str__(self):
        return self.subject or str(_("Conversation %(id)s") % {"id": self.pk})


class Participant(models.Model):
    """A member in a conversation. ``last_message_at`` repeats the conversation's so that the
    inbox is one index scan; ``last_read_id`` is the id of the last message the member read."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now)
    last_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "member"], name="participant_once_per_conversation"
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-last_message_at", "-id"], name="participant_inbox"),
        ]

    def __str__(self):
        return f"{self.member} in {self.conversation_id}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("message"), max_length=BODY_LENGTH)
    html = models.TextField(editable=False)  # body rendered once, sanitised
    created_at = models.DateTimeField(default=timezone.now)
    # Set while moderators keep the message out of sight: the other participants see that it is
    # hidden, not what it says nor its files; its author still reads it.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["conversation", "-id"], name="message_in_conversation"),
            models.Index(fields=["author", "-created_at"], name="message_by_author"),
        ]

    def __str__(self):
        return f"{self.author} in {self.conversation_id}"

    def concealed_from(self, viewer) -> bool:
        """Whether moderators hid it from ``viewer`` (anyone but its author)."""
        return self.hidden_at is not None and self.author_id != viewer.pk


ATTACHMENT_FOLDER = "attachments"
ATTACHMENT_NAME_LENGTH = 200


def attachment_path(attachment, filename: str) -> str:
    """A name nobody can guess, without the member's file name or an extension in it."""
    return f"{ATTACHMENT_FOLDER}/{secrets.token_urlsafe(24)}"


class AttachmentKind(models.TextChoices):
    """What an attachment's content was found to be; the value is the type it is served as."""

    PDF = "application/pdf", _("PDF document")
    PNG = "image/png", _("PNG image")
    JPEG = "image/jpeg", _("JPEG image")
    WEBP = "image/webp", _("WebP image")
    TEXT = "text/plain", _("text file")
    CSV = "text/csv", _("CSV table")
    DOCX = (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("Word document"),
    )
    XLSX = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel workbook"),
    )
    PPTX = (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _("PowerPoint presentation"),
    )


class Attachment(models.Model):
    """A file sent with a message. ``kind`` is what its content was found to be, never what its
    name or the sender's browser said; ``name`` is the sender's file name, shown and given back
    with the download, never used to store it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=100)
    name = models.CharField(_("file name"), max_length=ATTACHMENT_NAME_LENGTH)
    kind = models.CharField(_("type"), max_length=80, choices=AttachmentKind)
    size = models.PositiveBigIntegerField(_("size in bytes"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_accepted"
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="attachment_named"),
        ]

    def __str__(self):
        return self.name

    @property
    def content_type(self) -> str:
        """What the download says it is: text in UTF-8, the only encoding accepted."""
        return f"{self.kind}; charset=utf-8" if self.kind.startswith("text/") else self.kind


class WhoMayWrite(models.TextChoices):
    ANYONE = "anyone", _("Any member")
    ORGANISATIONS = "organisations", _("Only members of my organisations")
    NOBODY = "nobody", _("Nobody")


class MessagingSettings(models.Model):
    """A member's choices about private messages; no row means the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="messaging_settings",
    )
    who_may_write = models.CharField(
        _("who may write to me"), max_length=16, choices=WhoMayWrite, default=WhoMayWrite.ANYONE
    )

    class Meta:
        verbose_name = _("messaging settings")
        verbose_name_plural = _("messaging settings")

    def __str__(self):
        return str(self.member)


class Block(models.Model):
    """``blocker`` receives no messages from ``blocked``, and cannot write to them either."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_by_blocked")]

    def __str__(self):
        return f"{self.blocker} blocks {self.blocked}"
