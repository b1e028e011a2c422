"""The forums API's lists cost a fixed number of queries, whatever the amount of data, and a page
deep in a long thread costs what its first page does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from forums.indexing import index_post, index_thread
from forums.models import Bookmark, Category, Reaction
from members.models import Profile
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import UserFactory, listed_member

pytestmark = pytest.mark.django_db

API = "/api/v1/forum"
MAX_QUERIES = 12


def count(api, path: str, params=None) -> int:
    api.get(path, params)  # warm caches (reference data, the viewer)
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.fixture
def viewer():
    return UserFactory(trust_level=TrustLevel.MEMBER, onboarded=True)


@pytest.fixture(params=["anonymous", "member"])
def api(request, viewer):
    client = APIClient()
    if request.param == "member":
        client.force_authenticate(viewer)
    return client


@pytest.fixture
def category():
    return CategoryFactory(slug="test-entry")


def grow(category, viewer, size: int) -> None:
    """Threads and replies by members of every listing, tagged, indexed for search, marked
    helpful and bookmarked by the viewer, in more categories of every restriction."""
    for restriction in Category.Restriction.values:
        CategoryFactory(restriction=restriction)
    listings = list(Profile.Listing.values)
    thread = category.threads.order_by("pk").first()
    for number in range(size):
        author = listed_member(f"Author {number}", listing=listings[number % len(listings)]).user
        new = ThreadFactory(category=category, author=author, tags=[TagFactory(name=f"t{number}")])
        post = PostFactory(thread=thread, author=author)
        index_thread(new)
        index_post(PostFactory(thread=new, author=author))
        index_post(post)
        Reaction.objects.create(post=post, member=viewer)
        Bookmark.objects.create(post=post, member=viewer)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/categories/", None),
        ("/threads/", None),
        ("/threads/", {"category": "test-entry"}),
        ("/threads/", {"tag": "t1"}),
        ("/threads/", {"order": "top", "period": "month"}),
        ("/threads/", {"order": "unanswered"}),
        ("/search/", {"q": "banks"}),
        ("/search/", {"q": "banks", "category": "test-entry", "tag": "t1"}),
    ],
)
def test_lists_cost_the_same_at_two_sizes(api, viewer, category, path, params):
    ThreadFactory(category=category)
    grow(category, viewer, 3)
    small = count(api, API + path, params)
    grow(category, viewer, 12)
    assert count(api, API + path, params) == small <= MAX_QUERIES
    if path == "/search/":
        assert api.get(API + path, params).json()["results"], "the search finds something"


def test_posts_of_a_thread_cost_the_same_at_two_sizes(api, viewer, category):
    thread = ThreadFactory(category=category)
    grow(category, viewer, 3)
    path = f"{API}/threads/{thread.pk}/posts/"
    small = count(api, path)
    grow(category, viewer, 22)
    assert count(api, path) == small <= MAX_QUERIES


def test_a_deep_page_costs_what_the_first_does(api, viewer, category):
    thread = ThreadFactory(category=category)
    grow(category, viewer, 45)
    path = f"{API}/threads/{thread.pk}/posts/"
    assert count(api, path, {"after": 40}) == count(api, path)


def test_a_thread_and_a_post_cost_a_fixed_number_of_queries(api, viewer, category):
    thread = ThreadFactory(category=category, tags=[TagFactory(name="银行")])
    grow(category, viewer, 3)
    assert count(api, f"{API}/threads/{thread.pk}/") <= MAX_QUERIES
    post = thread.posts.order_by("number").last()
    assert count(api, f"{API}/posts/{post.pk}/") <= MAX_QUERIES
