"""Forums: categories, threads, posts, reactions, follows, bookmarks and reading positions.

A thread's opening post is its post number 1; replies follow as 2, 3 … so that a page of a
thread, however deep, is one range scan of the (thread, number) index. Counts and the time of the
last post are kept on the thread and the category by the services, so lists never count rows.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.aggregates import StringJoin
from core.chinese import in_reader_script
from core.models import TranslatedName
from core.text import SPACES, check_text
from members.models import CityRegion, KnowledgeStage, Sector

# --- Titles, texts and tags (weighed by core.text.written_length) ---------------------------------

TITLE_MIN_LENGTH = 15  # "Help" is not a title; "如何注册公司" (six characters) is
BODY_MIN_LENGTH = 20
TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 30_000


def clean_title(title: str) -> str:
    """A thread's title, stripped; too short, too long or holding NUL bytes is refused.
    Forms, serializers and services all ask this."""
    return check_text(
        title.strip(),
        minimum=TITLE_MIN_LENGTH,
        maximum=TITLE_MAX_LENGTH,
        too_short=_("Say a little more in the title, so others know what the thread is about."),
    )


def clean_body(body: str) -> str:
    """A post's text, as ``clean_title`` for titles; blank lines around it go (leading spaces
    stay: in Markdown they start a code block)."""
    return check_text(
        body.strip("\r\n"),
        minimum=BODY_MIN_LENGTH,
        maximum=BODY_MAX_LENGTH,
        too_short=_("Write a little more: a sentence or two helps others answer."),
    )


MAX_TAGS = 5
TAG_MAX_LENGTH = 40


def clean_tags(names) -> list[str]:
    """Tag names as stored: lowercase, single-spaced, each once, in the order given; at most
    ``MAX_TAGS`` of at most ``TAG_MAX_LENGTH`` characters. Accepts a list or a comma-separated
    text (as a form has it)."""
    if isinstance(names, str):
        names = names.replace("，", ",").split(",")  # a Chinese keyboard types the wide comma
    cleaned = list(
        dict.fromkeys(filter(None, (SPACES.sub(" ", str(n)).strip().lower() for n in names)))
    )
    if any("\x00" in name for name in cleaned):
        raise ValidationError(_("Remove the NUL characters from the tags."), code="null")
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(
            _("Choose at most %(count)d tags.") % {"count": MAX_TAGS}, code="max_tags"
        )
    too_long = [name for name in cleaned if len(name) > TAG_MAX_LENGTH]
    if too_long:
        raise ValidationError(
            _("Keep each tag to %(limit)d characters: “%(tag)s…” is longer.")
            % {"limit": TAG_MAX_LENGTH, "tag": too_long[0][:TAG_MAX_LENGTH]},
            code="max_length",
        )
    return cleaned


class Category(TranslatedName):
    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        SECTOR = "sector", _("Sector")

    class Restriction(models.TextChoices):
        NONE = "none", _("Open: anyone can read, members post")
        MEMBERS = "members", _("Members only")
        FACILITATORS = "facilitators", _("Facilitators only")
        STAFF = "staff", _("Staff only")

    slug = models.SlugField(_("address"), max_length=60, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    description_fr = models.TextField(_("description (French)"), max_length=1000, blank=True)
    description_zh_hans = models.TextField(
        _("description (Simplified Chinese)"), max_length=1000, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    restriction = models.CharField(
        _("who can read and post"),
        max_length=12,
        choices=Restriction.choices,
        default=Restriction.NONE,
    )
    thread_count = models.PositiveIntegerField(default=0, editable=False)
    post_count = models.PositiveIntegerField(default=0, editable=False)
    last_posted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="topic", sector__isnull=True)
                | Q(kind="sector", sector__isnull=False),
                name="forum_category_sector_matches_kind",
            ),
        ]

    @property
    def description(self) -> str:
        language = (get_language() or "en").lower()
        if language.startswith("zh"):
            return in_reader_script(self.description_zh_hans) or self.description_en
        if language.startswith("fr"):
            return self.description_fr or self.description_en
        return self.description_en


class Tag(models.Model):
    """A free label on threads, lowercased; Chinese tags are welcome."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    thread_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


TAG_SEPARATOR = "\x1f"  # tag names never hold it: clean_tags turns any space into " "


def joined_tag_names(thread: str = "pk") -> Subquery:
    """For an annotation: the names of the tags of the thread whose id is in the outer query's
    column ``thread``, joined by TAG_SEPARATOR (what ``Thread.tag_names`` reads)."""
    names = (
        Thread.tags.through.objects.filter(thread_id=OuterRef(thread))
        .values("thread_id")
        .annotate(names=StringJoin("tag__name", TAG_SEPARATOR))
        .values("names")
    )
    return Subquery(names)


