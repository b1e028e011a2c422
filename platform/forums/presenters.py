"""A thread list's rows and a thread page's posts, worked out once in Python and rendered by
Jinja2 fragments (``core.jinja``) that the Django pages place.

Why: Django's template engine costs a few microseconds per variable and tens per ``{% url %}``,
``{% blocktranslate %}`` or ``{% include %}``: a list of 30 threads written with those spent
about 9 ms of a 16 ms page in its template. Here every address is made with ``core.links`` (one
``reverse`` per view and page), every count is translated once per page, and the fragments only
place finished strings: the markup stays in templates, the work moves here.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.html import avoid_wrapping
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import gettext, ngettext_lazy

from core import jinja
from core.chinese import in_reader_script
from core.dates import DateTimes
from core.links import Links
from forums import access
from forums.models import Category, Post, Thread, split_tag_names
from forums.selectors import ThreadPage

# Counted texts (``Counts``), where ``makemessages`` finds them.
REPLIES = ngettext_lazy("%(counter)s reply", "%(counter)s replies", "counter")
HELPFUL = ngettext_lazy("%(counter)s helpful", "%(counter)s helpful", "counter")
NEW_SINCE = ngettext_lazy(
    "%(counter)s new since your last visit", "%(counter)s new since your last visit", "counter"
)
FOUND_HELPFUL = ngettext_lazy(
    "%(counter)s found this helpful", "%(counter)s found this helpful", "counter"
)


# Not frozen: a frozen dataclass's __init__ sets each field through object.__setattr__.
@dataclass(slots=True)
class ThreadRow:
    url: str
    title: str
    answered: bool
    locked: bool
    category: str
    category_url: str
    author: str
    tags: list[tuple[str, str]]  # (name, address)
    replies: str
    helpful: str  # "" when nobody found it helpful
    active_at: str  # ISO 8601, for <time datetime>
    active_ago: str
    unread: str  # "" when nothing is new to the viewer
    unread_url: str


def thread_list(
    threads: list[dict],
    *,
    more: str | None,
    unread: dict[int, int],
    hide_category: bool = False,
) -> SafeString:
    """The list of ``threads`` (rows of ``selectors.thread_rows``) as HTML: ``unread`` maps a
    thread's id to the posts new to the viewer, ``more`` is the address of the next page."""
    rows = _rows(threads, unread=unread)
    context = {"rows": rows, "more": more, "hide_category": hide_category}
    return jinja.fragment("forums/_thread_rows.jinja", context)


def _rows(threads: list[dict], *, unread: dict[int, int]) -> list[ThreadRow]:
    links, count, ago = Links(), Counts(), Ages(timezone.now())
    deleted_member = gettext("Deleted member")
    category_name = f"category__{Category.name_field()}"
    rows = []
    for thread in threads:
        pk, new = thread["id"], unread.get(thread["id"], 0)
        unread_url = links("forums:thread_unread", pk) if new else ""
        rows.append(
            ThreadRow(
                url=unread_url or links("forums:thread", pk),
                title=thread["title"],
                answered=thread["accepted_post_id"] is not None,
                locked=thread["locked"],
                category=in_reader_script(thread[category_name] or thread["category__name_en"]),
                category_url=links("forums:category", thread["category__slug"]),
                author=thread["author__display_name"] or deleted_member,
                tags=_tags(split_tag_names(thread["joined_tag_names"]), links),
                replies=count(thread["post_count"] - 1, REPLIES),
                helpful=count(thread["helpful_count"], HELPFUL) if thread["helpful_count"] else "",
                active_at=thread["last_posted_at"].isoformat(),
                active_ago=ago(thread["last_posted_at"]),
                unread=count(new, NEW_SINCE) if new else "",
                unread_url=unread_url,
            )
        )
    return rows


@dataclass(slots=True)
class SearchResult:
    url: str  # the post, read in place
    title: SafeString  # the thread's, its words highlighted
    category: str
    author: str
    author_url: str  # "" when the author has no profile
    posted_at: str  # ISO 8601, for <time datetime>
    posted_on: str
    reply: str  # "reply #3", "" for an opening post
    snippet: SafeString


def search_results(posts: list[Post]) -> list[SearchResult]:
    """The posts ``forums.search.search_posts`` found, as the search page lists them."""
    links, day = Links(), DateTimes("DATE_FORMAT")
    deleted_member, reply_number = gettext("Deleted member"), gettext("reply #%(number)s")
    results = []
    for post in posts:
        author = post.author
        profile = getattr(author, "profile", None) if author else None
        results.append(
            SearchResult(
                url=post.address_in(links("forums:thread", post.thread_id)),
                title=post.title_html,
                category=post.thread.category.name,
                author=author.display_name if author else deleted_member,
                author_url=links("members:profile", profile.handle) if profile else "",
                posted_at=post.created_at.isoformat(),
                posted_on=day(post.created_at),
                reply=reply_number % {"number": post.number} if post.number > 1 else "",
                snippet=post.snippet,
            )
        )
    return results


def reply_count(thread: Thread) -> str:
    """A thread's replies counted in words: "3 replies"."""
    return REPLIES % {"counter": thread.reply_count}


def tag_links(thread: Thread) -> list[tuple[str, str]]:
    """A thread's tags with the address of each one's list."""
    return _tags(thread.tag_names, Links())


