"""The forums API, per role (anonymous, new member, member, thread author, staff) and per kind of
category: what each may read and do, and what never leaks (restricted threads and posts by walked
id, e-mail addresses, hidden members' handles, deleted posts' text)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from forums.indexing import index_post, index_thread
from forums.models import Bookmark, Category, CategoryFollow, Post, Reaction, Thread, ThreadFollow
from members.models import Organisation, Profile
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    listed_member,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/forum"
R = Category.Restriction


def keys_in(data) -> set[str]:
    """Every key of a JSON document, however deep."""
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_in(value)}
    return set()


def errors(response) -> dict[str, set[str]]:
    """{attr: {codes}} of a 400."""
    assert response.status_code == 400, (response.status_code, response.content)
    body = response.json()
    assert body["type"] == "validation_error"
    found = {}
    for error in body["errors"]:
        found.setdefault(error["attr"], set()).add(error["code"])
    return found


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture(autouse=True)
def _only_the_test_s_categories():
    """The categories seeded by the migrations go, so that each test's are all there is."""
    Category.objects.all().delete()


@pytest.fixture
def anonymous():
    return client_for()


@pytest.fixture
def member():
    return UserFactory(display_name="Mei Member", trust_level=TrustLevel.MEMBER, onboarded=True)


@pytest.fixture
def newcomer():
    return UserFactory(display_name="Nadia Newcomer", onboarded=True)


@pytest.fixture
def staff():
    return UserFactory(display_name="Sam Staff", is_staff=True, onboarded=True)


@pytest.fixture
def author():
    return listed_member("Ava Author").user


@pytest.fixture
def open_category():
    return CategoryFactory(slug="market-entry", name_en="Market entry", name_fr="Entrée")


@pytest.fixture
def members_category():
    return CategoryFactory(slug="members-lounge", restriction=R.MEMBERS)


@pytest.fixture
def staff_category():
    return CategoryFactory(slug="staff-room", restriction=R.STAFF)


@pytest.fixture
def thread(open_category, author):
    return ThreadFactory(category=open_category, author=author, title="Opening a bank account")


@pytest.fixture
def staff_thread(staff_category, staff):
    return ThreadFactory(category=staff_category, author=staff, title="Moderation notes")


# --- Categories -----------------------------------------------------------------------------------


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [category["slug"] for category in response.json()]


def test_each_role_lists_the_categories_it_may_read_in_order(
    anonymous, member, staff, open_category, members_category, staff_category
):
    assert slugs(anonymous.get(f"{API}/categories/")) == ["market-entry"]
    assert slugs(client_for(member).get(f"{API}/categories/")) == [
        "market-entry",
        "members-lounge",
    ]
    assert slugs(client_for(staff).get(f"{API}/categories/")) == [
        "market-entry",
        "members-lounge",
        "staff-room",
    ]


def test_categories_are_named_in_the_request_s_language_with_their_counts(anonymous, thread):
    PostFactory(thread=thread)
    [category] = anonymous.get(f"{API}/categories/", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert category["name"] == "Entrée"
    assert (category["thread_count"], category["post_count"]) == (1, 2)
    assert category["following"] is False
    detail = anonymous.get(f"{API}/categories/market-entry/")
    assert detail.json()["name"] == "Market entry"


def test_a_restricted_category_is_not_found_by_those_who_may_not_read_it(
    anonymous, member, staff, staff_category, members_category
):
    assert anonymous.get(f"{API}/categories/members-lounge/").status_code == 404
    assert client_for(member).get(f"{API}/categories/members-lounge/").status_code == 200
    assert client_for(member).get(f"{API}/categories/staff-room/").status_code == 404
    assert client_for(staff).get(f"{API}/categories/staff-room/").status_code == 200
    assert anonymous.get(f"{API}/categories/nul%00/").status_code == 404


def test_facilitators_categories_are_read_by_facilitators_and_staff_only(anonymous, member, staff):
    CategoryFactory(slug="facilitators-desk", restriction=R.FACILITATORS)
    thread = ThreadFactory(category=Category.objects.get(slug="facilitators-desk"))
    facilitator = MembershipFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.PUBLIC_FACILITATOR),
        user=UserFactory(trust_level=TrustLevel.MEMBER),
    ).user
    for api, status in (
        (anonymous, 404),
        (client_for(member), 404),
        (client_for(facilitator), 200),
        (client_for(staff), 200),
    ):
        assert api.get(f"{API}/categories/facilitators-desk/").status_code == status
        assert api.get(f"{API}/threads/{thread.pk}/").status_code == status
    assert "facilitators-desk" in slugs(client_for(facilitator).get(f"{API}/categories/"))
    reply = client_for(facilitator).post(
        f"{API}/threads/{thread.pk}/posts/", {"body": "Our agency can introduce you to the banks."}
    )
    assert reply.status_code == 201, reply.content


