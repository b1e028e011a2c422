"""The forums' write side: every change a member or staff makes to categories, threads and posts.

Each function checks who may do it (``forums.access``), validates, writes in one transaction and
keeps the counters that lists read (threads and posts per category, posts and helpful marks per
thread, what ``ForumStanding`` counts towards trust levels) with F() expressions, so that two
members posting at once never lose a count. Post numbers are allocated under a lock on the
thread's row. Search fields are refreshed through ``forums.indexing``; notifications are written
in the same transaction and only to members who may read the category.

Decisions worth knowing:

- A deleted post keeps its place, its number and its helpful marks (the help was given; marks
  never vanish with a deletion), leaves search, and loses the accepted-answer mark if it had it.
  Nobody may mark it helpful afterwards, nor accept it; who marked it may still take a mark back.
- Members rise from new to basic and from basic to member by reading and being found helpful
  (``PROMOTIONS``); the forums never lower a level, nor touch one staff set higher.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.markdown import Rendered, render_post
from forums import access, events, kinds, selectors
from forums.indexing import index_hidden_or_shown, index_post, index_thread
from forums.models import (
    Bookmark,
    Category,
    CategoryFollow,
    ForumStanding,
    Post,
    PostRevision,
    Reaction,
    ReadPosition,
    Tag,
    Thread,
    ThreadFollow,
    clean_body,
    clean_tags,
    clean_title,
)
from members.models import Sector, User
from members.selectors import mentionable
from members.services import set_trust_level
from members.trust import Action, TrustLevel, check_content, check_pace, limits_for
from notifications.services import notify

DAY = timedelta(days=1)
SECTOR_POSITIONS_FROM = 100  # sector categories come after the topics (migration 0002)


def _render(writer: User, body: str) -> Rendered:
    """``body`` rendered as ``writer``'s trust level allows, or a ValidationError on "body"
    naming each excess."""
    allow_images = writer.is_staff or limits_for(writer).images
    rendered = render_post(body, mentions=mentionable, allow_images=allow_images)
    errors = check_content(
        writer, links=rendered.links, mentions=len(rendered.mentions), images=rendered.images
    )
    if errors:
        raise ValidationError({"body": errors})
    return rendered


def _mentioned(rendered: Rendered) -> list[str]:
    """The handles in ``rendered`` that became links to members."""
    known = mentionable(rendered.mentions) if rendered.mentions else {}
    return [handle for handle in rendered.mentions if handle in known]


def _check_pace(author: User, action: str) -> None:
    """Daily limits and the pause between posts, from one range scan of the author's posts of
    the last day (the ``post_by_author`` index). Deleted posts count: deleting one to post
    again does not reset a limit."""
    if author.is_staff:
        return
    counts = Post.objects.filter(author=author, created_at__gte=timezone.now() - DAY).aggregate(
        threads=Count("pk", filter=Q(number=1)),
        replies=Count("pk", filter=Q(number__gt=1)),
        last=Max("created_at"),
    )
    posted = counts["threads"] if action == Action.THREAD else counts["replies"]
    try:
        check_pace(author, action, posted_today=posted, last_posted_at=counts["last"])
    except ValidationError as error:
        raise ValidationError({"body": error.error_list}) from None


def _clean(**checks) -> dict:
    """Run each field's check; every field at fault is reported at once, keyed to it."""
    cleaned, errors = {}, {}
    for field, check in checks.items():
        try:
            cleaned[field] = check()
        except ValidationError as error:
            errors[field] = error.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned


def _language(language: str | None, author: User) -> str:
    language = language or author.language
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    return language


def _refuse(message) -> None:
    raise PermissionDenied(message)


# --- Counters and standing --------------------------------------------------------------------


def _add_to_standing(member: User, **increments: int) -> None:
    changes = {field: F(field) + amount for field, amount in increments.items()}
    if not ForumStanding.objects.filter(pk=member.pk).update(**changes):
        ForumStanding.objects.get_or_create(member=member)
        ForumStanding.objects.filter(pk=member.pk).update(**changes)


