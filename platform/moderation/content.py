"""What moderation reads and changes of the things members flag, one kind at a time, through the
apps that own them: the queue's context (what it says now, for a case of each kind in one query a
kind) and what moderators may do to it. Posts, threads, help requests and messages can be hidden;
profiles and organisations are answered through their member (warn, suspend, ban) or dismissed."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from conversations import services as conversations
from conversations.models import Message
from forums import services as forums
from forums.models import Post, Thread
from matchmaking import services as matchmaking
from matchmaking.models import HelpRequest
from members.models import Organisation, Profile
from moderation.models import FlagKind

Kind = FlagKind
FORUMS = frozenset({Kind.POST, Kind.THREAD})  # their threads can be locked and moved too
HIDEABLE = FORUMS | {Kind.HELP_REQUEST, Kind.MESSAGE}
POST_LENGTH = Post._meta.get_field("body").max_length


@dataclass(frozen=True)
class Shown:
    """A flagged thing as the queue shows it now; ``gone`` once it was deleted."""

    title: str
    html: SafeString
    hidden: bool = False
    gone: bool = False


GONE = Shown(title="", html=mark_safe(""), gone=True)


def _plain(text: str) -> SafeString:
    return mark_safe(linebreaks(escape(text)))  # noqa: S308 - escaped first


def _posts(ids) -> dict[int, Shown]:
    posts = (
        Post.objects.filter(pk__in=ids)
        .select_related("thread")
        .only("html", "hidden_at", "deleted_at", "thread__title")
    )
    return {
        post.pk: GONE
        if post.is_deleted
        else Shown(post.thread.title, mark_safe(post.html), post.is_hidden)  # noqa: S308 - nh3
        for post in posts
    }


def _threads(ids) -> dict[int, Shown]:
    openings = Post.objects.filter(thread__in=ids, number=1).select_related("thread")
    openings = openings.only("html", "thread__title", "thread__hidden_at")
    return {
        post.thread_id: Shown(
            post.thread.title,
            mark_safe(post.html),  # noqa: S308 - sanitised with nh3 when saved
            post.thread.hidden_at is not None,
        )
        for post in openings
    }


def _profiles(ids) -> dict[int, Shown]:
    profiles = Profile.objects.filter(pk__in=ids).select_related("user")
    profiles = profiles.only("headline", "bio", "user__display_name")
    return {
        profile.pk: Shown(
            profile.user.display_name, _plain(f"{profile.headline}\n\n{profile.bio}".strip())
        )
        for profile in profiles
    }


def _organisations(ids) -> dict[int, Shown]:
    organisations = Organisation.objects.filter(pk__in=ids).only("name", "description")
    return {org.pk: Shown(org.name, _plain(org.description)) for org in organisations}


def _requests(ids) -> dict[int, Shown]:
    requests = HelpRequest.objects.filter(pk__in=ids).only("title", "description_html", "review")
    return {
        request.pk: Shown(
            request.title,
            mark_safe(request.description_html),  # noqa: S308 - sanitised with nh3 when saved
            request.awaits_review,
        )
        for request in requests
    }


def _messages(ids) -> dict[int, Shown]:
    messages = Message.objects.filter(pk__in=ids).only("html", "hidden_at")
    return {
        message.pk: Shown("", mark_safe(message.html), message.hidden_at is not None)  # noqa: S308
        for message in messages
    }


READERS = {
    Kind.POST: _posts,
    Kind.THREAD: _threads,
    Kind.PROFILE: _profiles,
    Kind.ORGANISATION: _organisations,
    Kind.HELP_REQUEST: _requests,
    Kind.MESSAGE: _messages,
}


def shown(cases) -> dict[tuple[str, int], Shown]:
    """What each case's thing says now, keyed by (kind, id): a query for each kind present."""
    ids: dict[str, set[int]] = {}
    for case in cases:
        ids.setdefault(case.kind, set()).add(case.object_id)
    found = {}
    for kind, pks in ids.items():
        for pk, thing in READERS[kind](pks).items():
            found[kind, pk] = thing
    return {
        (case.kind, case.object_id): found.get((case.kind, case.object_id), GONE) for case in cases
    }


# --- Changes ------------------------------------------------------------------------------------


def _gone() -> ValidationError:
    return ValidationError(_("It has been deleted since."), code="gone")


def post_of(case) -> Post:
    post = Post.objects.select_related("thread__category").filter(pk=case.object_id).first()
    if post is None:
        raise _gone()
    return post


def thread_of(case) -> Thread:
    """The thread a thread's or a post's case is about."""
    if case.kind != Kind.THREAD:
        return post_of(case).thread
    thread = Thread.objects.select_related("category").filter(pk=case.object_id).first()
    if thread is None:
        raise _gone()
    return thread


def markdown_of(case) -> str:
    """A post's Markdown, for a moderator to edit; "" for other kinds or a post gone."""
    if case.kind != Kind.POST:
        return ""
    return Post.objects.filter(pk=case.object_id).values_list("body", flat=True).first() or ""


def set_hidden(*, actor, case, hidden: bool) -> None:
    if case.kind == Kind.POST:
        forums.set_post_hidden(actor=actor, post=post_of(case), hidden=hidden)
    elif case.kind == Kind.THREAD:
        forums.set_thread_hidden(actor=actor, thread=thread_of(case), hidden=hidden)
    elif case.kind == Kind.MESSAGE:
        conversations.set_message_hidden(actor=actor, message=_message(case), hidden=hidden)
    elif case.kind == Kind.HELP_REQUEST:
        request = _request(case)
        if hidden:
            matchmaking.hold_for_review(request=request, actor=actor)
        elif request.awaits_review:
            matchmaking.approve_request(request=request, actor=actor)
    else:
        raise ValueError(f"{case.kind} cannot be hidden")


def _message(case) -> Message:
    message = Message.objects.filter(pk=case.object_id).first()
    if message is None:
        raise _gone()
    return message


def _request(case) -> HelpRequest:
    request = HelpRequest.objects.filter(pk=case.object_id).first()
    if request is None:
        raise _gone()
    return request