def test_members_follow_and_unfollow_categories_they_read(member, open_category, staff_category):
    api = client_for(member)
    assert api.put(f"{API}/categories/market-entry/follow/").status_code == 204
    assert api.put(f"{API}/categories/market-entry/follow/").status_code == 204
    assert CategoryFollow.objects.filter(member=member, category=open_category).count() == 1
    assert api.get(f"{API}/categories/market-entry/").json()["following"] is True
    assert api.delete(f"{API}/categories/market-entry/follow/").status_code == 204
    assert not CategoryFollow.objects.filter(member=member).exists()
    assert api.put(f"{API}/categories/staff-room/follow/").status_code == 404
    assert client_for().put(f"{API}/categories/market-entry/follow/").status_code == 401


# --- Thread lists ---------------------------------------------------------------------------------


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [thread["title"] for thread in response.json()["results"]]


def test_thread_lists_hold_only_readable_categories(
    anonymous, member, staff, thread, staff_thread, members_category
):
    ThreadFactory(category=members_category, title="Members talk")
    assert titles(anonymous.get(f"{API}/threads/")) == ["Opening a bank account"]
    assert set(titles(client_for(member).get(f"{API}/threads/"))) == {
        "Opening a bank account",
        "Members talk",
    }
    assert "Moderation notes" in titles(client_for(staff).get(f"{API}/threads/"))
    # A category the caller may not read matches nothing, as an unknown one does.
    assert titles(client_for(member).get(f"{API}/threads/", {"category": "staff-room"})) == []
    assert titles(anonymous.get(f"{API}/threads/", {"category": "no-such"})) == []


def test_thread_lists_filter_by_category_and_tag(anonymous, thread, open_category):
    other = CategoryFactory(slug="finance")
    tagged = ThreadFactory(category=other, title="Wiring money", tags=[TagFactory(name="银行")])
    assert titles(anonymous.get(f"{API}/threads/", {"category": "finance"})) == ["Wiring money"]
    assert titles(anonymous.get(f"{API}/threads/", {"tag": "银行"})) == ["Wiring money"]
    [card] = anonymous.get(f"{API}/threads/", {"tag": "银行"}).json()["results"]
    assert card["id"] == tagged.pk
    assert card["tags"] == ["银行"]
    assert card["category"] == {"slug": "finance", "name": other.name_en}


def test_thread_pages_follow_the_cursor_without_repeating(anonymous, open_category):
    ThreadFactory.create_batch(35, category=open_category)
    first = anonymous.get(f"{API}/threads/").json()
    second = anonymous.get(first["next"]).json()
    ids = [t["id"] for t in first["results"]] + [t["id"] for t in second["results"]]
    assert len(ids) == len(set(ids)) == 35
    assert second["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"order": "oldest"},
        {"period": "decade"},
        {"category": "a" * 61},
        {"category": "bad slug!"},
        {"tag": "x" * 41},
        {"tag": "nul\x00"},
    ],
)
def test_bad_list_filters_are_400s_naming_them(anonymous, params):
    assert set(errors(anonymous.get(f"{API}/threads/", params))) == set(params)


# --- Starting a thread ----------------------------------------------------------------------------


def start(api, **fields):
    data = {"title": "在多伦多开银行账户", "body": "Which bank **helps newcomers** best?"}
    data.update(fields)
    return api.post(f"{API}/threads/", data, format="json")