@dataclass(frozen=True)
class Requirement:
    threads_entered: int = 0
    posts_read: int = 0
    days_visited: int = 0
    helpful_received: int = 0

    def met_by(self, standing: ForumStanding) -> bool:
        return all(getattr(standing, field) >= needed for field, needed in vars(self).items())


# Discourse's first two steps, in this platform's words: a newcomer who has looked around becomes
# a basic member; one who keeps coming back, reads widely and has helped others becomes a member.
# Higher levels are for staff to give.
PROMOTIONS = (
    (TrustLevel.BASIC, Requirement(threads_entered=5, posts_read=30)),
    (
        TrustLevel.MEMBER,
        Requirement(threads_entered=20, posts_read=100, days_visited=10, helpful_received=3),
    ),
)


def promote(member: User) -> User:
    """Raise ``member``'s trust level as far as their standing has earned; never lowers one."""
    standing = ForumStanding.objects.select_related("member").filter(pk=member.pk).first()
    if standing is None:
        return member
    current = standing.member.trust_level
    earned = max(
        (level for level, requirement in PROMOTIONS if requirement.met_by(standing)),
        default=TrustLevel.NEW,
    )
    if earned > current:
        set_trust_level(user=standing.member, level=earned, actor=None)
        current = earned
    member.trust_level = current
    return member


# --- Notifications ------------------------------------------------------------------------------


def _tell(kind, recipients, *, post: Post, thread: Thread, actor: User) -> set[int]:
    """Notify those of ``recipients`` who may read the thread; returns who was told."""
    members = list(access.readers(thread.category, recipients))
    notify(
        recipients=members,
        kind=kind,
        actor=actor,
        subject=thread.title,
        url=post.get_absolute_url(),
        target=post,
        batch_key=f"thread:{thread.pk}",
    )
    return {member.pk for member in members}


def _announce(post: Post, thread: Thread, reasons, *, actor: User | None = None) -> None:
    """Each member hears of a post once, by the first (most personal) of ``reasons`` — pairs of
    a notification kind and the members it names — that names them."""
    told = {post.author_id}
    for kind, members in reasons:
        told |= _tell(
            kind,
            members.exclude(pk__in=told),
            post=post,
            thread=thread,
            actor=actor or post.author,
        )


def _mention_reason(handles: list[str]) -> list:
    if not handles:
        return []
    return [(kinds.MENTION, User.objects.filter(profile__handle__in=handles))]


def _announce_thread(thread: Thread, post: Post, mentions: list[str]) -> None:
    followers = User.objects.filter(followed_categories__category=thread.category_id)
    _announce(post, thread, [*_mention_reason(mentions), (kinds.FOLLOWED_CATEGORY, followers)])


def _announce_reply(thread: Thread, post: Post, mentions: list[str]) -> None:
    """A mention first, then a reply to the member's own thread, then a thread they follow."""
    followers = User.objects.filter(followed_threads__thread=thread.pk)
    _announce(
        post,
        thread,
        [
            *_mention_reason(mentions),
            (kinds.REPLY, User.objects.filter(pk=thread.author_id)),
            (kinds.FOLLOWED_THREAD, followers),
        ],
    )


# --- Threads and posts --------------------------------------------------------------------------


def _follow(member: User, thread: Thread) -> None:
    """One statement whether or not the member already follows the thread."""
    ThreadFollow.objects.bulk_create(
        [ThreadFollow(member=member, thread=thread)], ignore_conflicts=True
    )


def _tags_named(names: list[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name)[0] for name in names]


def _held_for_review(author: User) -> bool:
    """Whether ``author``'s new post waits for a moderator before others read it: with
    ``MODERATION_HOLD_FIRST_POSTS``, a new member's posts until one of them has been shown."""
    if not settings.MODERATION_HOLD_FIRST_POSTS:
        return False
    if author.is_staff or author.trust_level > TrustLevel.NEW:
        return False
    shown = Post.objects.filter(
        author=author, hidden_at__isnull=True, deleted_at__isnull=True, thread__hidden_at=None
    )
    return not shown.exists()


