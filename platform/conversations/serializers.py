"""The conversations API's input and output. Members appear by handle and display name only,
never by e-mail address."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from conversations.models import BODY_LENGTH, SUBJECT_LENGTH, WhoMayWrite
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


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = MemberSerializer(allow_null=True, help_text="Null once the author's account is gone.")
    body = serializers.CharField(help_text="As written, in Markdown.")
    html = serializers.CharField(help_text="The body rendered and sanitised.")
    created_at = serializers.DateTimeField()


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


class MessagingSettingsSerializer(serializers.Serializer):
    who_may_write = serializers.ChoiceField(choices=WhoMayWrite.choices)


class BlockInputSerializer(serializers.Serializer):
    handle = handle_field()
