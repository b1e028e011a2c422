"""The forums API's input validation and output shapes; the rules themselves live in services and
access. Output never holds an e-mail address, nor the handle of a member whose profile the caller
may not see, nor the text of a deleted post."""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from core.api import MAX_ID
from core.serializers import (
    FlatListField,
    ReferenceField,
    Text,
    choice_filter,
    cursor_filter,
    key_filter,
    query_text,
)
from forums import access
from forums.models import (
    BODY_MAX_LENGTH,
    MAX_TAGS,
    TAG_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Category,
    Post,
    Thread,
)
from members.models import CityRegion, KnowledgeStage, Sector

# A category's address may hold any letters (深圳湾科技), as its page's path does.
# A category's address, spelt out so that Python's regexes and the ECMA-262 ones of OpenAPI tools
# read it alike (\w is any letter to Python, an ASCII one to JavaScript): ASCII letters, digits,
# "-" and "_", and every character past Latin-1's symbols in the Basic Multilingual Plane.
CATEGORY_SLUG = r"^[-0-9A-Za-z_\u00C0-\uFFFF]+$"
CATEGORY_SLUG_MAX_LENGTH = Category._meta.get_field("slug").max_length

ORDERS = [
    ("latest", "Most recent activity first"),
    ("top", "Most helpful votes first"),
    ("unanswered", "Without replies, most recent first"),
]
PERIODS = [("week", "week"), ("month", "month"), ("year", "year"), ("all", "all")]


def post_id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- Shared output pieces -------------------------------------------------------------------------


class AuthorSerializer(serializers.Serializer):
    """Who wrote a post or thread: their display name, and their handle (their profile's address)
    only when the caller may see that profile."""

    display_name = serializers.CharField(read_only=True)
    handle = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The author's public handle (members/{handle}/); null when the caller may "
        "not see their profile.",
    )


def author_of(user, context) -> dict | None:
    """``context["visible_authors"]``: ids of the authors whose profiles the caller may see,
    decided for a whole page at once."""
    if user is None:
        return None
    visible = user.pk in context.get("visible_authors", ())
    return {"display_name": user.display_name, "handle": user.profile.handle if visible else None}


@extend_schema_field(AuthorSerializer(allow_null=True))
class AuthorField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user):
        return author_of(user, self.context)

    def get_attribute(self, instance):
        return instance.author