@transaction.atomic
def start_thread(
    *,
    author: User,
    category: Category,
    title: str,
    body: str,
    tags=(),
    sector=None,
    city_region=None,
    knowledge_stage=None,
    language: str | None = None,
) -> Thread:
    if not access.may_post_in(author, category):
        _refuse(_("You cannot start threads in this category."))
    cleaned = _clean(
        title=lambda: clean_title(title),
        body=lambda: clean_body(body),
        tags=lambda: clean_tags(tags),
    )
    language = _language(language, author)
    _check_pace(author, Action.THREAD)
    rendered = _render(author, cleaned["body"])
    held = _held_for_review(author)

    thread = Thread.objects.create(
        category=category,
        author=author,
        title=cleaned["title"],
        sector=sector,
        city_region=city_region,
        knowledge_stage=knowledge_stage,
        language=language,
        hidden_at=timezone.now() if held else None,
    )
    post = Post.objects.create(
        thread=thread,
        number=1,
        author=author,
        body=cleaned["body"],
        html=rendered.html,
        language=language,
    )
    tags = _tags_named(cleaned["tags"])
    if tags:
        thread.tags.set(tags)
        Tag.objects.filter(pk__in=[tag.pk for tag in tags]).update(
            thread_count=F("thread_count") + 1
        )
    Category.objects.filter(pk=category.pk).update(
        thread_count=F("thread_count") + 1,
        post_count=F("post_count") + 1,
        last_posted_at=post.created_at,
    )
    _add_to_standing(author, posts_written=1)
    _follow(author, thread)
    index_thread(thread)
    if held:
        events.post_held.send(sender=Post, post=post)
    else:
        _announce_thread(thread, post, _mentioned(rendered))
    return thread


@transaction.atomic
def post_reply(*, author: User, thread: Thread, body: str, reply_to: Post | None = None) -> Post:
    if not access.may_reply(author, thread):
        _refuse(_("You cannot reply to this thread."))
    cleaned = _clean(body=lambda: clean_body(body))
    if reply_to is not None and (reply_to.thread_id != thread.pk or reply_to.is_deleted):
        raise ValidationError({"reply_to": _("Reply to a post of this thread.")})
    _check_pace(author, Action.REPLY)
    rendered = _render(author, cleaned["body"])
    held = _held_for_review(author)

    # The lock makes concurrent replies take numbers one after the other.
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.locked and not author.is_staff:
        _refuse(_("This thread is locked."))
    post = Post.objects.create(
        thread=thread,
        number=locked.post_count + 1,
        author=author,
        reply_to=reply_to,
        body=cleaned["body"],
        html=rendered.html,
        language=author.language,
        hidden_at=timezone.now() if held else None,
    )
    Thread.objects.filter(pk=thread.pk).update(
        post_count=F("post_count") + 1, last_posted_at=post.created_at
    )
    Category.objects.filter(pk=thread.category_id).update(
        post_count=F("post_count") + 1, last_posted_at=post.created_at
    )
    thread.post_count, thread.last_posted_at = post.number, post.created_at
    _add_to_standing(author, posts_written=1)
    _follow(author, thread)
    index_post(post)
    if held:
        events.post_held.send(sender=Post, post=post)
    else:
        _announce_reply(thread, post, _mentioned(rendered))
    return post