def split_tag_names(joined: str | None) -> list[str]:
    """The names ``joined_tag_names`` joined, in alphabetical order."""
    return sorted(joined.split(TAG_SEPARATOR)) if joined else []


class ThreadQuerySet(models.QuerySet):
    def with_tag_names(self) -> "ThreadQuerySet":
        """Each thread's tag names in the same query: a list costs no second query, and plain
        names cost a fraction of what prefetching Tag objects does."""
        return self.annotate(joined_tag_names=joined_tag_names())


class Thread(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="threads", verbose_name=_("category")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_threads",
    )
    title = models.CharField(_("title"), max_length=200)
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads", verbose_name=_("tags"))
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sector"),
    )
    city_region = models.ForeignKey(
        CityRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city-region"),
    )
    knowledge_stage = models.ForeignKey(
        KnowledgeStage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge stage"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(auto_now_add=True)
    # Posts numbered so far (deleted ones included): the next reply is post_count + 1.
    post_count = models.PositiveIntegerField(default=1, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    accepted_post = models.OneToOneField(
        "Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked = models.BooleanField(_("locked"), default=False)
    # Set while moderators keep the thread out of sight: out of lists and search, a 404 for all
    # but its author and staff.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["-last_posted_at", "-id"], name="thread_latest"),
            models.Index(
                fields=["category", "-last_posted_at", "-id"], name="thread_latest_in_category"
            ),
            models.Index(fields=["-helpful_count", "-id"], name="thread_top"),
            models.Index(
                fields=["-last_posted_at", "-id"],
                condition=Q(post_count=1),
                name="thread_unanswered",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def reply_count(self) -> int:
        return self.post_count - 1

    @property
    def tag_names(self) -> list[str]:
        """The tags' names in alphabetical order: from ``with_tag_names()`` when the thread was
        read with it, else one query."""
        if not hasattr(self, "joined_tag_names"):
            return list(self.tags.values_list("name", flat=True))
        return split_tag_names(self.joined_tag_names)


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField(editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("text"), max_length=30_000)  # the author's Markdown
    html = models.TextField(editable=False)  # rendered and sanitised once, on save
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set while moderators keep the post out of sight: its place shows that it is hidden; its
    # author and staff still read it, and search forgets it.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True, editable=False)
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    # What search files the post under (its category, tags, sector …), for filters in one lookup.
    tokens = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["thread", "number"], name="post_number_in_thread"),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="post_by_author"),
            models.Index(fields=["-created_at", "-id"], name="post_recent"),
        ]

    def __str__(self):
        return f"{self.thread} #{self.number}"

    def get_absolute_url(self) -> str:
        return self.address_in(reverse("forums:thread", args=[self.thread_id]))

    def address_in(self, thread_url: str) -> str:
        """Where the post is read in place, given its thread's address: the thread's page that
        starts with it."""
        query = f"?after={self.number - 1}" if self.number > 1 else ""
        return f"{thread_url}{query}#post-{self.number}"

    @property
    def is_opening(self) -> bool:
        return self.number == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(models.Model):
    """A post (and, for an opening post, its thread's title) as it was before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["post", "created_at"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self):
        return f"{self.post} ({self.created_at:%Y-%m-%d %H:%M})"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HELPFUL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member", "kind"], name="one_reaction_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.post}"


class ThreadFollow(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_threads"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="follow_thread_once"),
        ]

    def __str__(self):
        return f"{self.member} follows {self.thread}"


class CategoryFollow(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_categories"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "category"], name="follow_category_once"),
        ]

    def __str__(self):
        return f"{self.member} follows {self.category}"


class Bookmark(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_bookmarks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "post"], name="bookmark_post_once"),
        ]
        indexes = [models.Index(fields=["member", "-created_at"], name="bookmarks_of_member")]

    def __str__(self):
        return f"{self.member}: {self.post}"


class ReadPosition(models.Model):
    """How far a member has read a thread: posts up to `last_read` (a post number) are read."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_read_positions"
    )
    last_read = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="read_position_once"),
        ]

    def __str__(self):
        return f"{self.member} read {self.thread} to #{self.last_read}"

    def unread_in(self, thread: Thread) -> int:
        return max(0, thread.post_count - self.last_read)


class ForumStanding(models.Model):
    """What the forums count towards a member's trust level."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="forum_standing",
    )
    posts_read = models.PositiveIntegerField(default=0)
    threads_entered = models.PositiveIntegerField(default=0)
    posts_written = models.PositiveIntegerField(default=0)
    helpful_received = models.PositiveIntegerField(default=0)
    days_visited = models.PositiveIntegerField(default=0)
    last_visited_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return str(self.member)
