"""The forums' read side: orders, periods, keyset pages, unread counts and fixed query counts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums import access, selectors
from forums.models import Bookmark, Category, Reaction, ReadPosition, Thread, ThreadFollow
from members.models import Membership, Profile
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def aged(thread: Thread, *, days: float = 0, helpful: int = 0) -> Thread:
    """Set a thread's last activity ``days`` ago and its helpful count, as the services would."""
    Thread.objects.filter(pk=thread.pk).update(
        last_posted_at=timezone.now() - timedelta(days=days), helpful_count=helpful
    )
    thread.refresh_from_db()
    return thread


def titles(page) -> list[str]:
    return [row["title"] if isinstance(row, dict) else row.title for row in page.items]


EVERY = tuple(Category.Restriction.values)
NOT_STAFF = tuple(value for value in EVERY if value != Category.Restriction.STAFF)


@pytest.fixture(params=["thread_list", "thread_rows"])
def threads(request):
    """A thread list both ways it is read: the API's (Thread objects) and the pages' (rows of a
    prepared query), for a reader of the categories with ``restrictions``."""

    def read(restrictions=EVERY, **kwargs):
        if request.param == "thread_list":
            categories = Category.objects.filter(restriction__in=restrictions)
            return selectors.thread_list(categories=categories, **kwargs)
        return selectors.thread_rows(reader=(restrictions, None), **kwargs)

    return read


def all_pages(threads, **kwargs) -> list[str]:
    seen, cursor = [], None
    while True:
        page = threads(cursor=cursor, **kwargs)
        seen += titles(page)
        cursor = page.next_cursor
        if cursor is None:
            return seen


@pytest.fixture
def open_category():
    return CategoryFactory()


def test_latest_is_newest_activity_first_across_readable_categories(open_category, threads):
    staff_only = CategoryFactory(restriction=Category.Restriction.STAFF)
    aged(ThreadFactory(category=open_category, title="old"), days=3)
    aged(ThreadFactory(category=open_category, title="new"), days=1)
    aged(ThreadFactory(category=staff_only, title="secret"), days=0)
    assert titles(threads(NOT_STAFF)) == ["new", "old"]


def test_keyset_pages_cover_every_thread_once_in_order(open_category, threads):
    for number in range(7):
        aged(ThreadFactory(category=open_category, title=f"t{number}"), days=number)
    # Two threads with the same last activity: the id breaks the tie, nothing is lost.
    same = timezone.now() - timedelta(days=10)
    for title in ("tie-a", "tie-b"):
        Thread.objects.filter(pk=ThreadFactory(category=open_category, title=title).pk).update(
            last_posted_at=same
        )
    seen = all_pages(threads, size=2)
    assert seen == [f"t{n}" for n in range(7)] + ["tie-b", "tie-a"]


def test_top_orders_by_helpful_among_threads_active_in_the_period(open_category, threads):
    aged(ThreadFactory(category=open_category, title="week"), days=2, helpful=3)
    aged(ThreadFactory(category=open_category, title="month"), days=20, helpful=9)
    aged(ThreadFactory(category=open_category, title="year"), days=200, helpful=20)
    aged(ThreadFactory(category=open_category, title="ancient"), days=900, helpful=50)

    def top(period):
        return titles(threads(order="top", period=period))

    assert top("week") == ["week"]
    assert top("month") == ["month", "week"]
    assert top("year") == ["year", "month", "week"]
    assert top("all") == ["ancient", "year", "month", "week"]
    assert top("nonsense") == top("all")
    assert all_pages(threads, order="top", period="year", size=1) == ["year", "month", "week"]


def test_unanswered_has_only_threads_without_replies(open_category, threads):
    answered = ThreadFactory(category=open_category, title="answered")
    PostFactory(thread=answered)
    ThreadFactory(category=open_category, title="waiting")
    assert titles(threads(order="unanswered")) == ["waiting"]


def test_per_category_and_per_tag(open_category, threads):
    other = CategoryFactory()
    tag = TagFactory(name="税务")
    ThreadFactory(category=open_category, title="here", tags=[tag])
    ThreadFactory(category=other, title="there")
    ThreadFactory(category=open_category, title="untagged")
    assert sorted(titles(threads(category=open_category))) == ["here", "untagged"]
    assert titles(threads(tag=tag)) == ["here"]
    assert titles(threads(category=other, tag=tag)) == []


def test_a_cursor_from_another_list_starts_from_the_first_page(open_category, threads):
    for number in range(3):
        aged(ThreadFactory(category=open_category, title=f"t{number}"), days=number)
    latest = threads(size=1)
    assert len(titles(threads(order="top", cursor=latest.next_cursor))) == 3


