from rest_framework import serializers

from forums.models import Category
from moderation import selectors
from moderation.content import POST_LENGTH
from moderation.models import TEXT_LENGTH, Flag
from moderation.services import ACTIONS, MAX_SUSPENSION_DAYS


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


# --- The queue (moderators) ---------------------------------------------------------------------


class FlagShownSerializer(serializers.Serializer):
    reason = serializers.CharField()
    text = serializers.CharField()
    flagger = serializers.CharField(source="flagger.display_name")
    created_at = serializers.DateTimeField()


class HistorySerializer(serializers.Serializer):
    upheld = serializers.IntegerField(help_text="Earlier things of theirs moderators acted on.")
    sanctions = serializers.DictField(
        child=serializers.IntegerField(), help_text="Their sanctions, counted by kind."
    )


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    object_id = serializers.IntegerField()
    label = serializers.CharField()
    url = serializers.CharField(help_text="Where the thing is read in place.")
    status = serializers.CharField()
    score = serializers.FloatField(help_text="The open flags' weight.")
    hidden_score = serializers.FloatField(
        allow_null=True, help_text="The weight at which members' flags hid it."
    )
    author = serializers.IntegerField(source="author_id", allow_null=True)
    author_name = serializers.SerializerMethodField()
    opened_at = serializers.DateTimeField()
    review_asked_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    html = serializers.SerializerMethodField(help_text="What it says now; null once deleted.")
    hidden = serializers.BooleanField(source="shown.hidden")
    flags = FlagShownSerializer(many=True)
    history = HistorySerializer()
    actions = serializers.SerializerMethodField(help_text="The decisions open to moderators now.")

    def get_author_name(self, case) -> str | None:
        return case.author.display_name if case.author else None

    def get_html(self, case) -> str | None:
        return None if case.shown.gone else str(case.shown.html)

    def get_actions(self, case) -> list[str]:
        return self.context["actions_for"](case)


class CasePageSerializer(serializers.Serializer):
    results = CaseSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class QueueQuerySerializer(serializers.Serializer):
    show = serializers.ChoiceField(choices=selectors.FILTERS, required=False)
    cursor = serializers.CharField(required=False, max_length=2000)


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    reason = serializers.CharField(max_length=TEXT_LENGTH, help_text="Kept in the audit log.")
    category = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.all(),
        required=False,
        help_text="For `move`: the slug of the category to move the thread to.",
    )
    body = serializers.CharField(
        required=False, max_length=POST_LENGTH, help_text="For `edit`: the post's new Markdown."
    )
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
        help_text="For `suspend`; by default the next step of the member's record.",
    )


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=TEXT_LENGTH)
    author = serializers.CharField(source="author.display_name", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class LiftSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LENGTH)


class SanctionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    lifted_at = serializers.DateTimeField(allow_null=True)
