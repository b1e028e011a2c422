"""The forums' read side: thread lists, a page of a thread, what a member has not read yet.

Why it stays fast at half a million posts:

- Lists are keyset pages (``core.pagination.paginate``) in the order of an index on the thread
  table: latest is ``thread_latest`` (or ``thread_latest_in_category``), unanswered the partial
  ``thread_unanswered``, top ``thread_top``. Counts and the time of the last post live on the rows,
  so no list counts or sorts posts.
- A page of a thread is the range ``number > after`` of the (thread, number) unique index, read in
  its order: page 250 of a thread reads the same 21 rows page 1 does. Posts are numbered without
  gaps (a deleted post keeps its number), so the previous page's start is arithmetic, not a query.
- What belongs to the viewer (helpful reactions, bookmarks, reading positions) is read for the
  listed rows only, one query each, never one per row.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F, QuerySet, Value
from django.utils import timezone

from core.pagination import Page, after, paginate, paginate_read
from core.prepared import Prepared, instance
from forums import access
from forums.models import (
    Bookmark,
    Category,
    CategoryFollow,
    Post,
    PostRevision,
    Reaction,
    ReadPosition,
    Tag,
    Thread,
    ThreadFollow,
    joined_tag_names,
)
from members import access as member_access
from members.models import Membership, Profile, User

ORDERS = ("latest", "top", "unanswered")
PERIODS = {
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
    "all": None,
}
LATEST = ("-last_posted_at", "-id")
TOP = ("-helpful_count", "-id")


LISTED_FIELDS = (
    "title",
    "language",
    "created_at",
    "last_posted_at",
    "post_count",
    "helpful_count",
    "accepted_post_id",
    "locked",
    "category__slug",
    "category__name_en",
    "category__name_fr",
    "category__name_zh_hans",
    "author__display_name",
    "author__is_active",
)


def _listed(threads: QuerySet) -> QuerySet:
    """What a row of a thread list shows, in one query: its category, author and tag names, and
    only the columns a row shows (a thread's search text can be long)."""
    return threads.with_tag_names().select_related("category", "author").only(*LISTED_FIELDS)


def thread_list(
    *,
    categories,
    order: str = "latest",
    category: Category | None = None,
    tag: Tag | None = None,
    period: str | None = None,
    cursor: str | None = None,
    size: int = 30,
) -> Page:
    """Threads of the readable ``categories`` (one ``category`` or ``tag`` of them if given):
    ``latest`` by last activity, ``unanswered`` (no reply yet) by last activity, ``top`` by
    helpful reactions among threads active in ``period`` (week, month, year, all). The API's
    read, as Thread objects; pages read the same list with ``thread_rows``."""
    threads = _listed_threads(categories, order=order, **_filters(order, category, tag, period))
    scope = _list_scope(order, category, tag, period)
    return paginate(_listed(threads), order=_keys(order), cursor=cursor, size=size, scope=scope)


ROW_FIELDS = (
    "id",
    "title",
    "post_count",
    "helpful_count",
    "accepted_post_id",
    "locked",
    "last_posted_at",
    "category__slug",
    "category__name_en",
    "category__name_fr",
    "category__name_zh_hans",
    "author__display_name",
    "joined_tag_names",
)


def thread_rows(
    *,
    reader: tuple[tuple[str, ...], int | None],
    order: str = "latest",
    category: Category | None = None,
    tag: Tag | None = None,
    period: str | None = None,
    cursor: str | None = None,
    size: int = 30,
) -> Page:
    """``thread_list`` for pages, with the same cursors: rows are dicts of ``ROW_FIELDS``, read by
    a query compiled once per process (``core.prepared``). ``reader`` is ``access.reader``'s
    answer for the viewer."""
    restrictions, facilitator_id = reader
    filters = _filters(order, category, tag, period)

    def fetch(position: list | None) -> list[dict]:
        return _THREAD_ROWS.rows(
            (order, restrictions, size),
            facilitator_id=facilitator_id,
            **filters,
            after_key=position[0] if position else None,
            after_id=position[1] if position else None,
        )

    scope = _list_scope(order, category, tag, period)
    return paginate_read(fetch, order=_keys(order), cursor=cursor, size=size, scope=scope)


def _thread_rows_query(shape, *, facilitator_id, category_id, tag_id, since, after_key, after_id):
    order, restrictions, size = shape
    categories = access.categories_readable_as(restrictions, facilitator_id)
    threads = _listed_threads(
        categories, order=order, category_id=category_id, tag_id=tag_id, since=since
    )
    fields = [key.removeprefix("-") for key in _keys(order)]
    if after_id is not None:
        threads = threads.filter(after(fields, [after_key, after_id]))
    threads = threads.with_tag_names().order_by(*(F(field).desc() for field in fields))
    return threads.values(*ROW_FIELDS)[: size + 1]


_THREAD_ROWS = Prepared(_thread_rows_query)


def _listed_threads(categories, *, order, category_id, tag_id, since) -> QuerySet:
    threads = Thread.objects.filter(hidden_at__isnull=True)
    if category_id is not None:
        threads = threads.filter(category_id=category_id)
    else:
        threads = threads.filter(category__in=categories)
    if tag_id is not None:
        threads = threads.filter(tags=tag_id)
    if order == "unanswered":
        threads = threads.filter(post_count=1)
    if since is not None:
        threads = threads.filter(last_posted_at__gte=since)
    return threads


def _filters(order: str, category, tag, period) -> dict:
    """The arguments of ``_listed_threads`` that both reads of a list give it."""
    return {
        "category_id": category.pk if category else None,
        "tag_id": tag.pk if tag else None,
        "since": _active_since(order, period),
    }


def _keys(order: str) -> tuple[str, str]:
    return TOP if order == "top" else LATEST


def _active_since(order: str, period: str | None):
    since = PERIODS.get(period or "all") if order == "top" else None
    return timezone.now() - since if since is not None else None


def _list_scope(order, category, tag, period) -> dict:
    return {
        "order": order,
        "category": category.pk if category else None,
        "tag": tag.pk if tag else None,
        "period": period if order == "top" else None,
    }


def unread_counts(*, member, post_counts: dict[int, int]) -> dict[int, int]:
    """Posts each thread of ``post_counts`` (a thread's id: its post count) has had since
    ``member`` last read it, for threads they have read before (one query); threads never
    opened are not counted as unread."""
    if not member.is_authenticated or not post_counts:
        return {}
    positions = ReadPosition.objects.filter(member=member, thread_id__in=post_counts).values_list(
        "thread_id", "last_read"
    )
    counts = {}
    for thread_id, last_read in positions:
        unread = post_counts[thread_id] - last_read
        if unread > 0:
            counts[thread_id] = unread
    return counts


UNREAD_ORDER = ("-thread__last_posted_at", "-thread_id")


def unread_threads(*, member, reader, cursor: str | None = None, size: int = 30) -> Page:
    """Threads ``member`` has read before that have posts since, newest activity first, as rows
    of ``thread_rows`` that also carry ``unread`` (how many posts are new); ``reader`` is
    ``access.reader``'s answer for the member."""
    restrictions, facilitator_id = reader

    def fetch(position: list | None) -> list[dict]:
        return _UNREAD_ROWS.rows(
            (restrictions, size),
            member_id=member.pk,
            facilitator_id=facilitator_id,
            after_key=position[0] if position else None,
            after_id=position[1] if position else None,
        )

    page = paginate_read(fetch, order=UNREAD_ORDER, cursor=cursor, size=size)
    return Page(items=[_as_thread_row(row) for row in page.items], next_cursor=page.next_cursor)


_THREAD_COLUMNS = tuple(
    f"thread__{name}" for name in ROW_FIELDS if name not in ("id", "joined_tag_names")
)


def _unread_rows_query(shape, *, member_id, facilitator_id, after_key, after_id):
    restrictions, size = shape
    fields = [key.removeprefix("-") for key in UNREAD_ORDER]
    positions = ReadPosition.objects.filter(
        member_id=member_id,
        thread__category__in=access.categories_readable_as(restrictions, facilitator_id),
        thread__post_count__gt=F("last_read"),
    )
    if after_id is not None:
        positions = positions.filter(after(fields, [after_key, after_id]))
    positions = positions.annotate(joined_tag_names=joined_tag_names("thread_id"))
    return positions.order_by(*(F(field).desc() for field in fields)).values(
        "thread_id", "last_read", "joined_tag_names", *_THREAD_COLUMNS
    )[: size + 1]


_UNREAD_ROWS = Prepared(_unread_rows_query)


def _as_thread_row(position: dict) -> dict:
    row = {name.removeprefix("thread__"): value for name, value in position.items()}
    row["id"] = row.pop("thread_id")
    row["unread"] = row["post_count"] - row.pop("last_read")
    return row


def reading_of(*, member, thread: Thread) -> dict | None:
    """How far ``member`` has read ``thread`` (``last_read``) and the day of their last visit to
    the forums, or None before their first visit to it: read at every view of a thread by a
    member, through a query compiled once (``core.prepared``)."""
    rows = _READING.rows(None, member_id=member.pk, thread_id=thread.pk)
    return rows[0] if rows else None


_READING = Prepared(
    lambda shape, *, member_id, thread_id: ReadPosition.objects.filter(
        member_id=member_id, thread_id=thread_id
    ).values("last_read", "member__forum_standing__last_visited_on")[:1]
)


def first_unread(*, member, thread: Thread) -> int:
    """The number of the first post ``member`` has not read (the last post when all are read;
    the opening post for a thread they never opened or for a visitor)."""
    if not member.is_authenticated:
        return 1
    last_read = (
        ReadPosition.objects.filter(member=member, thread=thread)
        .values_list("last_read", flat=True)
        .first()
    )
    if not last_read:
        return 1
    return min(last_read + 1, thread.post_count)


def bookmarks(*, member, categories=None, cursor: str | None = None, size: int = 30) -> Page:
    """``member``'s bookmarks, newest first, with each post's thread and author; only posts in
    ``categories`` (those the member may still read) when given."""
    marks = Bookmark.objects.filter(member=member).select_related(
        "post", "post__author", "post__thread", "post__thread__category"
    )
    if categories is not None:
        marks = marks.filter(post__thread__category__in=categories)
    return paginate(marks, order=("-created_at", "-id"), cursor=cursor, size=size)


# --- A thread ----------------------------------------------------------------------------------


@dataclass
class ThreadPage:
    posts: list[Post]
    after: int
    next_after: int | None
    previous_after: int | None
    accepted: Post | None = None
    helpful: set[int] = field(default_factory=set)
    bookmarked: set[int] = field(default_factory=set)
    profiles: set[int] = field(default_factory=set)  # authors whose profile the viewer may open
    follows: bool = False  # the viewer follows the thread

    @property
    def last_number(self) -> int:
        return self.posts[-1].number if self.posts else self.after


# A post as pages show it, with its author and the profile fields that decide whether the viewer
# may open their profile; not the Markdown source nor the search columns.
SHOWN_POST_FIELDS = (
    "thread_id",
    "number",
    "reply_to_id",
    "html",
    "language",
    "created_at",
    "edited_at",
    "deleted_at",
    "hidden_at",
    "helpful_count",
    "author__display_name",
    "author__is_active",
    "author__is_staff",
    "author__profile__handle",
    "author__profile__listing",
    "author__profile__onboarded_at",
)


def thread_page(*, thread: Thread, viewer, after: int = 0, size: int = 20) -> ThreadPage:
    """Posts numbered after ``after``, in order, with their authors, the viewer's helpful
    reactions and bookmarks, whether they follow the thread, and whose profiles they may open: a
    fixed number of queries however deep the page. Posts are numbered without gaps, so the page
    is the first ``size`` posts numbered after ``after`` (read in the order of the unique
    (thread, number) index, with a LIMIT: a range condition instead made PostgreSQL expect
    thousands of rows in a long thread and start parallel workers, 12 ms for 20 rows). The
    first page also carries the accepted answer, shown under the question."""
    after = max(0, after)
    posts = [_shown_post(row) for row in _POSTS.rows(size, thread_id=thread.pk, after=after)]
    accepted = _accepted_answer(thread) if after == 0 else None
    rows = [*posts, accepted] if accepted else posts
    for post in rows:
        post.thread = thread  # the permission checks read its category: no query per post
    page = ThreadPage(
        posts=posts,
        after=after,
        next_after=after + size if thread.post_count > after + size else None,
        previous_after=max(0, after - size) if after > 0 else None,
        accepted=accepted,
    )
    if viewer.is_authenticated:
        last = posts[-1].number if posts else after
        marks = _marks(viewer, thread, after=after, last=last)
        page.helpful, page.bookmarked = marks["helpful"], marks["bookmark"]
        page.follows = thread.pk in marks["follow"]
    authors = [post.author for post in rows if post.author is not None]
    page.profiles = viewable_profiles(viewer, authors)
    return page


def _accepted_answer(thread: Thread) -> Post | None:
    """Read on its own even when it is on the first page, so that the page's query count does not
    change as the thread grows past it."""
    if thread.accepted_post_id is None:
        return None
    rows = _ACCEPTED.rows(None, pk=thread.accepted_post_id)
    return _shown_post(rows[0]) if rows else None


# A thread page's posts are read through queries compiled once (``core.prepared``), then made into
# the objects a select_related query would give: the ORM spent longer building and compiling the
# query and making its 60 objects than PostgreSQL spent on the 20 rows.
_SHOWN_COLUMNS = ("id", "author_id", *SHOWN_POST_FIELDS, "author__id", "author__profile__user_id")
_POSTS = Prepared(
    lambda size, *, thread_id, after: (
        Post.objects.filter(thread_id=thread_id, number__gt=after)
        .order_by("number")
        .values(*_SHOWN_COLUMNS)[:size]
    )
)
_ACCEPTED = Prepared(lambda shape, *, pk: Post.objects.filter(pk=pk).values(*_SHOWN_COLUMNS))


def _shown_post(row: dict) -> Post:
    post = instance(Post, row)
    if row["author__id"] is not None:
        post.author = instance(User, row, "author__")
        if row["author__profile__user_id"] is not None:
            post.author.profile = instance(Profile, row, "author__profile__")
    return post


def _marks(viewer, thread: Thread, *, after: int, last: int) -> dict[str, set[int]]:
    """What ``viewer`` marked on the page of posts numbered ``after`` + 1 to ``last``, in one
    query: the posts they found helpful, those they bookmarked, and the thread if they follow
    it."""
    marks = {"helpful": set(), "bookmark": set(), "follow": set()}
    rows = _MARKS.rows(None, member_id=viewer.pk, thread_id=thread.pk, after=after, last=last)
    for row in rows:
        marks[row["mark"]].add(row["target"])
    return marks


def _marks_query(shape, *, member_id, thread_id, after, last):
    on_page = {"post__thread_id": thread_id, "post__number__gt": after, "post__number__lte": last}
    parts = (
        Reaction.objects.filter(member_id=member_id, kind=Reaction.Kind.HELPFUL, **on_page)
        .annotate(target=F("post_id"), mark=Value("helpful"))
        .values("target", "mark"),
        Bookmark.objects.filter(member_id=member_id, **on_page)
        .annotate(target=F("post_id"), mark=Value("bookmark"))
        .values("target", "mark"),
        ThreadFollow.objects.filter(member_id=member_id, thread_id=thread_id)
        .annotate(target=F("thread_id"), mark=Value("follow"))
        .values("target", "mark"),
    )
    return parts[0].union(*parts[1:], all=True)


_MARKS = Prepared(_marks_query)


def viewable_profiles(viewer, users) -> set[int]:
    """The ids of ``users`` whose profile ``viewer`` may open, decided as
    ``members.access.may_see_profile`` would, with one query at most (for hidden profiles, which
    only the members of the same organisations may open)."""
    allowed, hidden = set(), set()
    for user in users:
        profile = getattr(user, "profile", None)
        if profile is None or user.pk in allowed:
            continue
        if viewer.is_authenticated and viewer.pk == user.pk:
            allowed.add(user.pk)
        elif not member_access.exists_to_others(profile):
            continue
        elif member_access.may_see_profile_of_stranger(viewer, profile):
            allowed.add(user.pk)
        elif viewer.is_authenticated and profile.listing == Profile.Listing.HIDDEN:
            if viewer.is_staff:
                allowed.add(user.pk)
            else:
                hidden.add(user.pk)
    if hidden:
        allowed |= set(
            Membership.objects.filter(
                user_id__in=hidden, organisation__memberships__user=viewer
            ).values_list("user_id", flat=True)
        )
    return allowed


def follows_category(*, member, category: Category) -> bool:
    return (
        member.is_authenticated
        and CategoryFollow.objects.filter(member=member, category=category).exists()
    )


def revisions(post: Post) -> list[PostRevision]:
    """A post's earlier versions, oldest first, with who made each change."""
    return list(post.revisions.select_related("edited_by").order_by("created_at", "id"))


def tag_named(name: str) -> Tag | None:
    return Tag.objects.filter(name=name).first()


def grouped_categories(categories) -> dict[str, list[Category]]:
    """Readable categories for the forum index, topics first, then sectors, each in order."""
    groups = {Category.Kind.TOPIC: [], Category.Kind.SECTOR: []}
    for category in categories:
        groups[category.kind].append(category)
    return groups
