"""The one door to forum categories, threads and posts, and every rule of who reads and writes.

``access_<thing>`` answers 404 when the viewer may not read the category a thing lives in (so a
staff-only thread looks like no thread at all) and 403 when they may read it but not change it.
The rules:

- A category's restriction says who reads it: open categories everyone, members-only ones any
  signed-in member, facilitators' ones members who represent a facilitator or belong to a public
  or private facilitator organisation, staff-only ones staff. Staff read everything.
- Whoever reads a category and is a signed-in, active member may post in it. Locked threads take
  replies from staff only.
- Authors edit their posts for ``FORUM_EDIT_WINDOW`` (a setting, 24 hours unless set) after
  posting, and delete them at any time; staff edit and delete any post. Deleted posts stay where
  they were (the thread reads "deleted by its author") but nobody changes them again.
- The thread's author, or staff, accept an answer.
- What moderators hide stays readable by its author and staff only: a hidden thread is a 404 for
  everyone else and takes no replies; a hidden post keeps its place. The author may edit a hidden
  post whenever they like (the edit asks the moderators for another review).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Q
from django.http import Http404
from django.utils import timezone

from core.ids import as_id
from core.prepared import Prepared, columns, instance
from forums.models import Category, Post, Thread
from members.models import User
from members.selectors import facilitating

R = Category.Restriction


def edit_window() -> timedelta:
    return settings.FORUM_EDIT_WINDOW


def _is_member(viewer) -> bool:
    return viewer.is_authenticated and viewer.is_active


def _is_staff(viewer) -> bool:
    return _is_member(viewer) and viewer.is_staff


def _facilitators():
    return User.objects.filter(facilitating())


def is_facilitator(viewer) -> bool:
    """Represents a facilitator on their profile, or belongs to a facilitator organisation.
    Asked once per viewer object (one query), since a page asks it for every category."""
    if not _is_member(viewer):
        return False
    cached = getattr(viewer, "_forum_facilitator", None)
    if cached is None:
        cached = _facilitators().filter(pk=viewer.pk).exists()
        viewer._forum_facilitator = cached
    return cached


def readable_restrictions(viewer) -> list[str]:
    if not _is_member(viewer):
        return [R.NONE]
    if viewer.is_staff:
        return list(R.values)
    if is_facilitator(viewer):
        return [R.NONE, R.MEMBERS, R.FACILITATORS]
    return [R.NONE, R.MEMBERS]


def readable_categories(viewer):
    """The categories ``viewer`` may read: a queryset, usable as a subquery
    (``Thread.objects.filter(category__in=readable_categories(viewer))``)."""
    return categories_readable_as(*reader(viewer))


def reader(viewer) -> tuple[tuple[str, ...], int | None]:
    """What decides the categories ``viewer`` reads, as ``categories_readable_as`` takes it: the
    restrictions they read for certain, and the id of a member who also reads facilitators'
    categories if they are one. Whether a member is a facilitator is asked inside the query
    rather than in a query of its own, unless it is known already."""
    if not _is_member(viewer) or viewer.is_staff or hasattr(viewer, "_forum_facilitator"):
        return tuple(readable_restrictions(viewer)), None
    return (R.NONE, R.MEMBERS), viewer.pk


def categories_readable_as(restrictions: tuple[str, ...], facilitator_id: int | None = None):
    readable = Q(restriction__in=restrictions)
    if facilitator_id is not None:
        facilitator = Exists(_facilitators().filter(pk=facilitator_id))
        readable |= Q(restriction=R.FACILITATORS) & facilitator
    return Category.objects.filter(readable)


def readers(category: Category, members):
    """Those of ``members`` (a queryset of users) who may read ``category``: whom the forums may
    tell about what happens in it."""
    members = members.filter(is_active=True)
    if category.restriction == R.STAFF:
        return members.filter(is_staff=True)
    if category.restriction == R.FACILITATORS:
        return members.filter(Q(is_staff=True) | facilitating()).distinct()
    return members


def may_read(viewer, category: Category) -> bool:
    return category.restriction in readable_restrictions(viewer)


def may_post_in(viewer, category: Category) -> bool:
    return _is_member(viewer) and may_read(viewer, category)


def may_reply(viewer, thread: Thread) -> bool:
    if not may_post_in(viewer, thread.category):
        return False
    return not (thread.locked or thread.hidden_at) or viewer.is_staff


def may_see_hidden(viewer, author_id: int | None) -> bool:
    """Whether ``viewer`` reads what moderators hid of ``author_id``'s: staff, or the author."""
    return _is_staff(viewer) or (_is_member(viewer) and author_id == viewer.pk)


