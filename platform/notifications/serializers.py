from rest_framework import serializers

from core.api import MAX_ID
from core.serializers import FlatListField, ModelSerializer, QueryBooleanField, cursor_filter
from notifications import registry
from notifications.models import Notification
from notifications.registry import Delivery


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, not 1, 0 or "yes": what the schema says is all that is taken."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, not "5", 5.0 or true."""

    def to_internal_value(self, data):
        if not isinstance(data, int) or isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class NotificationQuerySerializer(serializers.Serializer):
    unread = QueryBooleanField(
        required=False, help_text="true: only unread ones; false: only read ones; absent: all."
    )
    cursor = cursor_filter()


class NotificationSerializer(ModelSerializer):
    text = serializers.CharField(
        read_only=True, help_text="What happened, in the request's language."
    )
    actor_name = serializers.CharField(
        source="actor.display_name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Who did it; null when no one did or their account is gone.",
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "text",
            "subject",
            "url",
            "actor_name",
            "batch_key",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": "The kind's key, as in notification-settings."},
            "subject": {"help_text": "What it is about, as it was called then."},
            "url": {"help_text": "A path on this site."},
            "batch_key": {"help_text": "Notifications with the same non-empty key go together."},
            "read_at": {"help_text": "Null while unread."},
        }


class NotificationPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text="The next page with the same filter; null on the last one."
    )


class MarkReadSerializer(serializers.Serializer):
    ids = FlatListField(
        child=StrictIntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=1000,
        help_text="Notifications to mark read; ids that are not the caller's are ignored.",
    )
    all = StrictBooleanField(
        required=False, default=False, help_text="true: mark every notification read."
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


class KindSettingSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language.")
    delivery = serializers.ChoiceField(choices=Delivery.choices)


class SettingsSerializer(serializers.Serializer):
    """One optional field per registered kind, so the schema lists the kinds there are."""

    def get_fields(self):
        return {
            kind.key: serializers.ChoiceField(
                choices=Delivery.choices, required=False, help_text=str(kind.label)
            )
            for kind in registry.kinds()
        }
