"""What a row of a thread list and a post of a thread page show, worked out once in Python.

Why: Django's template engine costs a few microseconds per variable and tens per ``{% url %}``,
``{% blocktranslate %}`` or ``{% include %}``. A list of 30 threads written with those spent
about 9 ms of a 16 ms page in the template. Here every address is made with ``core.links``
(one ``reverse`` per view and page), every count is one ``ngettext``, and the templates only
place finished strings: the markup stays in the templates, the work moves here.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from core.links import Links
from forums import access
from forums.models import Post, Thread
from forums.selectors import ThreadPage


@dataclass(frozen=True, slots=True)
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


def thread_rows(threads: list[Thread], *, unread: dict[int, int] | None = None) -> list[ThreadRow]:
    """Rows of a thread list; ``unread`` maps a thread's id to the posts new to the viewer (the
    unread view sets ``thread.unread`` itself)."""
    links, now = Links(), timezone.now()
    deleted_member = gettext("Deleted member")
    rows = []
    for thread in threads:
        new = unread.get(thread.pk, 0) if unread is not None else getattr(thread, "unread", 0)
        unread_url = links("forums:thread_unread", thread.pk) if new else ""
        rows.append(
            ThreadRow(
                url=unread_url or links("forums:thread", thread.pk),
                title=thread.title,
                answered=thread.accepted_post_id is not None,
                locked=thread.locked,
                category=thread.category.name,
                category_url=links("forums:category", thread.category.slug),
                author=thread.author.display_name if thread.author else deleted_member,
                tags=tag_links(thread, links),
                replies=_count(thread.reply_count, "%(counter)s reply", "%(counter)s replies"),
                helpful=_count(thread.helpful_count, "%(counter)s helpful", "%(counter)s helpful")
                if thread.helpful_count
                else "",
                active_at=thread.last_posted_at.isoformat(),
                active_ago=_ago(thread.last_posted_at, now),
                unread=_count(
                    new,
                    "%(counter)s new since your last visit",
                    "%(counter)s new since your last visit",
                )
                if new
                else "",
                unread_url=unread_url,
            )
        )
    return rows


def tag_links(thread: Thread, links: Links | None = None) -> list[tuple[str, str]]:
    """A thread's tags (``selectors.with_tag_names``) with the address of each one's list."""
    links = links or Links()
    return [(name, links("forums:tag", name)) for name in thread.tag_names]


def _count(number: int, singular: str, plural: str) -> str:
    return ngettext(singular, plural, number) % {"counter": number}


def _ago(moment, now) -> str:
    return gettext("%(when)s ago") % {"when": timesince(moment, now, depth=1)}


@dataclass(frozen=True, slots=True)
class PostItem:
    """A post as a thread page shows it. ``pk``, ``helpful_count``, ``is_helpful`` and
    ``is_bookmarked`` are what the helpful and bookmark toggles (``_helpful.html``,
    ``_bookmark.html``) read, here and when htmx swaps them alone."""

    pk: int
    number: int
    label: str  # "Post #3", for screen readers
    opening: bool
    accepted: bool
    deleted: bool
    html: SafeString
    author: SafeString  # the author's name, a link to their profile when the viewer may open it
    author_name: str
    own: bool  # the viewer wrote it
    created_at: str  # ISO 8601
    created_label: str
    url: str
    reply_to_url: str
    history_url: str
    helpful_count: int
    helpful_label: str
    is_helpful: bool
    is_bookmarked: bool
    edit_url: str
    delete_url: str
    accept_url: str  # "" unless the viewer may mark this reply as the accepted answer


def thread_posts(page: ThreadPage, *, thread: Thread, viewer) -> list[PostItem]:
    """The posts of ``page`` as the thread page shows them to ``viewer``."""
    present = _PostPresenter(page, thread, viewer)
    return [present(post) for post in page.posts]


def accepted_post(page: ThreadPage, *, thread: Thread, viewer) -> PostItem | None:
    """The accepted answer shown under the question on the first page, if there is one."""
    return _PostPresenter(page, thread, viewer)(page.accepted) if page.accepted else None


class _PostPresenter:
    def __init__(self, page: ThreadPage, thread: Thread, viewer):
        self.page, self.thread, self.viewer = page, thread, viewer
        self.links = Links()
        self.may_accept = access.may_accept(viewer, thread)
        self.deleted_member = gettext("Deleted member")

    def __call__(self, post: Post) -> PostItem:
        links, deleted = self.links, post.is_deleted
        created = timezone.localtime(post.created_at)
        return PostItem(
            pk=post.pk,
            number=post.number,
            label=gettext("Post #%(number)s") % {"number": post.number},
            opening=post.is_opening,
            accepted=post.pk == self.thread.accepted_post_id,
            deleted=deleted,
            html=mark_safe(post.html),  # noqa: S308 - sanitised with nh3 when it was saved
            author=self._author(post),
            author_name=post.author.display_name if post.author else "",
            own=self.viewer.is_authenticated and post.author_id == self.viewer.pk,
            created_at=created.isoformat(),
            created_label=date_format(created, "DATETIME_FORMAT"),
            url=post.address_in(links("forums:thread", post.thread_id)),
            reply_to_url=links("forums:post", post.reply_to_id)
            if post.reply_to_id and not deleted
            else "",
            history_url=links("forums:post_history", post.pk)
            if post.edited_at and not deleted
            else "",
            helpful_count=post.helpful_count,
            helpful_label=_count(
                post.helpful_count,
                "%(counter)s found this helpful",
                "%(counter)s found this helpful",
            ),
            is_helpful=post.pk in self.page.helpful,
            is_bookmarked=post.pk in self.page.bookmarked,
            edit_url=links("forums:edit_post", post.pk)
            if access.may_edit(self.viewer, post)
            else "",
            delete_url=links("forums:delete_post", post.pk)
            if access.may_delete(self.viewer, post)
            else "",
            accept_url=links("forums:accept", post.pk)
            if self.may_accept and not post.is_opening and not deleted and post.author_id
            else "",
        )

    def _author(self, post: Post) -> SafeString:
        if post.author is None:
            return format_html('<span class="author">{}</span>', self.deleted_member)
        name = post.author.display_name
        if post.author_id not in self.page.profiles:
            return format_html('<span class="author">{}</span>', name)
        url = self.links("members:profile", post.author.profile.handle)
        return format_html('<a class="author" href="{}">{}</a>', url, name)