@transaction.atomic
def edit_post(*, editor: User, post: Post, body: str, title: str | None = None) -> Post:
    """Change a post (and, for an opening post, its thread's title), keeping what it was as a
    revision. Only members newly mentioned hear of it."""
    if not access.may_edit(editor, post):
        _refuse(_("You can no longer edit this post."))
    thread = post.thread
    if title is not None and not post.is_opening:
        raise ValidationError({"title": _("Only a thread's opening post has a title.")})
    checks = {"body": lambda: clean_body(body)}
    if title is not None:
        checks["title"] = lambda: clean_title(title)
    cleaned = _clean(**checks)
    new_title = cleaned.get("title", thread.title)
    if cleaned["body"] == post.body and new_title == thread.title:
        return post
    rendered = _render(editor, cleaned["body"])
    before = set(_mentioned(render_post(post.body, mentions=mentionable)))

    PostRevision.objects.create(
        post=post,
        title=thread.title if post.is_opening else "",
        body=post.body,
        edited_by=editor,
    )
    post.body, post.html, post.edited_at = cleaned["body"], rendered.html, timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    if new_title != thread.title:
        thread.title = new_title
        thread.save(update_fields=["title"])
        index_thread(thread)
    else:
        index_post(post)
    if post.author_id != editor.pk:
        audit.record(actor=editor, action="forums.post_edited", target=post)
    added = [handle for handle in _mentioned(rendered) if handle not in before]
    _announce(post, thread, _mention_reason(added), actor=editor)
    if post.is_hidden and post.author_id == editor.pk:
        events.hidden_post_edited.send(sender=Post, post=post, editor=editor)
    return post


@transaction.atomic
def delete_post(*, member: User, post: Post, reason: str = "") -> Post:
    """Soft-delete: the thread shows where the post was, search forgets it."""
    if not access.may_delete(member, post):
        _refuse(_("You cannot delete this post."))
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    index_post(post)
    Thread.objects.filter(pk=post.thread_id, accepted_post=post).update(accepted_post=None)
    if post.thread.accepted_post_id == post.pk:
        post.thread.accepted_post = None
    if post.author_id != member.pk:
        audit.record(actor=member, action="forums.post_deleted", target=post, reason=reason)
    return post


@transaction.atomic
def move_thread(*, actor: User, thread: Thread, category: Category, reason: str = "") -> Thread:
    """Staff move a thread to another category (audited); its counts move with it and its posts
    are filed under the new category for search."""
    if not (actor.is_authenticated and actor.is_staff):
        _refuse(_("Only staff can move threads."))
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked.category_id == category.pk:
        return thread
    before = locked.category_id
    Category.objects.filter(pk=before).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - locked.post_count
    )
    Category.objects.filter(pk=category.pk).update(
        thread_count=F("thread_count") + 1,
        post_count=F("post_count") + locked.post_count,
        last_posted_at=Greatest(
            Coalesce("last_posted_at", Value(locked.last_posted_at)), Value(locked.last_posted_at)
        ),
    )
    thread.category = category
    thread.save(update_fields=["category"])
    index_thread(thread)
    audit.record(
        actor=actor,
        action="forums.thread_moved",
        target=thread,
        reason=reason,
        category=[before, category.pk],
    )
    return thread


# --- Moderation -----------------------------------------------------------------------------------
# Moderation decides, records why and tells the author; these only change what the forums show.


def _require_staff(actor: User | None) -> None:
    """``None`` is moderation acting on its own (members' flags hid something)."""
    if actor is not None and not (actor.is_authenticated and actor.is_active and actor.is_staff):
        _refuse(_("Only staff can do this."))


@transaction.atomic
def set_post_hidden(*, actor: User | None, post: Post, hidden: bool) -> Post:
    """Hide a post (its place says so; its author and staff still read it) or show it again."""
    _require_staff(actor)
    if post.is_hidden != hidden:
        post.hidden_at = timezone.now() if hidden else None
        post.save(update_fields=["hidden_at"])
        index_post(post)
    return post


@transaction.atomic
def set_thread_hidden(*, actor: User | None, thread: Thread, hidden: bool) -> Thread:
    """Take a thread out of lists and search (a 404 for all but its author and staff), or bring it
    back."""
    _require_staff(actor)
    if (thread.hidden_at is not None) != hidden:
        thread.hidden_at = timezone.now() if hidden else None
        thread.save(update_fields=["hidden_at"])
        index_hidden_or_shown(thread)
    return thread


