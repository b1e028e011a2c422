"""The economy updates API's input validation and output shapes; the rules themselves live in
services and access. Reference data is written as keys (sector and city-region slugs), read as
``{slug, name}`` in the request's language; readers who are not Editors never see an update's
author or the feed it came from."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import (
    ModelSerializer,
    ReferenceField,
    ReferenceListField,
    Text,
    choice_filter,
    cursor_filter,
    keys_filter,
    query_text,
)
from economy import selectors
from economy.models import (
    BODY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    EconomyUpdate,
)
from economy.services import SOURCE_NAME_MAX_LENGTH, SOURCE_URL_MAX_LENGTH
from members.models import CityRegion, Sector

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@extend_schema_field(
    {"type": "string", "enum": EconomyUpdate.Status.values}, component_name="EconomyUpdateStatus"
)
class StatusField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=EconomyUpdate.Status.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": LANGUAGE_CODES}, component_name="UpdateLanguage")
class LanguageField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=settings.LANGUAGES, **kwargs)


# --- Output -----------------------------------------------------------------------------------


class EconomyUpdateCardSerializer(ModelSerializer):
    """An update as lists show it."""

    sectors = ReferenceListField()
    city_regions = ReferenceListField()
    language = LanguageField(read_only=True)
    source_url = serializers.CharField(
        read_only=True, help_text="The source's web address; empty when there is none."
    )

    class Meta:
        model = EconomyUpdate
        fields = [
            "id",
            "title",
            "summary",
            "sectors",
            "city_regions",
            "language",
            "source_name",
            "source_url",
            "published_at",
        ]
        read_only_fields = fields


class EconomyUpdatePageSerializer(serializers.Serializer):
    results = EconomyUpdateCardSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class EditorialSerializer(serializers.Serializer):
    """What only Editors read of an update: where it stands and whose it is."""

    status = StatusField(read_only=True)
    scheduled = serializers.BooleanField(
        read_only=True, help_text="Published, its publication time still to come."
    )
    author = serializers.CharField(
        read_only=True, allow_null=True, source="author.display_name", default=None
    )
    feed = serializers.CharField(read_only=True, allow_null=True, source="feed.name", default=None)
    missing = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What it still needs before it is published, by field; empty when ready.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class EconomyUpdateSerializer(EconomyUpdateCardSerializer):
    """An update as its page shows it; ``editorial`` is null for readers who are not Editors."""

    body_html = serializers.CharField(read_only=True, help_text="The body, rendered and sanitised.")
    editorial = serializers.SerializerMethodField()

    class Meta(EconomyUpdateCardSerializer.Meta):
        fields = [*EconomyUpdateCardSerializer.Meta.fields, "body", "body_html", "editorial"]
        read_only_fields = fields

    @extend_schema_field(EditorialSerializer(allow_null=True))
    def get_editorial(self, update: EconomyUpdate) -> dict | None:
        if not self.context.get("is_editor"):
            return None
        update.scheduled = selectors.is_scheduled(update)
        update.missing = self.context.get("missing", {})
        return EditorialSerializer(update).data


class DeskUpdateSerializer(EconomyUpdateCardSerializer):
    """An update on the Editor's desk."""

    status = StatusField(read_only=True)
    author = serializers.CharField(
        read_only=True, allow_null=True, source="author.display_name", default=None
    )
    feed = serializers.CharField(read_only=True, allow_null=True, source="feed.name", default=None)

    class Meta(EconomyUpdateCardSerializer.Meta):
        fields = [
            *EconomyUpdateCardSerializer.Meta.fields,
            "status",
            "author",
            "feed",
            "updated_at",
        ]
        read_only_fields = fields


class DeskPageSerializer(serializers.Serializer):
    results = DeskUpdateSerializer(many=True, help_text="Latest changed first.")
    next = serializers.URLField(allow_null=True, help_text="More; null on the last page.")


# --- Input ------------------------------------------------------------------------------------


def _text(max_length: int, **kwargs) -> Text:
    return Text(max_length=max_length, required=False, allow_blank=True, **kwargs)


class EconomyUpdateInputSerializer(serializers.Serializer):
    """What the Editors' form asks. Only the fields sent change; lists replace what was there."""

    title = Text(max_length=TITLE_MAX_LENGTH, required=False)
    summary = _text(SUMMARY_MAX_LENGTH, help_text="One or two sentences: what changed, for whom.")
    body = _text(
        BODY_MAX_LENGTH,
        trim_whitespace=False,  # leading spaces start a Markdown code block
        help_text="The update, in Markdown (sanitised; images become links).",
    )
    sectors = ReferenceField(many=True, queryset=Sector.objects.all(), required=False)
    city_regions = ReferenceField(many=True, queryset=CityRegion.objects.all(), required=False)
    source_name = _text(SOURCE_NAME_MAX_LENGTH)
    source_url = _text(SOURCE_URL_MAX_LENGTH, help_text="An http or https address.")
    language = LanguageField(required=False)


class NewEconomyUpdateSerializer(EconomyUpdateInputSerializer):
    title = Text(max_length=TITLE_MAX_LENGTH)
    language = LanguageField()


class PublishSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When readers see it: a time still to come schedules it; null or left out "
        "publishes it now.",
    )


class DiscardSerializer(serializers.Serializer):
    reason = _text(500, help_text="Why, for the audit log.")


# --- Queries ----------------------------------------------------------------------------------


class UpdateQuerySerializer(serializers.Serializer):
    q = query_text(help_text="Words the update holds (title, summary, body), all of them.")
    sector = keys_filter(help_text="Sector keys, repeated: updates filed under any of them.")
    region = keys_filter(help_text="City-region keys, repeated: any of them.")
    language = choice_filter(settings.LANGUAGES, help_text="The language it is written in.")
    cursor = cursor_filter()


class DeskQuerySerializer(serializers.Serializer):
    tab = serializers.ChoiceField(
        choices=selectors.DESK_TABS,
        required=False,
        help_text="draft (the default), review (imports waiting for an Editor) or scheduled.",
    )
    cursor = cursor_filter()