def _is_author(viewer, post: Post) -> bool:
    return _is_member(viewer) and post.author_id is not None and post.author_id == viewer.pk


def may_edit(viewer, post: Post) -> bool:
    if post.is_deleted or not may_read(viewer, post.thread.category):
        return False
    if _is_staff(viewer):
        return True
    if not _is_author(viewer, post):
        return False
    if post.is_hidden:
        return True
    return not post.thread.locked and timezone.now() - post.created_at <= edit_window()


def may_delete(viewer, post: Post) -> bool:
    if post.is_deleted or not may_read(viewer, post.thread.category):
        return False
    return _is_staff(viewer) or _is_author(viewer, post)


def may_accept(viewer, thread: Thread) -> bool:
    if not may_read(viewer, thread.category):
        return False
    if _is_staff(viewer):
        return True
    return _is_member(viewer) and thread.author_id is not None and thread.author_id == viewer.pk


def access_category(viewer, slug: str, *, for_write: bool = False) -> Category:
    """A category the viewer reads; ``for_write``: one they may start threads in."""
    readable_slug = isinstance(slug, str) and "\x00" not in slug  # PostgreSQL refuses NUL
    category = _category(slug) if readable_slug else None
    if category is None or not may_read(viewer, category):
        raise Http404
    if for_write and not may_post_in(viewer, category):
        raise PermissionDenied
    return category


def access_thread(viewer, thread_id, *, for_write: bool = False) -> Thread:
    """A thread in a category the viewer reads (with its tag names: every page shows them);
    ``for_write``: one they may reply to."""
    pk = as_id(thread_id)
    thread = _thread(pk) if pk else None
    if thread is None or not _may_read_thread(viewer, thread):
        raise Http404
    if for_write and not may_reply(viewer, thread):
        raise PermissionDenied
    return thread


def _may_read_thread(viewer, thread: Thread) -> bool:
    if thread.hidden_at is not None and not may_see_hidden(viewer, thread.author_id):
        return False
    return may_read(viewer, thread.category)


def _thread_query(shape, *, pk):
    threads = Thread.objects.filter(pk=pk).with_tag_names()
    return threads.values(*columns(Thread), *columns(Category, "category__"), "joined_tag_names")


_THREAD = Prepared(_thread_query)
_CATEGORY = Prepared(
    lambda shape, *, slug: Category.objects.filter(slug=slug).values(*columns(Category))
)


def _category(slug: str) -> Category | None:
    rows = _CATEGORY.rows(None, slug=slug)
    return instance(Category, rows[0]) if rows else None


def _thread(pk: int) -> Thread | None:
    """The thread with its category and tag names. This and ``_category`` are read on every
    page of the forums, so through queries compiled once (``core.prepared``), then made into the
    objects the ORM would make."""
    rows = _THREAD.rows(None, pk=pk)
    if not rows:
        return None
    thread = instance(Thread, rows[0])
    thread.category = instance(Category, rows[0], "category__")
    thread.joined_tag_names = rows[0]["joined_tag_names"]
    return thread


def access_post(viewer, post_id, *, for_write: bool = False) -> Post:
    """A post in a category the viewer reads (deleted ones too: the thread shows where they
    were); ``for_write``: one they may edit."""
    pk = as_id(post_id)
    post = (
        Post.objects.select_related("thread__category", "author").filter(pk=pk).first()
        if pk
        else None
    )
    if post is None or not _may_read_thread(viewer, post.thread):
        raise Http404
    if for_write and not may_edit(viewer, post):
        raise PermissionDenied
    return post
