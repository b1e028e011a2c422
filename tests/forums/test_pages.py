"""The forum pages as each kind of visitor sees them: anonymous, new member, member, the thread's
author and staff; restricted categories look like no category at all to those outside."""

import re

import pytest
from django.urls import reverse

from forums import services
from forums.models import Bookmark, Category, Post, Reaction, ReadPosition, Thread, ThreadFollow
from members.models import Profile, Sector
from members.trust import TrustLevel
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def member(**kwargs):
    """A signed-in member past the new-member limits, findable by other members."""
    user = UserFactory(onboarded=True, trust_level=TrustLevel.MEMBER, **kwargs)
    Profile.objects.filter(pk=user.pk).update(listing=Profile.Listing.MEMBERS)
    return with_authenticator(user) if user.is_staff else user


@pytest.fixture
def category():
    return CategoryFactory(name_en="Banking and tax", slug="banking")


@pytest.fixture
def author():
    return member(display_name="Ada Author")


@pytest.fixture
def thread(category, author):
    return services.start_thread(
        author=author,
        category=category,
        title="在多伦多设立子公司的经验",
        body="Which **bank** should a subsidiary use?\n\n- RBC\n- TD",
        tags=["税务", "banking"],
        language="en",
    )


@pytest.fixture
def replier():
    return member(display_name="Rui Replier")


@pytest.fixture
def reply(thread, replier):
    return services.post_reply(author=replier, thread=thread, body="Try the **newcomer** plan.")


def text(response) -> str:
    return response.content.decode()


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- The index and the lists --------------------------------------------------------------------


def test_index_lists_readable_categories_grouped_with_counts(client, thread):
    CategoryFactory(name_en="Staff room", restriction=Category.Restriction.STAFF)
    CategoryFactory(name_en="Members' lounge", restriction=Category.Restriction.MEMBERS)
    CategoryFactory(name_en="Mining", kind=Category.Kind.SECTOR, sector=Sector.objects.first())
    page = text(client.get("/forums/"))
    assert "Banking and tax" in page
    assert "Where members compare notes." in page
    assert "1 thread" in page
    assert "Sectors" in page
    assert "Mining" in page
    assert "Staff room" not in page
    assert "Members&#x27; lounge" not in page
    client.force_login(member())
    assert "Members&#x27; lounge" in text(client.get("/forums/"))


def test_the_forums_link_is_in_the_main_navigation(client):
    page = text(client.get("/"))
    assert re.search(r'<nav class="main-nav".*href="/forums/"', page, re.S)


def test_latest_top_and_unanswered_tabs(client, category, thread, reply):
    waiting = ThreadFactory(category=category, title="Nobody answered yet")
    latest = text(client.get("/forums/latest/"))
    assert latest.index("Nobody answered yet") < latest.index("在多伦多设立子公司的经验")
    unanswered = text(client.get("/forums/latest/?order=unanswered"))
    assert "Nobody answered yet" in unanswered
    assert "在多伦多设立子公司的经验" not in unanswered
    Thread.objects.filter(pk=thread.pk).update(helpful_count=5)
    top = text(client.get("/forums/latest/?order=top&period=week"))
    assert top.index("在多伦多设立子公司的经验") < top.index(waiting.title)
    assert 'aria-current="page">Top' in top
    assert '<option value="week" selected>' in top


def test_lists_page_by_cursor(client, category):
    for number in range(35):
        ThreadFactory(category=category, title=f"Thread number {number:02d}")
    first = text(client.get("/forums/latest/"))
    more = re.search(r'href="(\?order=latest&amp;cursor=[^"]+)"', first).group(1)
    second = text(client.get("/forums/latest/" + more.replace("&amp;", "&")))
    assert first.count('class="thread-row"') == 30
    assert second.count('class="thread-row"') == 5
    assert "Thread number 00" in second


def test_bad_list_input_reads_as_the_default(client, thread):
    for query in ("?order=drop", "?period=forever&order=top", "?cursor=forged", "?cursor=%00"):
        response = client.get("/forums/latest/" + query)
        assert response.status_code == 200
        assert "在多伦多设立子公司的经验" in text(response)