class TagNamesField(serializers.ListField):
    """A thread's tags, as their names (``Thread.tag_names``)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)


class CategoryRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")

    class Meta:
        model = Category
        fields = ["slug", "name"]


class NextSerializer(serializers.Serializer):
    next = serializers.URLField(
        allow_null=True, help_text="The next page with the same filters; null on the last one."
    )


# --- Categories -----------------------------------------------------------------------------------


@extend_schema_field(
    {"type": "string", "enum": Category.Kind.values, "description": "topic or sector"},
    component_name="ForumCategoryKind",
)
class CategoryKindField(serializers.ChoiceField):
    """A category's kind, named apart from organisations' kinds in the schema."""

    def __init__(self, **kwargs):
        super().__init__(choices=Category.Kind.choices, read_only=True, **kwargs)


class CategorySerializer(serializers.ModelSerializer):
    kind = CategoryKindField()
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    description = serializers.CharField(read_only=True, help_text="In the request's language.")
    sector = ReferenceField(read_only=True, allow_null=True)
    following = serializers.SerializerMethodField(
        help_text="Whether the caller follows the category (false when signed out)."
    )

    class Meta:
        model = Category
        fields = [
            "slug",
            "name",
            "description",
            "kind",
            "sector",
            "restriction",
            "position",
            "thread_count",
            "post_count",
            "last_posted_at",
            "following",
        ]

    def get_following(self, category) -> bool:
        return category.pk in self.context.get("followed_categories", ())


# --- Posts ----------------------------------------------------------------------------------------


class PostSerializer(serializers.ModelSerializer):
    """A post as the caller may see it; a deleted one keeps its place but not its text."""

    thread = serializers.IntegerField(source="thread_id", read_only=True)
    author = AuthorField()
    reply_to = serializers.IntegerField(
        source="reply_to_id", read_only=True, allow_null=True, help_text="The post answered."
    )
    html = serializers.SerializerMethodField(
        help_text="The post rendered and sanitised; null when it was deleted, or when moderators "
        "hid it and the caller is neither its author nor staff."
    )
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Moderators hid it, pending their review."
    )
    helpful = serializers.SerializerMethodField(
        help_text="Whether the caller marked the post helpful."
    )
    bookmarked = serializers.SerializerMethodField(
        help_text="Whether the caller bookmarked the post."
    )

    class Meta:
        model = Post
        fields = [
            "id",
            "thread",
            "number",
            "author",
            "reply_to",
            "html",
            "language",
            "created_at",
            "edited_at",
            "deleted",
            "hidden",
            "helpful_count",
            "helpful",
            "bookmarked",
        ]

    def get_html(self, post) -> str | None:
        if post.is_deleted:
            return None
        if post.is_hidden and not access.may_see_hidden(
            self.context["request"].user, post.author_id
        ):
            return None
        return post.html

    def get_helpful(self, post) -> bool:
        return post.pk in self.context.get("helpful_posts", ())

    def get_bookmarked(self, post) -> bool:
        return post.pk in self.context.get("bookmarked_posts", ())


class PostPageSerializer(NextSerializer):
    results = PostSerializer(many=True)
    next = serializers.URLField(
        allow_null=True,
        help_text="The posts after these (`?after=` the last number shown); null on the last page.",
    )


# --- Threads --------------------------------------------------------------------------------------


class ThreadSerializer(serializers.ModelSerializer):
    """A thread as lists show it."""

    category = CategoryRefSerializer(read_only=True)
    author = AuthorField()
    tags = TagNamesField(source="tag_names")
    reply_count = serializers.IntegerField(read_only=True)
    accepted_post = serializers.IntegerField(
        source="accepted_post_id",
        read_only=True,
        allow_null=True,
        help_text="The id of the reply marked as the accepted answer.",
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "title",
            "category",
            "author",
            "tags",
            "language",
            "created_at",
            "last_posted_at",
            "reply_count",
            "helpful_count",
            "accepted_post",
            "locked",
        ]


class ThreadDetailSerializer(ThreadSerializer):
    sector = ReferenceField(read_only=True, allow_null=True)
    city_region = ReferenceField(read_only=True, allow_null=True)
    knowledge_stage = ReferenceField(read_only=True, allow_null=True)
    opening_post = serializers.SerializerMethodField(help_text="Post number 1: the question.")
    following = serializers.SerializerMethodField(help_text="Whether the caller follows it.")

    class Meta(ThreadSerializer.Meta):
        fields = [
            *ThreadSerializer.Meta.fields,
            "sector",
            "city_region",
            "knowledge_stage",
            "opening_post",
            "following",
        ]

    @extend_schema_field(PostSerializer)
    def get_opening_post(self, thread) -> dict:
        return PostSerializer(self.context["opening_post"], context=self.context).data

    def get_following(self, thread) -> bool:
        return bool(self.context.get("following"))


class ThreadPageSerializer(NextSerializer):
    results = ThreadSerializer(many=True)


# --- Input ----------------------------------------------------------------------------------------


class CategoryField(serializers.SlugRelatedField):
    """A category the caller may read, by its address; one they may not read is no category."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return access.readable_categories(self.context["request"].user)

    def run_validation(self, data=empty):
        if data == "":  # DRF would take it for null, as ReferenceField explains
            self.fail("invalid")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(CATEGORY_SLUG, data):
            self.fail("invalid")
        if len(data) > CATEGORY_SLUG_MAX_LENGTH:
            self.fail("invalid")
        return super().to_internal_value(data)


