"""What members may flag, found through each app's own door: a member flags only what they can
see (anything else is a 404, as on its page), and a flag keeps the thing's kind, id and author.

``resolve(viewer, kind, key)`` takes the key the thing's own address uses: an id for threads,
posts, help requests and messages, the handle of a profile, the slug of an organisation."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from conversations.access import access_message
from core.ids import as_id
from forums.access import access_post, access_thread
from matchmaking.access import access_request
from members.access import access_organisation, access_profile
from moderation.models import Flag

Kind = Flag.Kind


@dataclass(frozen=True)
class Target:
    kind: str
    object_id: int
    author_id: int | None
    label: str  # what the flag page names it by
    url: str

    @property
    def kind_label(self) -> str:
        return Flag.Kind(self.kind).label


def _thread(viewer, key: str) -> Target:
    thread = access_thread(viewer, key)
    url = reverse("forums:thread", args=[thread.pk])
    return Target(Kind.THREAD, thread.pk, thread.author_id, thread.title, url)


def _post(viewer, key: str) -> Target:
    post = access_post(viewer, key)
    if post.deleted_at is not None:
        raise Http404
    return Target(Kind.POST, post.pk, post.author_id, post.thread.title, post.get_absolute_url())


def _profile(viewer, key: str) -> Target:
    profile = access_profile(viewer, key)
    url = reverse("members:profile", args=[profile.handle])
    return Target(Kind.PROFILE, profile.pk, profile.pk, profile.user.display_name, url)


def _organisation(viewer, key: str) -> Target:
    organisation = access_organisation(viewer, key)
    url = reverse("organisations:detail", args=[organisation.slug])
    return Target(Kind.ORGANISATION, organisation.pk, None, organisation.name, url)


def _request(viewer, key: str) -> Target:
    pk = as_id(key)
    if pk is None:
        raise Http404
    request = access_request(viewer, pk)
    return Target(
        Kind.HELP_REQUEST, request.pk, request.author_id, request.title, request.get_absolute_url()
    )


def _message(viewer, key: str) -> Target:
    message = access_message(viewer, key)
    url = reverse("conversations:detail", args=[message.conversation_id])
    return Target(Kind.MESSAGE, message.pk, message.author_id, message.body[:80], url)


RESOLVERS: dict[str, Callable[[object, str], Target]] = {
    Kind.THREAD: _thread,
    Kind.POST: _post,
    Kind.PROFILE: _profile,
    Kind.ORGANISATION: _organisation,
    Kind.HELP_REQUEST: _request,
    Kind.MESSAGE: _message,
}


KEY = re.compile(r"[-\w]{1,200}")  # ids, handles and slugs (core.converters): no NUL, no spaces


def resolve(viewer, kind: str, key: str) -> Target:
    """The thing ``viewer`` wants to flag; 404 when there is no such kind or thing, or when they
    may not see it."""
    resolver = RESOLVERS.get(kind)
    if resolver is None or not viewer.is_authenticated or not KEY.fullmatch(str(key)):
        raise Http404
    return resolver(viewer, str(key))