def test_pages_list_a_facilitators_category_to_facilitators_only(open_category):
    ThreadFactory(category=open_category, title="open")
    ThreadFactory(
        category=CategoryFactory(restriction=Category.Restriction.FACILITATORS),
        title="for facilitators",
    )
    member, facilitator = UserFactory(), UserFactory()
    facilitator.profile.represents_facilitator = True
    facilitator.profile.save()

    def listed(viewer):
        return sorted(titles(selectors.thread_rows(reader=access.reader(viewer))))

    assert listed(AnonymousUser()) == listed(member) == ["open"]
    assert listed(facilitator) == ["for facilitators", "open"]


# --- A thread's pages ----------------------------------------------------------------------------


@pytest.fixture
def long_thread(open_category):
    thread = ThreadFactory(category=open_category)
    authors = UserFactory.create_batch(3)
    for number in range(44):
        PostFactory(thread=thread, author=authors[number % 3])
    thread.refresh_from_db()
    return thread


def test_thread_page_is_the_range_after_a_number(long_thread):
    viewer = UserFactory()
    first = selectors.thread_page(thread=long_thread, viewer=viewer, size=20)
    assert [p.number for p in first.posts] == list(range(1, 21))
    assert first.next_after == 20
    assert first.previous_after is None
    middle = selectors.thread_page(thread=long_thread, viewer=viewer, after=25, size=20)
    assert [p.number for p in middle.posts] == list(range(26, 46))
    assert middle.next_after is None
    assert middle.previous_after == 5
    beyond = selectors.thread_page(thread=long_thread, viewer=viewer, after=999, size=20)
    assert beyond.posts == []
    assert beyond.next_after is None


def test_thread_page_knows_the_viewers_reactions_and_bookmarks(long_thread):
    viewer = UserFactory()
    posts = list(long_thread.posts.order_by("number"))
    Reaction.objects.create(post=posts[2], member=viewer)
    Reaction.objects.create(post=posts[3], member=UserFactory())
    Bookmark.objects.create(post=posts[4], member=viewer)
    page = selectors.thread_page(thread=long_thread, viewer=viewer)
    assert page.helpful == {posts[2].pk}
    assert page.bookmarked == {posts[4].pk}
    anonymous = selectors.thread_page(thread=long_thread, viewer=AnonymousUser())
    assert anonymous.helpful == set()
    assert anonymous.bookmarked == set()


def test_a_page_knows_only_its_own_posts_marks_and_whether_the_thread_is_followed(long_thread):
    viewer = UserFactory()
    posts = list(long_thread.posts.order_by("number"))
    elsewhere = PostFactory(thread=ThreadFactory(category=long_thread.category))
    Reaction.objects.create(post=posts[25], member=viewer)  # on the second page
    Bookmark.objects.create(post=posts[19], member=viewer)  # the first page's last post
    Bookmark.objects.create(post=elsewhere, member=viewer)
    first = selectors.thread_page(thread=long_thread, viewer=viewer)
    second = selectors.thread_page(thread=long_thread, viewer=viewer, after=20)
    assert (first.helpful, first.bookmarked, first.follows) == (set(), {posts[19].pk}, False)
    assert (second.helpful, second.bookmarked) == ({posts[25].pk}, set())
    ThreadFollow.objects.create(thread=long_thread, member=viewer)
    assert selectors.thread_page(thread=long_thread, viewer=viewer).follows is True


def test_first_page_carries_the_accepted_answer_even_when_it_is_further_down(long_thread):
    answer = long_thread.posts.get(number=40)
    Thread.objects.filter(pk=long_thread.pk).update(accepted_post=answer)
    long_thread.refresh_from_db()
    page = selectors.thread_page(thread=long_thread, viewer=AnonymousUser())
    assert page.accepted == answer
    later = selectors.thread_page(thread=long_thread, viewer=AnonymousUser(), after=20)
    assert later.accepted is None