class CategoryFieldSchema(OpenApiSerializerFieldExtension):
    target_class = CategoryField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "type": "string",
            "pattern": CATEGORY_SLUG,
            "maxLength": CATEGORY_SLUG_MAX_LENGTH,
            "description": "A category's address.",
        }


def category_filter() -> Text:
    """Like ``core.serializers.key_filter``, for addresses that may hold any letters."""
    return Text(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=CATEGORY_SLUG_MAX_LENGTH,
        validators=[RegexValidator(CATEGORY_SLUG, code="invalid")],
        help_text="A category's address.",
    )


class TagsInputField(FlatListField):
    def __init__(self, **kwargs):
        super().__init__(
            child=Text(max_length=TAG_MAX_LENGTH),
            max_length=MAX_TAGS,
            required=False,
            help_text="Tag names; lowercased, Chinese welcome.",
            **kwargs,
        )


def title_field(**kwargs) -> Text:
    return Text(max_length=TITLE_MAX_LENGTH, **kwargs)


def body_field(**kwargs) -> Text:
    return Text(max_length=BODY_MAX_LENGTH, **{"help_text": "Markdown.", **kwargs})


class StartThreadSerializer(serializers.Serializer):
    title = title_field()
    body = body_field()
    category = CategoryField()
    tags = TagsInputField()
    sector = ReferenceField(queryset=Sector.objects.all(), required=False, allow_null=True)
    city_region = ReferenceField(queryset=CityRegion.objects.all(), required=False, allow_null=True)
    knowledge_stage = ReferenceField(
        queryset=KnowledgeStage.objects.all(), required=False, allow_null=True
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The language the thread is written in; the caller's own by default.",
    )


class EditThreadSerializer(serializers.Serializer):
    title = title_field(required=False)
    body = body_field(required=False, help_text="Markdown of the opening post.")


class ReplySerializer(serializers.Serializer):
    body = body_field()
    reply_to = post_id_field(
        required=False, allow_null=True, help_text="The id of the post in this thread answered."
    )


class EditPostSerializer(serializers.Serializer):
    body = body_field()


class AcceptedAnswerSerializer(serializers.Serializer):
    post = post_id_field(help_text="The id of a reply in this thread.")


# --- Query strings --------------------------------------------------------------------------------


class ThreadQuerySerializer(serializers.Serializer):
    category = category_filter()
    tag = query_text(max_length=TAG_MAX_LENGTH, help_text="A tag name.")
    order = choice_filter(ORDERS, help_text="`latest` by default.")
    period = choice_filter(
        PERIODS, help_text="For `top`: votes over the last week, month, year, or all time."
    )
    cursor = cursor_filter()


class PostQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(
        min_value=0,
        max_value=MAX_ID,
        required=False,
        help_text="Posts numbered after this one; 0 (the default) starts with the opening post.",
    )


class SearchQuerySerializer(serializers.Serializer):
    q = query_text(help_text="Words to find, in English, French or Chinese.")
    category = category_filter()
    tag = query_text(max_length=TAG_MAX_LENGTH, help_text="A tag name.")
    sector = key_filter(help_text="A sector slug.")
    author = key_filter(r"^[a-z0-9]+$", help_text="An author's handle.")
    since = serializers.DateField(required=False, help_text="Posts written on or after this day.")
    until = serializers.DateField(required=False, help_text="Posts written on or before this day.")
    cursor = cursor_filter()


class SearchThreadSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True)

    class Meta:
        model = Thread
        fields = ["id", "title", "category"]


class SearchResultSerializer(serializers.ModelSerializer):
    thread = SearchThreadSerializer(read_only=True)
    author = AuthorField()
    snippet = serializers.CharField(
        read_only=True,
        help_text="The text around the first match, as escaped HTML with the words in <mark>.",
    )
    title_html = serializers.CharField(
        read_only=True, help_text="The thread's title, escaped, with the words in <mark>."
    )

    class Meta:
        model = Post
        fields = ["id", "number", "thread", "author", "snippet", "title_html", "created_at"]


class SearchPageSerializer(NextSerializer):
    results = SearchResultSerializer(many=True)