@transaction.atomic
def set_thread_locked(*, actor: User, thread: Thread, locked: bool) -> Thread:
    """A locked thread takes replies from staff only, and its posts are no longer edited."""
    _require_staff(actor)
    if thread.locked != locked:
        thread.locked = locked
        thread.save(update_fields=["locked"])
    return thread


# --- Reactions and answers ----------------------------------------------------------------------


def _require_reader(member: User, category: Category) -> None:
    if not (member.is_authenticated and member.is_active):
        _refuse(_("Sign in to do this."))
    if not access.may_read(member, category):
        _refuse(_("You cannot read this category."))


@transaction.atomic
def set_helpful(*, member: User, post: Post, helpful: bool) -> Post:
    """Mark (or unmark) a post helpful; asking twice changes nothing. Counts on the post, its
    thread and its author's standing, which may promote the author."""
    _require_reader(member, post.thread.category)
    if post.author_id == member.pk:
        _refuse(_("You cannot mark your own post as helpful."))
    if helpful:
        if post.is_deleted:
            raise ValidationError(_("This post has been deleted."), code="deleted")
        created = Reaction.objects.get_or_create(
            post=post, member=member, kind=Reaction.Kind.HELPFUL
        )[1]
        change = 1 if created else 0
    else:
        change = -Reaction.objects.filter(
            post=post, member=member, kind=Reaction.Kind.HELPFUL
        ).delete()[0]
    if change:
        Post.objects.filter(pk=post.pk).update(helpful_count=F("helpful_count") + change)
        Thread.objects.filter(pk=post.thread_id).update(helpful_count=F("helpful_count") + change)
        if post.author is not None:
            _add_to_standing(post.author, helpful_received=change)
            promote(post.author)
        post.refresh_from_db(fields=["helpful_count"])
    return post


@transaction.atomic
def accept_answer(*, actor: User, post: Post) -> Thread:
    thread = post.thread
    if not access.may_accept(actor, thread):
        _refuse(_("Only the thread's author can accept an answer."))
    if post.is_opening:
        raise ValidationError(_("The opening post asks the question: accept a reply."), "opening")
    if post.is_deleted:
        raise ValidationError(_("This post has been deleted."), code="deleted")
    thread.accepted_post = post
    thread.save(update_fields=["accepted_post"])
    if thread.author_id != actor.pk:
        audit.record(actor=actor, action="forums.answer_accepted", target=thread, post=post.pk)
    return thread


@transaction.atomic
def clear_accepted_answer(*, actor: User, thread: Thread) -> Thread:
    if not access.may_accept(actor, thread):
        _refuse(_("Only the thread's author can accept an answer."))
    if thread.accepted_post_id is None:
        return thread
    before = thread.accepted_post_id
    thread.accepted_post = None
    thread.save(update_fields=["accepted_post"])
    if thread.author_id != actor.pk:
        audit.record(actor=actor, action="forums.answer_cleared", target=thread, post=before)
    return thread


# --- Follows, bookmarks, reading ----------------------------------------------------------------


@transaction.atomic
def follow_thread(*, member: User, thread: Thread, follow: bool) -> None:
    _require_reader(member, thread.category)
    if follow:
        _follow(member, thread)
    else:
        ThreadFollow.objects.filter(member=member, thread=thread).delete()


@transaction.atomic
def follow_category(*, member: User, category: Category, follow: bool) -> None:
    _require_reader(member, category)
    if follow:
        CategoryFollow.objects.get_or_create(member=member, category=category)
    else:
        CategoryFollow.objects.filter(member=member, category=category).delete()


@transaction.atomic
def set_bookmark(*, member: User, post: Post, bookmarked: bool) -> None:
    _require_reader(member, post.thread.category)
    if bookmarked:
        Bookmark.objects.get_or_create(member=member, post=post)
    else:
        Bookmark.objects.filter(member=member, post=post).delete()