def test_category_page_with_follow_for_members(client, category, thread):
    other = ThreadFactory(title="Elsewhere")
    page = text(client.get(f"/forums/c/{category.slug}/"))
    assert "在多伦多设立子公司的经验" in page
    assert other.title not in page
    assert "Follow" not in page
    viewer = member()
    client.force_login(viewer)
    page = text(client.get(f"/forums/c/{category.slug}/"))
    assert 'aria-pressed="false">Follow' in page
    response = client.post(f"/forums/c/{category.slug}/follow/", {"follow": "1"})
    assert response.status_code == 302
    assert viewer.followed_categories.filter(category=category).exists()
    assert 'aria-pressed="true">Following' in text(client.get(f"/forums/c/{category.slug}/"))
    swapped = client.post(
        f"/forums/c/{category.slug}/follow/", {"follow": "0"}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="false"' in text(swapped)
    assert not viewer.followed_categories.exists()


def test_tag_page(client, thread):
    ThreadFactory(title="Untagged")
    page = text(client.get("/forums/tags/税务/"))
    assert "在多伦多设立子公司的经验" in page
    assert "Untagged" not in page
    assert client.get("/forums/tags/nothing-like-it/").status_code == 404


def test_unread_markers_in_lists_link_to_the_first_unread_post(client, thread, replier):
    reader = member()
    client.force_login(reader)
    client.get(f"/forums/t/{thread.pk}/")
    for number in range(3):
        PostFactory(thread=thread, author=replier, body=f"More news {number}")
    page = text(client.get("/forums/latest/"))
    assert "3 new since your last visit" in page
    assert f'href="/forums/t/{thread.pk}/unread/"' in page
    response = client.get(f"/forums/t/{thread.pk}/unread/")
    assert response.url == f"/forums/t/{thread.pk}/?after=1#post-2"
    unread_page = text(client.get("/forums/unread/"))
    assert "在多伦多设立子公司的经验" in unread_page


# --- Restricted categories ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("restriction", "who", "readable"),
    [
        (Category.Restriction.MEMBERS, "anonymous", False),
        (Category.Restriction.MEMBERS, "member", True),
        (Category.Restriction.STAFF, "member", False),
        (Category.Restriction.STAFF, "staff", True),
        (Category.Restriction.FACILITATORS, "member", False),
    ],
)
def test_restricted_categories_are_404_to_outsiders(client, restriction, who, readable):
    secret = CategoryFactory(restriction=restriction, name_en="Back room")
    hidden = ThreadFactory(category=secret, title="Behind the door")
    reply = PostFactory(thread=hidden)
    viewer = {"anonymous": None, "member": member(), "staff": member(is_staff=True)}[who]
    as_user(client, viewer)
    expected = 200 if readable else 404
    for path in (
        f"/forums/c/{secret.slug}/",
        f"/forums/t/{hidden.pk}/",
        f"/forums/t/{hidden.pk}/unread/",
        f"/forums/p/{reply.pk}/history/",
    ):
        response = client.get(path)
        assert response.status_code in ((200, 302) if readable else (404,)), path
    assert ("Behind the door" in text(client.get("/forums/latest/"))) is readable
    assert ("Back room" in text(client.get("/forums/"))) is readable
    if viewer is not None and not readable:
        for path in (
            f"/forums/p/{reply.pk}/helpful/",
            f"/forums/p/{reply.pk}/bookmark/",
            f"/forums/t/{hidden.pk}/follow/",
            f"/forums/c/{secret.slug}/follow/",
        ):
            assert client.post(path, {"helpful": "1"}).status_code == expected, path
        assert client.get(f"/forums/t/{hidden.pk}/reply/").status_code == 404
        assert client.get(f"/forums/new/?category={secret.slug}").status_code == 404


# --- The thread page ----------------------------------------------------------------------------


def test_thread_page_for_a_visitor(client, thread, reply, author):
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert "<h1>在多伦多设立子公司的经验</h1>" in page
    assert "<strong>bank</strong>" in page
    assert "<li>RBC</li>" in page
    assert "Banking and tax" in page
    assert "税务" in page
    assert "Rui Replier" in page
    # Members-only profiles are not linked for visitors; nobody's e-mail is on the page.
    assert f"/members/{author.profile.handle}/" not in page
    assert author.email not in page
    assert reply.author.email not in page
    assert "Log in to reply" in page
    assert 'name="helpful"' not in page
    assert "Edit" not in page
    assert "Accept as the answer" not in page


def test_thread_page_for_a_member(client, thread, reply, author):
    viewer = member()
    client.force_login(viewer)
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert f'href="/members/{author.profile.handle}/"' in page
    assert page.count('aria-pressed="false">Helpful') == 2
    assert 'id="reply-form"' in page
    assert "Quote" in page
    assert f"/forums/p/{reply.pk}/edit/" not in page
    assert "Accept as the answer" not in page
    assert ReadPosition.objects.get(member=viewer, thread=thread).last_read == 2