def test_a_member_starts_a_thread_with_reference_data(member, open_category):
    response = start(
        client_for(member),
        category="market-entry",
        tags=["Banking", "银行"],
        sector="finance-banking",
        city_region="toronto",
        knowledge_stage="market-information",
        language="zh-hans",
    )
    assert response.status_code == 201, response.content
    thread = response.json()
    assert thread["title"] == "在多伦多开银行账户"
    assert thread["category"]["slug"] == "market-entry"
    assert thread["sector"]["slug"] == "finance-banking"
    assert thread["city_region"]["slug"] == "toronto"
    assert thread["knowledge_stage"]["slug"] == "market-information"
    assert thread["opening_post"]["number"] == 1
    assert "<strong>helps newcomers</strong>" in thread["opening_post"]["html"]
    assert thread["author"]["display_name"] == "Mei Member"
    assert thread["accepted_post"] is None
    assert Thread.objects.get(pk=thread["id"]).author == member


def test_starting_a_thread_needs_a_signed_in_member_and_a_readable_category(
    anonymous, member, staff_category, open_category
):
    assert start(anonymous, category="market-entry").status_code == 401
    assert "category" in errors(start(client_for(member), category="staff-room"))
    assert "category" in errors(start(client_for(member), category="no-such-place"))
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "nul\x00title"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 42}, "title"),
        ({"body": "x" * 30_001}, "body"),
        ({"body": None}, "body"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"tags": "not a list"}, "tags"),
        ({"sector": "no-such-sector"}, "sector"),
        ({"sector": "evil\x00"}, "sector"),
        ({"language": "xx"}, "language"),
        ({"category": {"slug": "market-entry"}}, "category"),
    ],
)
def test_hostile_thread_bodies_are_400s_naming_the_field(member, open_category, fields, field):
    response = start(client_for(member), **{"category": "market-entry", **fields})
    assert field in errors(response)
    assert not Thread.objects.exists()


def test_a_new_member_is_told_why_when_they_reach_their_daily_threads(newcomer, open_category):
    api = client_for(newcomer)
    for number in range(3):
        Thread.objects.filter(author=newcomer).update(
            last_posted_at=timezone.now() - timedelta(hours=1)
        )
        Post.objects.filter(author=newcomer).update(created_at=timezone.now() - timedelta(hours=1))
        response = start(api, category="market-entry", title=f"Question number {number} today")
        assert response.status_code == 201, response.content
    Post.objects.filter(author=newcomer).update(created_at=timezone.now() - timedelta(hours=1))
    refused = start(api, category="market-entry", title="One question too many")
    codes = set().union(*errors(refused).values())
    assert "daily_limit" in codes
    assert refused.json()["errors"][0]["detail"]
    assert Thread.objects.filter(author=newcomer).count() == 3


def test_a_new_member_posting_again_at_once_is_asked_to_wait(newcomer, open_category):
    api = client_for(newcomer)
    assert start(api, category="market-entry").status_code == 201
    refused = start(api, category="market-entry", title="A second one straight away")
    assert "too_fast" in set().union(*errors(refused).values())


def test_a_new_member_s_images_and_links_beyond_their_level_are_refused(newcomer, open_category):
    links = " ".join(f"<https://example.org/{n}>" for n in range(3))
    refused = start(client_for(newcomer), category="market-entry", body=f"See {links}")
    assert "too_many_links" in set().union(*errors(refused).values())


# --- A thread -------------------------------------------------------------------------------------


def test_a_thread_shows_its_opening_post_and_accepted_answer(anonymous, thread):
    answer = PostFactory(thread=thread)
    Thread.objects.filter(pk=thread.pk).update(accepted_post=answer)
    data = anonymous.get(f"{API}/threads/{thread.pk}/").json()
    assert data["title"] == "Opening a bank account"
    assert data["opening_post"]["number"] == 1
    assert data["accepted_post"] == answer.pk
    assert data["reply_count"] == 1
    assert data["following"] is False