def mark_read(*, member: User, thread: Thread, up_to: int) -> None:
    """The member has read ``thread`` up to post number ``up_to``. Positions only move forward;
    newly read posts, a first visit to the thread and a first visit of the day count towards
    their trust level. Anonymous readers have nothing to mark. Reading again what was read
    today costs one query (every page view of a thread calls this)."""
    if not (member.is_authenticated and member.is_active):
        return
    _require_reader(member, thread.category)
    try:
        up_to = min(int(up_to), thread.post_count)
    except (TypeError, ValueError):
        raise ValidationError({"up_to": _("Give a post number.")}) from None
    today = timezone.localdate()
    known = selectors.reading_of(member=member, thread=thread)
    unchanged = known and known["last_read"] >= up_to
    if unchanged and known["member__forum_standing__last_visited_on"] == today:
        return
    with transaction.atomic():
        _move_read_position(member, thread, up_to, today)


def _move_read_position(member: User, thread: Thread, up_to: int, today) -> None:
    position, created = ReadPosition.objects.select_for_update().get_or_create(
        member=member, thread=thread
    )
    newly_read = max(0, up_to - position.last_read)
    if newly_read:
        position.last_read = up_to
        position.save(update_fields=["last_read", "updated_at"])
    if newly_read or created:
        _add_to_standing(member, posts_read=newly_read, threads_entered=int(created))
    ForumStanding.objects.filter(pk=member.pk).exclude(last_visited_on=today).update(
        days_visited=F("days_visited") + 1, last_visited_on=today
    )
    promote(member)


# --- Categories -----------------------------------------------------------------------------------


@transaction.atomic
def save_category(*, actor: User, category: Category) -> Category:
    """Create or change a category (staff only, audited)."""
    if not (actor.is_authenticated and actor.is_staff):
        _refuse(_("Only staff can manage categories."))
    category.full_clean()
    created = category.pk is None
    category.save()
    audit.record(
        actor=actor,
        action="forums.category_created" if created else "forums.category_saved",
        target=category,
        slug=category.slug,
        restriction=category.restriction,
        position=category.position,
    )
    return category


@transaction.atomic
def open_sector_category(*, sector: Sector) -> Category:
    """The category of ``sector``, made when the sector is new (as the first sectors' categories
    were), after the other sectors' categories; its address is the sector's slug, or
    ``<slug>-sector`` when a topic already has that one."""
    existing = Category.objects.filter(sector=sector).first()
    if existing is not None:
        return existing
    slug = sector.slug
    if Category.objects.filter(slug=slug).exists():
        slug = f"{sector.slug}-sector"
    last = Category.objects.filter(kind=Category.Kind.SECTOR).aggregate(Max("position"))
    return Category.objects.create(
        slug=slug,
        kind=Category.Kind.SECTOR,
        sector=sector,
        position=(last["position__max"] or SECTOR_POSITIONS_FROM - 1) + 1,
        name_en=sector.name_en,
        name_fr=sector.name_fr,
        name_zh_hans=sector.name_zh_hans,
        description_en=f"Doing business in {sector.name_en.lower()}: experience, contacts and "
        "questions.",
        description_fr=f"Faire des affaires dans ce secteur ({sector.name_fr}) : expériences, "
        "contacts et questions.",
        description_zh_hans=f"{sector.name_zh_hans}行业：经验、人脉与问题。",
    )


@transaction.atomic
def delete_category(*, actor: User, category: Category, reason: str = "") -> None:
    """Remove an empty category (staff only, audited); threads are moved out first."""
    if not (actor.is_authenticated and actor.is_staff):
        _refuse(_("Only staff can manage categories."))
    if Thread.objects.filter(category=category).exists():
        raise ValidationError(_("Move its threads to another category first."), code="not_empty")
    audit.record(
        actor=actor,
        action="forums.category_deleted",
        target=category,
        reason=reason,
        slug=category.slug,
    )
    category.delete()