def _tags(names: list[str], links: Links) -> list[tuple[str, str]]:
    return [(name, links("forums:tag", name)) for name in names]


class Counts:
    """``count(3, REPLIES)``: "3 replies", for a text made with ``ngettext_lazy(singular, plural,
    "counter")``, translated once per distinct text and number on a page (a list repeats the
    same few counts)."""

    def __init__(self):
        self._said: dict[tuple[int, int], str] = {}

    def __call__(self, number: int, text) -> str:
        key = (id(text), number)  # the texts are module constants: their ids hold
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = text % {"counter": number}
        return said


class Ages:
    """``ago(when)``: "3 hours ago", in the largest whole unit as ``timesince(depth=1)`` says it
    (a month is 30 days, a year 365), translated once per distinct text on a page."""

    UNITS = (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    )

    def __init__(self, now):
        self.now = now
        self._ago = gettext("%(when)s ago")
        self._said: dict[tuple[str, int], str] = {}

    def __call__(self, when) -> str:
        seconds = (self.now - when).total_seconds()
        unit, number = next(
            ((unit, int(seconds // size)) for unit, size in self.UNITS if seconds >= size),
            ("minute", 0),
        )
        said = self._said.get((unit, number))
        if said is None:
            when = avoid_wrapping(TIME_STRINGS[unit] % {"num": number})
            said = self._said[(unit, number)] = self._ago % {"when": when}
        return said


@dataclass(slots=True)
class PostItem:
    """A post as a thread page shows it. ``pk``, ``helpful_count``, ``is_helpful`` and
    ``is_bookmarked`` are what the helpful and bookmark toggles (``_helpful.jinja``,
    ``_bookmark.jinja``) read, here and when htmx swaps them alone."""

    pk: int
    number: int
    label: str  # "Post #3", for screen readers
    opening: bool
    accepted: bool
    deleted: bool
    hidden: bool  # moderators hid it; the viewer reads it all the same (its author, or staff)
    concealed: bool  # moderators hid it from the viewer: its place shows, not its text
    html: SafeString
    author_name: str  # "" when the author's account was deleted
    author_handle: str  # "" unless the viewer may open the author's profile
    own: bool  # the viewer wrote it
    created_at: str  # ISO 8601
    created_label: str
    reply_to_id: int | None  # None once the post is deleted
    edited: bool
    helpful_count: int
    helpful_label: str
    is_helpful: bool
    is_bookmarked: bool
    may_edit: bool
    may_delete: bool
    may_accept: bool  # the viewer may mark this reply as the accepted answer


def thread_posts(page: ThreadPage, *, thread: Thread, request, may_reply: bool) -> SafeString:
    """The posts of ``page``, with the accepted answer under the question on the first page, as
    HTML for the viewer of ``request``."""
    present = _PostPresenter(page, thread, _unwrapped(request.user))
    context = {
        "posts": [present(post) for post in page.posts],
        "accepted": present(page.accepted) if page.accepted else None,
        "accepted_url": page.accepted.address_in(present.links("forums:thread", thread.pk))
        if page.accepted
        else "",
        "thread": thread,
        "may_reply": may_reply,
        "links": present.links,
    }
    return jinja.fragment("forums/_posts.jinja", context, request)


def _unwrapped(user):
    """The user behind ``request.user``'s lazy wrapper, through which every attribute read
    costs a call: a thread page asks about its viewer a few hundred times (a permission check
    per post and action)."""
    if not isinstance(user, LazyObject):
        return user
    if user._wrapped is empty:
        user._setup()
    return user._wrapped


class _PostPresenter:
    def __init__(self, page: ThreadPage, thread: Thread, viewer):
        self.page, self.thread, self.viewer = page, thread, viewer
        self.links, self.count, self.when = Links(), Counts(), DateTimes()
        self.post_label = gettext("Post #%(number)s")
        self.may_accept = access.may_accept(viewer, thread)

    def __call__(self, post: Post) -> PostItem:
        deleted, author = post.is_deleted, post.author
        concealed = post.is_hidden and not access.may_see_hidden(self.viewer, post.author_id)
        return PostItem(
            pk=post.pk,
            number=post.number,
            label=self.post_label % {"number": post.number},
            opening=post.is_opening,
            accepted=post.pk == self.thread.accepted_post_id,
            deleted=deleted,
            hidden=post.is_hidden and not concealed,
            concealed=concealed,
            html=mark_safe("" if concealed else post.html),  # noqa: S308 - sanitised with nh3
            author_name=author.display_name if author else "",
            author_handle=author.profile.handle if post.author_id in self.page.profiles else "",
            own=self.viewer.is_authenticated and post.author_id == self.viewer.pk,
            created_at=post.created_at.isoformat(),
            created_label=self.when(post.created_at),
            reply_to_id=None if deleted else post.reply_to_id,
            edited=bool(post.edited_at) and not deleted,
            helpful_count=post.helpful_count,
            helpful_label=self.count(post.helpful_count, FOUND_HELPFUL),
            is_helpful=post.pk in self.page.helpful,
            is_bookmarked=post.pk in self.page.bookmarked,
            may_edit=access.may_edit(self.viewer, post),
            may_delete=access.may_delete(self.viewer, post),
            may_accept=self.may_accept
            and not post.is_opening
            and not deleted
            and not post.is_hidden
            and author is not None,
        )
