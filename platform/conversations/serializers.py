"""The conversations API's input and output. Members appear by handle and display name only,
never by e-mail address."""

from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from conversations import uploads
from conversations.models import BODY_LENGTH, SUBJECT_LENGTH, AttachmentKind, WhoMayWrite
from core.serializers import FlatListField, Text, cursor_filter

HANDLE = r"^[a-z0-9]{1,32}$"


def handle_field(**kwargs) -> Text:
    return Text(max_length=32, validators=[RegexValidator(HANDLE, code="invalid")], **kwargs)


class MemberSerializer(serializers.Serializer):
    handle = serializers.CharField(source="profile.handle")
    display_name = serializers.CharField()


class InboxItemSerializer(serializers.Serializer):
    """A conversation as the caller's inbox lists it."""

    id = serializers.IntegerField(source="conversation_id")
    subject = serializers.CharField(source="conversation.subject")
    last_message_at = serializers.DateTimeField()
    unread = serializers.IntegerField(help_text="Messages from others the caller has not read.")
    participants = MemberSerializer(
        source="others", many=True, help_text="The others in the conversation."
    )


class InboxPageSerializer(serializers.Serializer):
    results = InboxItemSerializer(many=True)
    next = serializers.URLField(allow_null=True, help_text="The next page; null on the last one.")


class ConversationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    subject = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    participants = MemberSerializer(many=True, help_text="Everyone in it, the caller too.")


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class DownloadField(serializers.Field):
    """Where the caller downloads an attachment (never where it is stored)."""

    def __init__(self, **kwargs):
        super().__init__(source="pk", read_only=True, **kwargs)

    def to_representation(self, pk):
        return self.context["request"].build_absolute_uri(reverse("v1:attachment", args=[pk]))


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The sender's file name.")
    size = serializers.IntegerField(help_text="In bytes.")
    type = serializers.ChoiceField(
        source="kind",
        choices=AttachmentKind.choices,
        help_text="What the file's content was found to be; the download's Content-Type.",
    )
    url = DownloadField(help_text="The download, for the conversation's participants.")


class MessageSerializer(serializers.Serializer):
    """A message as the caller may read it: one moderators hid from them keeps its place, not its
    words nor its files."""

    id = serializers.IntegerField()
    author = MemberSerializer(allow_null=True, help_text="Null once the author's account is gone.")
    body = serializers.SerializerMethodField(help_text="As written, in Markdown; null if hidden.")
    html = serializers.SerializerMethodField(
        help_text="The body rendered and sanitised; null if hidden."
    )
    hidden = serializers.SerializerMethodField(
        help_text="Moderators hid it from the others in the conversation."
    )
    created_at = serializers.DateTimeField()
    attachments = serializers.SerializerMethodField()

    def _concealed(self, message) -> bool:
        return message.concealed_from(self.context["request"].user)

    def get_body(self, message) -> str | None:
        return None if self._concealed(message) else message.body

    def get_html(self, message) -> str | None:
        return None if self._concealed(message) else message.html

    def get_hidden(self, message) -> bool:
        return message.hidden_at is not None

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, message) -> list:
        if self._concealed(message):
            return []
        return AttachmentSerializer(message.attachments.all(), many=True, context=self.context).data


class MessagePageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older messages; null at the first.")


class CursorQuerySerializer(serializers.Serializer):
    cursor = cursor_filter()


def body_field() -> Text:
    return Text(max_length=BODY_LENGTH, help_text="Markdown.")


class StartConversationSerializer(serializers.Serializer):
    recipients = FlatListField(
        child=handle_field(),
        min_length=1,
        max_length=20,
        help_text="Handles of the members to write to.",
    )
    subject = Text(max_length=SUBJECT_LENGTH, required=False, allow_blank=True)
    body = body_field()


class SendMessageSerializer(serializers.Serializer):
    body = body_field()
    attachments = FlatListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        required=False,
        help_text=f"Files to attach, in a multipart form: up to {uploads.max_files()}, of "
        f"{uploads.max_bytes() // 1024 // 1024} MB each, PDF, JPEG, PNG or WebP images, text or "
        "CSV in UTF-8, Word, Excel or PowerPoint documents, each found from its content, which "
        "its name's extension must agree with.",
    )

    def validate_attachments(self, files) -> list[uploads.CheckedFile]:
        return uploads.checked_files(files)


class MessagingSettingsSerializer(serializers.Serializer):
    who_may_write = serializers.ChoiceField(choices=WhoMayWrite.choices)


class BlockInputSerializer(serializers.Serializer):
    handle = handle_field()
