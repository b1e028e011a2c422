"""Forum pages cost a fixed number of queries, whatever the number of threads and posts: the same
at two data sizes, and at most MAX_QUERIES, for a visitor and for a signed-in member."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums.models import Bookmark, Reaction, ReadPosition, Thread
from members.models import Organisation, Profile
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def author(number: int):
    """Authors of every kind of profile, so that deciding profile links is measured too."""
    user = UserFactory(onboarded=True, trust_level=TrustLevel.MEMBER)
    listing = (Profile.Listing.PUBLIC, Profile.Listing.MEMBERS, Profile.Listing.HIDDEN)[number % 3]
    Profile.objects.filter(pk=user.pk).update(listing=listing)
    return user


def build(*, threads: int, posts: int, viewer, name: str):
    """``threads`` threads in one category (tagged, read by the viewer), one of them ``posts``
    posts long, every reply marked helpful and bookmarked by the viewer, an accepted answer near
    its end; authors with public, members-only and hidden profiles (one in the viewer's
    organisation)."""
    category = CategoryFactory(slug=name)
    tag = TagFactory(name=f"税务{name}")
    authors = [author(number) for number in range(4)]
    organisation = Organisation.objects.create(name=name, slug=name, kind="sme")
    MembershipFactory(organisation=organisation, user=viewer)
    MembershipFactory(organisation=organisation, user=authors[2])
    for number in range(threads):
        thread = ThreadFactory(category=category, author=authors[number % 4], tags=[tag])
        PostFactory(thread=thread, author=authors[(number + 1) % 4])
        ReadPosition.objects.create(member=viewer, thread=thread, last_read=1)
    ThreadFactory(category=category, author=authors[1], tags=[tag], title="Unanswered")
    long = ThreadFactory(category=category, author=authors[0], tags=[tag], title="Long")
    for number in range(posts - 1):
        reply = PostFactory(thread=long, author=authors[number % 4])
        Reaction.objects.create(post=reply, member=viewer)
        Bookmark.objects.create(post=reply, member=viewer)
    Thread.objects.filter(pk=long.pk).update(accepted_post=reply)
    ReadPosition.objects.create(member=viewer, thread=long, last_read=2)
    long.refresh_from_db()
    return category, tag, long, reply


def count(client, path: str) -> int:
    """Queries of a request once the caches are warm (reference data, session)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


PAGES = {
    "index": "/forums/",
    "latest": "/forums/latest/",
    "top": "/forums/latest/?order=top&period=month",
    "unanswered": "/forums/latest/?order=unanswered",
    "category": "/forums/c/{category}/",
    "tag": "/forums/tags/{tag}/",
    "thread": "/forums/t/{thread}/",
    "thread, deep": "/forums/t/{thread}/?after={deep}",
    "history": "/forums/p/{reply}/history/",
}
MEMBER_PAGES = {
    "unread": "/forums/unread/",
    "bookmarks": "/forums/bookmarks/",
    "new thread": "/forums/new/?category={category}",
    "reply": "/forums/t/{thread}/reply/",
    "reply with quote": "/forums/t/{thread}/reply/?quote={reply}",
    "edit": "/forums/p/{reply}/edit/",
    "delete": "/forums/p/{reply}/delete/",
}


def measure(client, *, threads: int, posts: int, signed_in: bool, name: str) -> dict[str, int]:
    viewer = UserFactory(onboarded=True, trust_level=TrustLevel.MEMBER, is_staff=signed_in)
    if signed_in:
        with_authenticator(viewer)
    category, tag, long, reply = build(threads=threads, posts=posts, viewer=viewer, name=name)
    values = {
        "category": category.slug,
        "tag": tag.name,
        "thread": long.pk,
        "deep": long.post_count - 3,
        "reply": reply.pk,
    }
    pages = {**PAGES, **(MEMBER_PAGES if signed_in else {})}
    client.logout()
    if signed_in:
        client.force_login(viewer)
    counts = {}
    for label, path in pages.items():
        if path is not None:
            counts[label] = count(client, path.format(**values))
    return counts


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "staff member"])
def test_forum_pages_do_not_grow_with_data(client, signed_in):
    """Signed in as staff, so that edit and delete open on any post."""
    small = measure(client, threads=3, posts=5, signed_in=signed_in, name="small")
    Thread.objects.all().delete()
    large = measure(client, threads=30, posts=60, signed_in=signed_in, name="large")
    assert small == large
    assert max(large.values()) <= MAX_QUERIES, large