def queries_of(function, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(**kwargs)
    return len(captured)


def test_a_deep_page_costs_what_the_first_page_costs(long_thread):
    viewer = UserFactory()
    Reaction.objects.create(post=long_thread.posts.get(number=41), member=viewer)
    first = queries_of(selectors.thread_page, thread=long_thread, viewer=viewer)
    deep = queries_of(selectors.thread_page, thread=long_thread, viewer=viewer, after=30)
    assert first == deep == 2  # posts with their authors; reactions and bookmarks


def test_profile_links_follow_the_profile_rules_in_one_query():
    viewer = UserFactory(onboarded=True)
    public = UserFactory(onboarded=True)
    Profile.objects.filter(pk=public.pk).update(listing=Profile.Listing.PUBLIC)
    members_only = UserFactory(onboarded=True)
    Profile.objects.filter(pk=members_only.pk).update(listing=Profile.Listing.MEMBERS)
    hidden_colleague = UserFactory(onboarded=True)
    hidden_stranger = UserFactory(onboarded=True)
    Profile.objects.filter(pk__in=[hidden_colleague.pk, hidden_stranger.pk]).update(
        listing=Profile.Listing.HIDDEN
    )
    not_onboarded = UserFactory()
    membership = Membership.objects.create(
        user=viewer,
        organisation=OrganisationFactory(),
    )
    Membership.objects.create(user=hidden_colleague, organisation=membership.organisation)
    users = [
        type(u).objects.select_related("profile").get(pk=u.pk)
        for u in (viewer, public, members_only, hidden_colleague, hidden_stranger, not_onboarded)
    ]
    with CaptureQueriesContext(connection) as captured:
        allowed = selectors.viewable_profiles(viewer, users)
    assert len(captured) == 1
    assert allowed == {viewer.pk, public.pk, members_only.pk, hidden_colleague.pk}
    assert selectors.viewable_profiles(AnonymousUser(), users) == {public.pk}
    staff = UserFactory(is_staff=True)
    assert hidden_stranger.pk in selectors.viewable_profiles(staff, users)


# --- Unread and bookmarks ------------------------------------------------------------------------


def test_first_unread_follows_the_reading_position(long_thread):
    member = UserFactory()
    assert selectors.first_unread(member=member, thread=long_thread) == 1
    ReadPosition.objects.create(member=member, thread=long_thread, last_read=30)
    assert selectors.first_unread(member=member, thread=long_thread) == 31
    ReadPosition.objects.filter(member=member).update(last_read=long_thread.post_count)
    assert selectors.first_unread(member=member, thread=long_thread) == long_thread.post_count
    assert selectors.first_unread(member=AnonymousUser(), thread=long_thread) == 1


def test_unread_threads_are_those_read_before_with_posts_since(open_category):
    member = UserFactory()
    caught_up = ThreadFactory(category=open_category, title="caught up")
    behind = ThreadFactory(category=open_category, title="behind")
    further_behind = ThreadFactory(category=open_category, title="further behind")
    never_opened = ThreadFactory(category=open_category, title="never opened")
    secret = ThreadFactory(
        category=CategoryFactory(restriction=Category.Restriction.STAFF), title="secret"
    )
    for thread in (behind, further_behind, never_opened, secret):
        PostFactory(thread=thread)
    PostFactory(thread=further_behind)
    for thread in (caught_up, behind, further_behind, secret):
        ReadPosition.objects.create(member=member, thread=thread, last_read=1)
    aged(behind, days=1)
    aged(further_behind, days=2)
    page = selectors.unread_threads(member=member, reader=(NOT_STAFF, None))
    assert [(row["title"], row["unread"]) for row in page.items] == [
        ("behind", 1),
        ("further behind", 2),
    ]
    assert page.next_cursor is None
    threads = [caught_up, behind, further_behind, never_opened]
    counts = selectors.unread_counts(
        member=member, post_counts={thread.pk: thread.post_count for thread in threads}
    )
    assert counts == {behind.pk: 1, further_behind.pk: 2}


def test_unread_threads_page_by_keyset(open_category):
    member = UserFactory()
    for number in range(5):
        thread = ThreadFactory(category=open_category, title=f"t{number}")
        PostFactory(thread=thread)
        ReadPosition.objects.create(member=member, thread=thread, last_read=1)
        aged(thread, days=number)
    seen, cursor = [], None
    while True:
        page = selectors.unread_threads(member=member, reader=(EVERY, None), cursor=cursor, size=2)
        seen += titles(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == [f"t{n}" for n in range(5)]


def test_bookmarks_newest_first_in_readable_categories(open_category):
    member = UserFactory()
    readable_post = PostFactory(thread=ThreadFactory(category=open_category))
    later_post = PostFactory(thread=ThreadFactory(category=open_category))
    secret_post = PostFactory(
        thread=ThreadFactory(category=CategoryFactory(restriction=Category.Restriction.STAFF))
    )
    for post in (readable_post, later_post, secret_post):
        Bookmark.objects.create(member=member, post=post)
    Bookmark.objects.create(member=UserFactory(), post=readable_post)
    readable = Category.objects.exclude(restriction=Category.Restriction.STAFF)
    page = selectors.bookmarks(member=member, categories=readable)
    assert [mark.post for mark in page.items] == [later_post, readable_post]
    with CaptureQueriesContext(connection) as captured:
        for mark in page.items:
            str(mark.post.thread.title), str(mark.post.thread.category.name)
    assert len(captured) == 0