def test_a_new_member_may_reply_but_not_accept_or_edit_others(client, thread, reply):
    newcomer = UserFactory(onboarded=True)
    client.force_login(newcomer)
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert 'id="reply-form"' in page
    assert 'aria-pressed="false">Helpful' in page
    assert f"/forums/p/{reply.pk}/edit/" not in page
    assert "Accept as the answer" not in page
    for user in (newcomer, thread.author, reply.author):
        assert user.email not in page
    response = client.post(
        f"/forums/t/{thread.pk}/reply/", {"body": "Thank you, that is what I needed to know."}
    )
    assert response.status_code == 302
    assert thread.posts.filter(author=newcomer).exists()


def test_the_thread_author_accepts_an_answer_shown_under_the_question(
    client, thread, reply, author
):
    client.force_login(author)
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert f"/forums/p/{thread.posts.get(number=1).pk}/edit/" in page
    assert "Accept as the answer" in page
    response = client.post(f"/forums/p/{reply.pk}/accept/", {"accepted": "1"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.accepted_post == reply
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    answer = page.index('class="accepted-answer"')
    assert page.index('id="post-1"') < answer < page.index('id="post-2"')
    assert "Go to the answer in the thread" in page
    assert f'href="/forums/t/{thread.pk}/?after=1#post-2"' in page
    client.post(f"/forums/p/{reply.pk}/accept/", {"accepted": "0"})
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_others_cannot_accept(client, thread, reply):
    client.force_login(member())
    assert client.post(f"/forums/p/{reply.pk}/accept/", {"accepted": "1"}).status_code == 403
    thread.refresh_from_db()
    assert thread.accepted_post is None


def test_staff_see_edit_delete_and_accept_on_every_post(client, thread, reply):
    client.force_login(member(is_staff=True))
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert f"/forums/p/{reply.pk}/edit/" in page
    assert f"/forums/p/{reply.pk}/delete/" in page
    assert "Accept as the answer" in page


def test_helpful_toggle_with_and_without_htmx(client, thread, reply):
    viewer = member()
    client.force_login(viewer)
    response = client.post(f"/forums/p/{reply.pk}/helpful/", {"helpful": "1"})
    assert response.status_code == 302
    assert response.url == f"/forums/t/{thread.pk}/?after=1#post-2"
    reply.refresh_from_db()
    assert reply.helpful_count == 1
    swapped = client.post(
        f"/forums/p/{reply.pk}/helpful/", {"helpful": "0"}, headers={"HX-Request": "true"}
    )
    assert 'aria-pressed="false"' in text(swapped)
    assert '<span class="count">0</span>' in text(swapped)
    assert not Reaction.objects.exists()


def test_bookmark_and_the_bookmarks_page(client, thread, reply):
    viewer = member()
    client.force_login(viewer)
    client.post(f"/forums/p/{reply.pk}/bookmark/", {"bookmarked": "1"})
    assert Bookmark.objects.filter(member=viewer, post=reply).exists()
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert 'aria-pressed="true">Bookmark' in page
    listed = text(client.get("/forums/bookmarks/"))
    assert "在多伦多设立子公司的经验" in listed
    assert f'href="/forums/t/{thread.pk}/?after=1#post-2"' in listed


def follow_form_address(html: str) -> str:
    return re.search(r'<form class="toggle-form" method="post" action="([^"]+)"', html)[1]


def test_the_swapped_follow_button_posts_where_the_page_s_button_posts(client):
    category = CategoryFactory(name_en="Tax", slug="税务")
    viewer = member()
    client.force_login(viewer)
    page_address = follow_form_address(text(client.get(reverse("forums:category", args=["税务"]))))
    assert page_address == "/forums/c/%E7%A8%8E%E5%8A%A1/follow/"
    swapped = client.post(page_address, {"follow": "1"}, headers={"HX-Request": "true"})
    assert follow_form_address(text(swapped)) == page_address
    assert 'aria-pressed="true"' in text(swapped)
    client.post(follow_form_address(text(swapped)), {"follow": "0"}, headers={"HX-Request": "true"})
    assert not viewer.followed_categories.filter(category=category).exists()


def test_follow_a_thread(client, thread):
    viewer = member()
    client.force_login(viewer)
    client.post(f"/forums/t/{thread.pk}/follow/", {"follow": "1"})
    assert ThreadFollow.objects.filter(member=viewer, thread=thread).exists()
    assert 'aria-pressed="true">Following' in text(client.get(f"/forums/t/{thread.pk}/"))


def test_deleted_post_shows_the_placeholder_not_its_text(client, thread, reply, replier):
    client.force_login(replier)
    assert client.get(f"/forums/p/{reply.pk}/delete/").status_code == 200
    client.post(f"/forums/p/{reply.pk}/delete/")
    client.logout()
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert "This post was deleted by its author." in page
    assert "newcomer" not in page


def test_others_cannot_delete_or_edit(client, reply):
    client.force_login(member())
    assert client.get(f"/forums/p/{reply.pk}/delete/").status_code == 403
    assert client.post(f"/forums/p/{reply.pk}/delete/").status_code == 403
    assert client.get(f"/forums/p/{reply.pk}/edit/").status_code == 403
    reply.refresh_from_db()
    assert reply.deleted_at is None


def test_an_edited_post_links_its_history(client, thread, reply, replier):
    client.force_login(replier)
    response = client.post(f"/forums/p/{reply.pk}/edit/", {"body": "Try the **student** plan."})
    assert response.status_code == 302
    client.logout()
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert f'href="/forums/p/{reply.pk}/history/"' in page
    history = text(client.get(f"/forums/p/{reply.pk}/history/"))
    assert "<strong>student</strong>" in history
    assert "Try the **newcomer** plan." in history


def test_editing_the_opening_post_changes_the_title(client, thread, author):
    client.force_login(author)
    opening = thread.posts.get(number=1)
    page = text(client.get(f"/forums/p/{opening.pk}/edit/"))
    assert "在多伦多设立子公司的经验" in page
    client.post(
        f"/forums/p/{opening.pk}/edit/",
        {"title": "Opening a subsidiary in Toronto", "body": "Which bank suits a subsidiary?"},
    )
    thread.refresh_from_db()
    assert thread.title == "Opening a subsidiary in Toronto"


def test_deep_pages_by_after(client, thread, replier):
    for number in range(45):
        PostFactory(thread=thread, author=replier, body=f"Reply body {number}")
    first = text(client.get(f"/forums/t/{thread.pk}/"))
    assert 'href="?after=20" rel="next"' in first
    assert "Reply body 18" in first
    assert "Reply body 19" not in first
    deep = text(client.get(f"/forums/t/{thread.pk}/?after=40"))
    assert 'id="post-41"' in deep
    assert 'id="post-1"' not in deep
    assert 'href="?after=20" rel="prev"' in deep
    assert 'rel="next"' not in deep
    for after in ("-5", "x", "99999999999999999999", "\x00"):
        assert client.get(f"/forums/t/{thread.pk}/", {"after": after}).status_code == 200


def test_walked_and_garbled_ids_are_404(client):
    client.force_login(member())
    for path in ("/forums/t/999999/", "/forums/p/999999/edit/", "/forums/p/999999/history/"):
        assert client.get(path).status_code == 404
    assert client.post("/forums/p/999999/helpful/", {"helpful": "1"}).status_code == 404


# --- Writing --------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, thread, reply):
    for path in (
        "/forums/new/",
        f"/forums/t/{thread.pk}/reply/",
        "/forums/unread/",
        "/forums/bookmarks/",
    ):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    response = client.post(f"/forums/p/{reply.pk}/helpful/", {"helpful": "1"})
    assert response.status_code == 302
    assert not Reaction.objects.exists()


def test_a_member_starts_a_thread(client, category):
    client.force_login(member())
    page = text(client.get(f"/forums/new/?category={category.slug}"))
    assert "New thread in Banking and tax" in page
    response = client.post(
        f"/forums/new/?category={category.slug}",
        _thread_form(category, title="Payroll in Québec", body="Who runs **payroll**?"),
    )
    assert response.status_code == 302
    thread = Thread.objects.get(title="Payroll in Québec")
    assert response.url == f"/forums/t/{thread.pk}/"
    assert "<strong>payroll</strong>" in text(client.get(response.url))


def _thread_form(category, **fields):
    return {"category": category.pk, "language": "en", **fields}


def test_thread_form_errors_keep_what_was_typed(client, category):
    client.force_login(member())
    response = client.post(
        f"/forums/new/?category={category.slug}", _thread_form(category, title="", body="Kept body")
    )
    assert response.status_code == 200
    page = text(response)
    assert "Kept body" in page
    assert 'class="errorlist' in page


def test_a_new_member_is_told_beside_the_field_when_a_limit_refuses(client, thread):
    newcomer = UserFactory(onboarded=True)
    client.force_login(newcomer)
    body = " ".join(f"[{name}](https://{name}.example)" for name in "abcd")
    response = client.post(f"/forums/t/{thread.pk}/reply/", {"body": body})
    assert response.status_code == 200
    page = text(response)
    assert "https://d.example" in page
    assert 'class="errorlist' in page
    assert not Post.objects.filter(author=newcomer).exists()


def test_reply_with_a_quote(client, thread, reply):
    client.force_login(member())
    page = text(client.get(f"/forums/t/{thread.pk}/reply/?quote={reply.pk}"))
    assert "&gt; Try the **newcomer** plan." in page
    assert f'name="reply_to" value="{reply.pk}"' in page
    response = client.post(
        f"/forums/t/{thread.pk}/reply/",
        {"body": "> Try it\n\nAgreed, the newcomer plan was fine for us.", "reply_to": reply.pk},
    )
    assert response.status_code == 302
    answer = Post.objects.get(number=3, thread=thread)
    assert answer.reply_to == reply
    assert response.url == f"/forums/t/{thread.pk}/?after=2#post-3"


def test_a_quote_from_another_thread_is_404(client, thread):
    elsewhere = PostFactory()
    client.force_login(member())
    assert client.get(f"/forums/t/{thread.pk}/reply/?quote={elsewhere.pk}").status_code == 404
    assert client.get(f"/forums/t/{thread.pk}/reply/?quote=abc").status_code == 404


def test_locked_threads_take_no_replies_from_members(client, thread):
    Thread.objects.filter(pk=thread.pk).update(locked=True)
    client.force_login(member())
    page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert 'id="reply-form"' not in page
    assert client.get(f"/forums/t/{thread.pk}/reply/").status_code == 403


def test_markdown_preview(client):
    client.force_login(member())
    response = client.post("/forums/preview/", {"body": "**Bold** <script>x</script>"})
    assert "<strong>Bold</strong>" in text(response)
    assert "<script>" not in text(response)


def test_reading_moves_the_position_of_members_only(client, thread, replier):
    for number in range(25):
        PostFactory(thread=thread, author=replier, body=f"Reply body {number}")
    client.get(f"/forums/t/{thread.pk}/")
    assert not ReadPosition.objects.exists()
    reader = member()
    client.force_login(reader)
    client.get(f"/forums/t/{thread.pk}/")
    assert ReadPosition.objects.get(member=reader).last_read == 20
    client.get(f"/forums/t/{thread.pk}/?after=20")
    assert ReadPosition.objects.get(member=reader).last_read == 26
    client.get(f"/forums/t/{thread.pk}/")
    assert ReadPosition.objects.get(member=reader).last_read == 26


# --- Hostile names --------------------------------------------------------------------------------

HOSTILE = """<img src=x onerror="alert('x')">"""


def test_hostile_titles_names_and_tags_are_text_on_every_forum_page(client):
    """Lists and posts are rendered by Jinja2 fragments inside Django pages: both escape."""
    category = CategoryFactory(slug="hostile", name_en=f"{HOSTILE} category")
    tag = TagFactory(name="<svg onload=alert(1)>")
    thread = ThreadFactory(
        category=category,
        author=member(display_name=f"{HOSTILE} author"),
        title=f"{HOSTILE} title",
        tags=[tag],
    )
    PostFactory(thread=thread, author=member(display_name=f"{HOSTILE} replier"))
    ReadPosition.objects.create(member=(viewer := member()), thread=thread, last_read=1)
    client.force_login(viewer)
    pages = [
        "/forums/latest/",
        "/forums/c/hostile/",
        reverse("forums:tag", args=[tag.name]),
        "/forums/unread/",
        f"/forums/t/{thread.pk}/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        page = text(response)
        assert "<img src=x" not in page, path
        assert "<svg onload" not in page, path
        assert "&lt;img src=x onerror=" in page, path
    thread_page = text(client.get(f"/forums/t/{thread.pk}/"))
    assert "&lt;svg onload=alert(1)&gt;" in thread_page
    assert 'data-author="&lt;img src=x onerror=' in thread_page  # the quote button's attribute
