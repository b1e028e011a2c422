"""Who may read, reply, edit, delete and accept, per role and per category restriction, through
the door every page and API endpoint uses: 404 when the viewer may not know a thread exists,
403 when they may read it but not do this."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from forums import access
from forums.models import Category, Post, Thread
from members.models import Organisation, User
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, ThreadFactory
from tests.members.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

R = Category.Restriction
ROLES = (
    "anonymous",
    "new member",
    "member",
    "thread author",
    "facilitator",
    "facilitator organisation",
    "staff",
)
READS = {
    "anonymous": {R.NONE},
    "new member": {R.NONE, R.MEMBERS},
    "member": {R.NONE, R.MEMBERS},
    # The author wrote the thread while the category was open to them; if it is restricted
    # later, they lose it with everyone else who may not read it.
    "thread author": {R.NONE, R.MEMBERS},
    "facilitator": {R.NONE, R.MEMBERS, R.FACILITATORS},
    "facilitator organisation": {R.NONE, R.MEMBERS, R.FACILITATORS},
    "staff": set(R),
}
CHANGES_ANY_POST = {"staff"}


def viewer_for(role: str, author):
    if role == "anonymous":
        return AnonymousUser()
    if role == "thread author":
        return author
    if role == "new member":
        return UserFactory(trust_level=TrustLevel.NEW)
    if role == "member":
        return UserFactory(trust_level=TrustLevel.MEMBER)
    if role == "facilitator":
        user = UserFactory()
        user.profile.represents_facilitator = True
        user.profile.save()
        return user
    if role == "facilitator organisation":
        organisation = OrganisationFactory(kind=Organisation.Kind.PUBLIC_FACILITATOR)
        return MembershipFactory(organisation=organisation).user
    return UserFactory(is_staff=True)


@pytest.fixture(params=list(R))
def world(request):
    """A thread (by its author, who is no one special) with a reply, in a category so
    restricted."""
    author = UserFactory(trust_level=TrustLevel.MEMBER)
    thread = ThreadFactory(category=CategoryFactory(restriction=request.param), author=author)
    PostFactory(thread=thread)
    return request.param, thread


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_reading_a_thread_and_its_posts(world, role):
    restriction, thread = world
    viewer = viewer_for(role, thread.author)
    expected = "ok" if restriction in READS[role] else "404"
    assert outcome(lambda: access.access_thread(viewer, thread.pk)) == expected
    assert outcome(lambda: access.access_post(viewer, thread.posts.get(number=2).pk)) == expected
    assert outcome(lambda: access.access_category(viewer, thread.category.slug)) == expected
    readable = access.readable_categories(viewer)
    assert readable.filter(pk=thread.category_id).exists() == (expected == "ok")
    # The queryset works as a subquery, as lists use it.
    assert Thread.objects.filter(category__in=readable).exists() == (expected == "ok")


@pytest.mark.parametrize("role", ROLES)
def test_replying_and_starting_threads(world, role):
    restriction, thread = world
    viewer = viewer_for(role, thread.author)
    expected = "404" if restriction not in READS[role] else "403" if role == "anonymous" else "ok"
    assert outcome(lambda: access.access_thread(viewer, thread.pk, for_write=True)) == expected
    assert (
        outcome(lambda: access.access_category(viewer, thread.category.slug, for_write=True))
        == expected
    )


@pytest.mark.parametrize("role", ROLES)
def test_editing_deleting_and_accepting_on_the_authors_thread(world, role):
    restriction, thread = world
    viewer = viewer_for(role, thread.author)
    opening = thread.posts.get(number=1)
    if restriction not in READS[role]:
        expected = {"edit": "404", "delete": False, "accept": False}
    elif role == "thread author" or role in CHANGES_ANY_POST:
        expected = {"edit": "ok", "delete": True, "accept": True}
    else:
        expected = {"edit": "403", "delete": False, "accept": False}
    assert (
        outcome(lambda: access.access_post(viewer, opening.pk, for_write=True))
        == (expected["edit"])
    )
    assert access.may_delete(viewer, opening) is expected["delete"]
    assert access.may_accept(viewer, thread) is expected["accept"]


def test_only_staff_reply_to_locked_threads():
    thread = ThreadFactory(locked=True)
    member, staff = UserFactory(), UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        access.access_thread(member, thread.pk, for_write=True)
    assert access.access_thread(staff, thread.pk, for_write=True) == thread
    assert not access.may_edit(thread.author, thread.posts.get())  # nor edit in them


def test_authors_edit_within_the_window_and_delete_at_any_time(settings):
    settings.FORUM_EDIT_WINDOW = timedelta(hours=2)
    thread = ThreadFactory()
    post = thread.posts.get()
    assert access.may_edit(thread.author, post)
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=3))
    post.refresh_from_db()
    assert not access.may_edit(thread.author, post)
    with pytest.raises(PermissionDenied):
        access.access_post(thread.author, post.pk, for_write=True)
    assert access.may_delete(thread.author, post)
    assert access.may_edit(UserFactory(is_staff=True), post)


def test_deleted_posts_are_still_found_but_nobody_changes_them():
    thread = ThreadFactory()
    post = thread.posts.get()
    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())
    staff = UserFactory(is_staff=True)
    assert access.access_post(thread.author, post.pk) == post
    with pytest.raises(PermissionDenied):
        access.access_post(staff, post.pk, for_write=True)
    post.refresh_from_db()
    assert not access.may_delete(staff, post)


def test_inactive_accounts_read_as_visitors_and_write_nothing():
    thread = ThreadFactory()
    gone = thread.author
    gone.is_active = False
    gone.save()
    assert not access.may_edit(gone, thread.posts.get())
    assert not access.may_reply(gone, thread)
    assert not access.may_accept(gone, thread)


@pytest.mark.parametrize("walked", [0, -1, 2**63, "1 OR 1=1", "١", None, "", "9" * 40, 1.5])
def test_walked_and_garbled_ids_are_not_found(walked):
    ThreadFactory()
    member = UserFactory(is_staff=True)
    with pytest.raises(Http404):
        access.access_thread(member, walked)
    with pytest.raises(Http404):
        access.access_post(member, walked)


def test_an_id_of_a_staff_only_thread_is_indistinguishable_from_a_missing_one():
    hidden = ThreadFactory(category=CategoryFactory(restriction=R.STAFF))
    member = UserFactory()
    for thread_id in (hidden.pk, hidden.pk + 1000):
        with pytest.raises(Http404):
            access.access_thread(member, thread_id)
    with pytest.raises(Http404):
        access.access_category(member, hidden.category.slug)
    for slug in ({"slug": "x"}, "market\x00entry", "x" * 10_000):
        with pytest.raises(Http404):
            access.access_category(member, slug)


def test_readers_of_a_category_are_those_access_lets_read_it():
    signed_in = [role for role in ROLES if role not in ("anonymous", "thread author")]
    members = {role: viewer_for(role, None) for role in signed_in}
    everyone = User.objects.filter(pk__in=[m.pk for m in members.values()])
    for restriction in R:
        category = CategoryFactory(restriction=restriction)
        expected = {m.pk for role, m in members.items() if restriction in READS[role]}
        assert set(access.readers(category, everyone).values_list("pk", flat=True)) == expected