def test_walked_and_malformed_thread_ids_are_404s(anonymous, member, staff, staff_thread):
    for api in (anonymous, client_for(member)):
        assert api.get(f"{API}/threads/{staff_thread.pk}/").status_code == 404
        assert api.get(f"{API}/threads/{staff_thread.pk}/posts/").status_code == 404
        assert api.get(f"{API}/posts/{staff_thread.posts.get().pk}/").status_code == 404
    assert client_for(staff).get(f"{API}/threads/{staff_thread.pk}/").status_code == 200
    for bad in ("abc", "-1", "1.5", "99999999999999999999999", "١٢"):
        response = anonymous.get(f"{API}/threads/{bad}/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"


def test_only_the_author_or_staff_change_a_thread_s_title(author, member, staff, thread):
    url = f"{API}/threads/{thread.pk}/"
    assert client_for(member).patch(url, {"title": "Hijacked"}).status_code == 403
    assert client_for().patch(url, {"title": "Hijacked"}).status_code == 401
    response = client_for(author).patch(url, {"title": "在加拿大开户"})
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "在加拿大开户"
    thread.refresh_from_db()
    assert thread.title == "在加拿大开户"
    assert client_for(staff).patch(url, {"title": "Tidied by staff"}).status_code == 200
    assert "title" in errors(client_for(author).patch(url, {"title": "x\x00"}))


def test_the_author_s_edit_window_closes(author, thread, settings):
    settings.FORUM_EDIT_WINDOW = timedelta(minutes=5)
    Post.objects.filter(thread=thread).update(created_at=timezone.now() - timedelta(hours=1))
    response = client_for(author).patch(f"{API}/threads/{thread.pk}/", {"title": "Too late"})
    assert response.status_code == 403


# --- Posts of a thread ----------------------------------------------------------------------------


def test_posts_come_in_order_a_page_at_a_time(anonymous, thread):
    PostFactory.create_batch(24, thread=thread)
    first = anonymous.get(f"{API}/threads/{thread.pk}/posts/").json()
    assert [post["number"] for post in first["results"]] == list(range(1, 21))
    second = anonymous.get(first["next"]).json()
    assert [post["number"] for post in second["results"]] == [21, 22, 23, 24, 25]
    assert second["next"] is None
    after = anonymous.get(f"{API}/threads/{thread.pk}/posts/", {"after": 23}).json()
    assert [post["number"] for post in after["results"]] == [24, 25]
    assert "after" in errors(anonymous.get(f"{API}/threads/{thread.pk}/posts/", {"after": "x"}))


def test_deleted_posts_keep_their_place_but_not_their_text(anonymous, thread):
    reply = PostFactory(thread=thread, body="A secret that was taken back")
    Post.objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
    listed = anonymous.get(f"{API}/threads/{thread.pk}/posts/").json()["results"][1]
    alone = anonymous.get(f"{API}/posts/{reply.pk}/").json()
    for data in (listed, alone):
        assert data["deleted"] is True
        assert data["html"] is None
        assert "body" not in data
    assert "secret" not in anonymous.get(f"{API}/threads/{thread.pk}/posts/").content.decode()


def test_handles_show_only_to_those_who_may_see_the_profile(anonymous, member, thread):
    hidden = listed_member("Hidden Helper", listing=Profile.Listing.HIDDEN).user
    PostFactory(thread=thread, author=hidden)
    members_only = listed_member("Members Only", listing=Profile.Listing.MEMBERS).user
    PostFactory(thread=thread, author=members_only)

    def authors(api):
        return [
            post["author"]
            for post in api.get(f"{API}/threads/{thread.pk}/posts/").json()["results"]
        ]

    public, of_hidden, of_members_only = authors(anonymous)
    assert public == {"display_name": "Ava Author", "handle": thread.author.profile.handle}
    assert of_hidden["handle"] is None
    assert of_members_only["handle"] is None
    _, of_hidden, of_members_only = authors(client_for(member))
    assert of_hidden["handle"] is None
    assert of_members_only["handle"] == members_only.profile.handle
    _, of_hidden, _ = authors(client_for(hidden))
    assert of_hidden["handle"] == hidden.profile.handle


def test_no_e_mail_address_is_ever_in_forum_answers(member, staff, thread):
    PostFactory(thread=thread, author=member)
    for api in (client_for(), client_for(member), client_for(staff)):
        for path in (
            f"{API}/categories/",
            f"{API}/threads/",
            f"{API}/threads/{thread.pk}/",
            f"{API}/threads/{thread.pk}/posts/",
        ):
            response = api.get(path)
            assert "@example.org" not in response.content.decode()
            assert "email" not in keys_in(response.json())


def test_members_reply_and_quote_a_post_of_the_same_thread(member, thread):
    api = client_for(member)
    opening = thread.posts.get(number=1)
    response = api.post(
        f"{API}/threads/{thread.pk}/posts/",
        {"body": "Try the **newcomer** package.", "reply_to": opening.pk},
    )
    assert response.status_code == 201, response.content
    reply = response.json()
    assert (reply["number"], reply["reply_to"]) == (2, opening.pk)
    assert "<strong>newcomer</strong>" in reply["html"]
    elsewhere = ThreadFactory(category=thread.category).posts.get()
    refused = api.post(
        f"{API}/threads/{thread.pk}/posts/",
        {"body": "Quoting a post from afar, which is odd.", "reply_to": elsewhere.pk},
    )
    assert "reply_to" in errors(refused)


def test_who_may_reply(anonymous, member, staff, thread, staff_thread):
    body = {"body": "我也想知道，哪家银行对新移民最友好。"}
    assert anonymous.post(f"{API}/threads/{thread.pk}/posts/", body).status_code == 401
    assert (
        client_for(member).post(f"{API}/threads/{staff_thread.pk}/posts/", body).status_code == 404
    )
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    assert client_for(member).post(f"{API}/threads/{thread.pk}/posts/", body).status_code == 403
    assert client_for(staff).post(f"{API}/threads/{thread.pk}/posts/", body).status_code == 201


def test_a_new_member_s_replies_are_limited_with_a_reason(newcomer, thread):
    api = client_for(newcomer)
    assert (
        api.post(
            f"{API}/threads/{thread.pk}/posts/", {"body": "First of all, thank you for asking."}
        ).status_code
        == 201
    )
    refused = api.post(
        f"{API}/threads/{thread.pk}/posts/", {"body": "And a second thought, straight away."}
    )
    assert "too_fast" in set().union(*errors(refused).values())


# --- A post ---------------------------------------------------------------------------------------


def test_authors_edit_and_delete_their_posts_others_may_not(author, member, staff, thread):
    reply = PostFactory(thread=thread, author=member, body="Fist draft")
    url = f"{API}/posts/{reply.pk}/"
    assert (
        client_for(author)
        .patch(url, {"body": "Vandalised by someone who is not its author."})
        .status_code
        == 403
    )
    assert client_for(author).delete(url).status_code == 403
    edited = client_for(member).patch(url, {"body": "First draft, *fixed*"})
    assert edited.status_code == 200, edited.content
    assert "<em>fixed</em>" in edited.json()["html"]
    assert edited.json()["edited_at"] is not None
    assert "body" in errors(client_for(member).patch(url, {"body": "x" * 30_001}))
    assert client_for(member).delete(url).status_code == 204
    reply.refresh_from_db()
    assert reply.is_deleted
    assert (
        client_for(member).patch(url, {"body": "Back again with another try at it."}).status_code
        == 403
    )
    other = PostFactory(thread=thread, author=member)
    assert client_for(staff).delete(f"{API}/posts/{other.pk}/").status_code == 204


def test_helpful_marks_and_bookmarks_show_to_the_one_who_made_them(author, member, thread):
    reply = PostFactory(thread=thread, author=author)
    api = client_for(member)
    assert api.put(f"{API}/posts/{reply.pk}/helpful/").status_code == 204
    assert api.put(f"{API}/posts/{reply.pk}/bookmark/").status_code == 204
    mine = api.get(f"{API}/posts/{reply.pk}/").json()
    assert (mine["helpful"], mine["bookmarked"], mine["helpful_count"]) == (True, True, 1)
    theirs = client_for(author).get(f"{API}/posts/{reply.pk}/").json()
    assert (theirs["helpful"], theirs["bookmarked"], theirs["helpful_count"]) == (False, False, 1)
    listed = api.get(f"{API}/threads/{thread.pk}/posts/").json()["results"][1]
    assert (listed["helpful"], listed["bookmarked"]) == (True, True)
    assert api.delete(f"{API}/posts/{reply.pk}/helpful/").status_code == 204
    assert api.delete(f"{API}/posts/{reply.pk}/bookmark/").status_code == 204
    assert not Reaction.objects.exists()
    assert not Bookmark.objects.exists()
    assert client_for().put(f"{API}/posts/{reply.pk}/helpful/").status_code == 401


def test_one_s_own_post_cannot_be_marked_helpful(author, thread):
    opening = thread.posts.get()
    assert client_for(author).put(f"{API}/posts/{opening.pk}/helpful/").status_code == 403
    assert not Reaction.objects.exists()


def test_reactions_on_restricted_posts_are_404s(member, staff_thread):
    post = staff_thread.posts.get()
    api = client_for(member)
    for path in ("helpful", "bookmark"):
        assert api.put(f"{API}/posts/{post.pk}/{path}/").status_code == 404
    assert api.put(f"{API}/threads/{staff_thread.pk}/follow/").status_code == 404
    assert not Reaction.objects.exists()


def test_members_follow_threads(member, thread):
    api = client_for(member)
    assert api.put(f"{API}/threads/{thread.pk}/follow/").status_code == 204
    assert api.get(f"{API}/threads/{thread.pk}/").json()["following"] is True
    assert api.delete(f"{API}/threads/{thread.pk}/follow/").status_code == 204
    assert not ThreadFollow.objects.filter(member=member).exists()


def test_the_thread_author_or_staff_accept_an_answer(author, member, staff, thread):
    answer = PostFactory(thread=thread, author=member)
    url = f"{API}/threads/{thread.pk}/accepted-answer/"
    assert client_for(member).put(url, {"post": answer.pk}).status_code == 403
    assert client_for(author).put(url, {"post": answer.pk}).status_code == 204
    assert client_for().get(f"{API}/threads/{thread.pk}/").json()["accepted_post"] == answer.pk
    elsewhere = PostFactory(thread=ThreadFactory(category=thread.category))
    assert "post" in errors(client_for(author).put(url, {"post": elsewhere.pk}))
    assert "post" in errors(client_for(author).put(url, {"post": "one"}))
    assert client_for(member).delete(url).status_code == 403
    assert client_for(staff).delete(url).status_code == 204
    thread.refresh_from_db()
    assert thread.accepted_post is None


# --- Search ---------------------------------------------------------------------------------------


def indexed(thread, *replies):
    """A thread and replies as search finds them (the services index what they save)."""
    index_thread(thread)
    for post in replies:
        index_post(post)
    return thread


def found(api, **params) -> list[int]:
    response = api.get(f"{API}/search/", params)
    assert response.status_code == 200, response.content
    return [result["id"] for result in response.json()["results"]]


def test_search_finds_posts_only_in_categories_the_caller_reads(
    anonymous, member, staff, thread, staff_thread, members_category
):
    reply = PostFactory(
        thread=thread, body="Mortgage brokers in Toronto", html="<p>Mortgage brokers in Toronto</p>"
    )
    lounge = ThreadFactory(category=members_category, body="Mortgage rates this spring")
    staff_post = PostFactory(thread=staff_thread, html="<p>Mortgage fraud report</p>")
    indexed(thread, reply)
    indexed(lounge)
    indexed(staff_thread, staff_post)
    lounge_post = lounge.posts.get()
    assert found(anonymous, q="mortgage") == [reply.pk]
    assert set(found(client_for(member), q="mortgage")) == {reply.pk, lounge_post.pk}
    assert set(found(client_for(staff), q="mortgage")) == {reply.pk, lounge_post.pk, staff_post.pk}


def test_search_results_carry_a_highlighted_snippet_and_their_thread(anonymous, thread):
    reply = PostFactory(thread=thread, html="<p>在深圳开公司需要营业执照 <script>x</script></p>")
    indexed(thread, reply)
    [result] = anonymous.get(f"{API}/search/", {"q": "营业执照"}).json()["results"]
    assert "<mark>营业执照</mark>" in result["snippet"]
    assert "<script>" not in result["snippet"]
    assert result["thread"] == {
        "id": thread.pk,
        "title": "Opening a bank account",
        "category": {"slug": "market-entry", "name": "Market entry"},
    }
    assert result["author"]["display_name"]


def test_search_leaves_out_deleted_posts(anonymous, thread):
    reply = PostFactory(thread=thread, html="<p>A withdrawn remark about tariffs</p>")
    Post.objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
    reply.refresh_from_db()
    indexed(thread, reply)
    assert found(anonymous, q="tariffs") == []


def test_search_filters_by_category_tag_author_and_date(anonymous, member, thread, author):
    other = ThreadFactory(
        category=CategoryFactory(slug="finance"),
        tags=[TagFactory(name="银行")],
        body="Tariffs on steel and tariffs on aluminium",
    )
    mine = PostFactory(thread=thread, author=author, html="<p>Tariffs explained</p>")
    indexed(thread, mine)
    indexed(other)
    theirs = other.posts.get().pk
    assert set(found(anonymous, q="tariffs")) == {mine.pk, theirs}
    assert found(anonymous, q="tariffs", category="finance") == [theirs]
    assert found(anonymous, q="tariffs", tag="银行") == [theirs]
    assert found(anonymous, q="tariffs", author=author.profile.handle) == [mine.pk]
    today = timezone.localdate()
    assert found(anonymous, q="tariffs", since=today + timedelta(days=1)) == []
    assert set(found(anonymous, q="tariffs", until=today)) == {mine.pk, theirs}
    for unknown in (
        {"category": "staff-room"},
        {"tag": "nothing"},
        {"author": "zzzzzz"},
        {"sector": "no-such"},
    ):
        assert found(anonymous, q="tariffs", **unknown) == []


def test_search_by_a_hidden_member_s_handle_finds_nothing_for_strangers(anonymous, member, thread):
    hidden = listed_member("Hidden Helper", listing=Profile.Listing.HIDDEN).user
    indexed(thread, PostFactory(thread=thread, author=hidden, html="<p>Tariffs again</p>"))
    assert found(client_for(member), q="tariffs", author=hidden.profile.handle) == []
    assert len(found(client_for(hidden), q="tariffs", author=hidden.profile.handle)) == 1


def test_search_pages_follow_the_cursor_without_repeating(anonymous, thread):
    replies = [
        PostFactory(thread=thread, html=f"<p>Customs broker number {n}</p>") for n in range(25)
    ]
    indexed(thread, *replies)
    first = anonymous.get(f"{API}/search/", {"q": "customs"}).json()
    second = anonymous.get(first["next"]).json()
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(ids) == len(set(ids)) == 25
    assert second["next"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"q": "nul\x00"},
        {"q": "x" * 201},
        {"since": "yesterday"},
        {"author": "UPPER"},
        {"sector": "bad slug"},
    ],
)
def test_bad_search_filters_are_400s_naming_them(anonymous, params):
    assert set(errors(anonymous.get(f"{API}/search/", params))) == set(params)


@pytest.mark.parametrize("address", ["税务", "ßjÉö", "market-entry"])
def test_a_category_address_in_any_letters_is_a_search_filter(anonymous, address):
    response = anonymous.get(f"{API}/search/", {"q": "bank", "category": address})
    assert response.status_code == 200


@pytest.mark.parametrize("address", ["a b", "a/b", "«x»", "x" * 61])
def test_a_category_address_with_other_characters_is_a_400(anonymous, address):
    response = anonymous.get(f"{API}/search/", {"q": "bank", "category": address})
    assert set(errors(response)) == {"category"}
