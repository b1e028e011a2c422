from rest_framework import serializers

from moderation.models import TEXT_LENGTH, Flag


class FlagSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Flag.Kind.choices)
    key = serializers.CharField(
        max_length=200,
        help_text="The thing's key as its own address has it: an id for threads, posts, help "
        "requests and messages, the handle of a profile, the slug of an organisation.",
    )
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    text = serializers.CharField(
        max_length=TEXT_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="What is wrong; required when the reason is `other`.",
    )


class FlagCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
