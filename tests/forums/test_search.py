"""Forum search: words in three languages, ranking, filters, who sees what, snippets, cursor pages
and the page's query count. Runs on PostgreSQL (full-text) and on SQLite (the fallback)."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums import indexing
from forums import search as forum_search
from forums.access import readable_categories
from forums.models import Category, Post
from forums.search import highlight, search_posts, snippet
from members.models import Sector
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def start(title: str, body: str = "Nothing to see here.", **fields):
    thread = ThreadFactory(title=title, body=body, **fields)
    thread.refresh_from_db()
    indexing.index_thread(thread)
    return thread


def reply(thread, body: str, **fields) -> Post:
    post = PostFactory(thread=thread, body=body, **fields)
    indexing.index_post(post)
    return post


def opening(thread) -> Post:
    return thread.posts.get(number=1)


def find(query: str, viewer=None, **filters) -> list[Post]:
    viewer = viewer or UserFactory()
    return search_posts(categories=readable_categories(viewer), query=query, **filters).items


def found_ids(query: str, viewer=None, **filters) -> list[int]:
    return [post.pk for post in find(query, viewer, **filters)]


# --- Words ------------------------------------------------------------------------------------


def test_finds_an_english_word_whatever_its_case():
    thread = start("Opening a business account", "Which bank asked you for the fewest papers?")
    start("Trade shows in Guangzhou", "The Canton fair is in April.")
    assert found_ids("BANK") == [opening(thread).pk]
    assert found_ids("bank papers") == [opening(thread).pk]
    assert found_ids("bank visa") == []


@pytest.mark.parametrize("query", ["québécois", "quebecois", "QUÉBÉCOIS", "Marché québécois"])
def test_finds_a_french_word_with_or_without_accents(query):
    thread = start("Exporter au Québec", "Le marché québécois demande des étiquettes bilingues.")
    post = reply(thread, "Les distributeurs québécois préfèrent les échantillons.")
    assert opening(thread).pk in found_ids(query)
    assert post.pk in found_ids("distributeurs") + found_ids("echantillons")


def test_finds_a_chinese_term_inside_a_longer_sentence():
    thread = start("深圳设立办事处的经验", "我们去年在深圳设立了办事处，银行开户花了三个月时间。")
    start("多伦多的税务问题", "请问加拿大的公司税怎么申报？")
    assert found_ids("办事处") == [opening(thread).pk]
    assert found_ids("银行") == [opening(thread).pk]
    [post] = find("银行")
    assert "<mark>银行</mark>" in post.snippet


def test_a_title_match_comes_first():
    mentioned = start(
        "Shipping lithium batteries",
        "Our freight forwarder said customs wanted a safety data sheet for every battery model.",
    )
    titled = start("Customs brokers in Vancouver", "Who do you use at the port?")
    later = reply(mentioned, "Customs held ours for two weeks; customs brokers know the forms.")
    results = found_ids("customs")
    assert results[0] == opening(titled).pk
    assert set(results) == {opening(titled).pk, opening(mentioned).pk, later.pk}


def test_a_query_without_words_finds_nothing():
    start("Anything", "Some text.")
    assert find("  ?!…  ") == []
    assert find("") == []


# --- Filters ----------------------------------------------------------------------------------


def test_filters_by_category_tag_sector_author_and_dates():
    market, law = CategoryFactory(), CategoryFactory()
    tag = TagFactory(name="visa")
    sector = Sector.objects.get(slug="agri-food")
    author = UserFactory()
    in_market = start("Permit for maple syrup exports", category=market, tags=[tag])
    in_law = start("Permit renewal delays", category=law, sector=sector, author=author)
    old = opening(in_law)
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    late = reply(in_market, "The permit came after six weeks.", author=author)
    everything = set(found_ids("permit"))
    assert everything == {opening(in_market).pk, old.pk, late.pk}
    assert set(found_ids("permit", category=market)) == {opening(in_market).pk, late.pk}
    assert set(found_ids("permit", tag=tag)) == {opening(in_market).pk, late.pk}
    assert found_ids("permit", sector=sector) == [old.pk]
    assert set(found_ids("permit", author=author)) == {old.pk, late.pk}
    today = timezone.localdate()
    assert set(found_ids("permit", since=today)) == {opening(in_market).pk, late.pk}
    assert found_ids("permit", until=today - timedelta(days=300)) == [old.pk]
    assert found_ids("permit", since=today, until=today - timedelta(days=1)) == []


def test_never_finds_deleted_posts():
    thread = start("Bank account for a newcomer", "Any bank will do.")
    gone = reply(thread, "My bank closed it after a week.")
    gone.deleted_at = timezone.now()
    gone.save(update_fields=["deleted_at"])
    indexing.index_post(gone)
    kept_text = reply(thread, "Another bank story.")
    Post.objects.filter(pk=kept_text.pk).update(deleted_at=timezone.now())  # index not yet told
    assert found_ids("bank") == [opening(thread).pk]


def test_never_finds_posts_in_categories_the_viewer_may_not_read():
    staff_room = CategoryFactory(restriction=Category.Restriction.STAFF)
    lounge = CategoryFactory(restriction=Category.Restriction.MEMBERS)
    hidden = start("Budget for the next fair", category=staff_room)
    members_only = start("Budget templates", category=lounge)
    open_one = start("Budget advice")
    staff = UserFactory(is_staff=True)
    anonymous = type("Anonymous", (), {"is_authenticated": False, "is_active": False})()
    assert set(found_ids("budget", anonymous)) == {opening(open_one).pk}
    assert set(found_ids("budget")) == {opening(open_one).pk, opening(members_only).pk}
    assert set(found_ids("budget", staff)) == {
        opening(open_one).pk,
        opening(members_only).pk,
        opening(hidden).pk,
    }
    # Asking for a category one may not read finds nothing, rather than its posts.
    assert found_ids("budget", category=staff_room) == []


# --- Snippets ---------------------------------------------------------------------------------


def test_finds_chinese_whichever_script_the_post_and_the_query_are_written_in():
    simplified = start("电池供应链", "我们在深圳采购电池。")
    traditional = start("廣州的物流", "我們在廣州租了倉庫，電池從這裡出口。")
    assert sorted(found_ids("電池")) == sorted([opening(simplified).pk, opening(traditional).pk])
    assert found_ids("广州") == [opening(traditional).pk]
    assert found_ids("深圳採購") == [opening(simplified).pk]
    [post] = find("仓库")
    assert "<mark>倉庫</mark>" in post.snippet


def test_snippets_escape_what_the_post_shows_and_mark_the_words():
    thread = start("Escaping", "Nothing here.")
    post = reply(
        thread, "x", html="<p>Paste &lt;script&gt;alert(1)&lt;/script&gt; in the tariff form</p>"
    )
    [found] = find("tariff")
    assert found.pk == post.pk
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in found.snippet
    assert "<script>" not in found.snippet
    assert "<mark>tariff</mark>" in found.snippet


def test_a_snippet_is_cut_around_the_first_match():
    text = " ".join(["filler"] * 100) + " the Montréal office " + " ".join(["more"] * 100)
    cut = snippet(text, forum_search.query_terms("montreal"))
    assert cut.startswith("… ")
    assert cut.endswith(" …")
    assert "<mark>Montréal</mark>" in cut
    assert len(cut) < 400
    assert snippet("<b> & co", ["co"]) == "&lt;b&gt; &amp; <mark>co</mark>"
    assert highlight("Banking in Canada", ["bank"]) == "Banking in Canada"  # whole words only


def test_results_carry_their_thread_and_highlighted_title():
    thread = start("Hiring a <b>bookkeeper</b>", "Any bookkeeper who reads Chinese?")
    [post] = find("bookkeeper")
    assert post.thread.pk == thread.pk
    assert post.thread.category.name
    assert str(post.title_html) == "Hiring a &lt;b&gt;<mark>bookkeeper</mark>&lt;/b&gt;"


# --- Pages ------------------------------------------------------------------------------------


def test_cursor_pages_do_not_repeat_and_end():
    thread = start("Freight quotes", "Freight from Shenzhen.")
    for number in range(24):
        reply(thread, f"Freight quote number {number}.")
    viewer = UserFactory()
    categories = readable_categories(viewer)
    first = search_posts(categories=categories, query="freight", size=10)
    second = search_posts(categories=categories, query="freight", size=10, cursor=first.next_cursor)
    third = search_posts(categories=categories, query="freight", size=10, cursor=second.next_cursor)
    pages = [first.items, second.items, third.items]
    ids = [post.pk for page in pages for post in page]
    assert [len(page) for page in pages] == [10, 10, 5]
    assert len(set(ids)) == 25
    assert third.next_cursor is None
    # A cursor from another search starts this one from its first page.
    other = search_posts(categories=categories, query="shenzhen freight", cursor=first.next_cursor)
    assert other.items[0].pk == opening(thread).pk


def test_common_words_read_a_window_of_recent_posts_and_find_the_same(monkeypatch):
    thread = start("Market entry", "The market is large.")
    for number in range(12):
        reply(thread, f"Market note {number}.")
    Post.objects.filter(pk=opening(thread).pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    expected = found_ids("market")
    last_week = timezone.localdate() - timedelta(days=7)
    expected_before = found_ids("market", until=last_week)
    monkeypatch.setattr(forum_search, "share_of_posts", lambda terms, using: 0.5)
    assert found_ids("market") == expected
    assert found_ids("market", until=last_week) == expected_before == [opening(thread).pk]


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_results_with_thread_author_and_date(client):
    author = UserFactory(display_name="Li Wei")
    start("Customs broker in Vancouver", "Ask about customs at the port.", author=author)
    response = client.get("/forums/search/", {"q": "customs"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark>Customs</mark> broker in Vancouver" in page
    assert "Li Wei" in page
    assert "<mark>customs</mark>" in page


def test_the_page_says_when_nothing_matches_or_there_are_no_words(client):
    start("Anything", "Some text.")
    nothing = client.get("/forums/search/", {"q": "zeppelin"})
    assert nothing.status_code == 200
    assert "No post matches “zeppelin”" in nothing.content.decode()
    no_words = client.get("/forums/search/", {"q": "?!"})
    assert "Type at least one word" in no_words.content.decode()
    empty = client.get("/forums/search/")
    assert empty.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "2024-13-40"}, "Enter a valid date."),
        ({"since": "2025-05-02", "until": "2025-05-01"}, "The end date comes before"),
        ({"until": "9999-12-31"}, "Enter a date between 2000 and 2999."),
        ({"author": "nobody-here"}, "No member has this handle."),
        ({"tag": "no-such-tag"}, "No thread has this tag."),
        ({"category": "not-a-category"}, "Select a valid choice."),
        ({"sector": "nope"}, "Select a valid choice."),
        ({"q": "bank\x00"}, "Null characters are not allowed."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_filters_are_form_errors_that_keep_what_was_typed(client, params, message):
    response = client.get("/forums/search/", {"q": "bank", **params})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    if "author" in params:
        assert 'value="nobody-here"' in page


def test_a_restricted_category_is_not_offered_nor_searchable_by_members(client):
    staff_room = CategoryFactory(restriction=Category.Restriction.STAFF, slug="staff-room")
    start("Budget review", category=staff_room)
    client.force_login(UserFactory())
    response = client.get("/forums/search/", {"q": "budget", "category": "staff-room"})
    assert response.status_code == 400
    assert "Budget review" not in response.content.decode()


def test_more_results_link_follows_the_cursor(client):
    thread = start("Freight quotes", "Freight from Shenzhen.")
    for number in range(21):
        reply(thread, f"Freight quote {number}.")
    first = client.get("/forums/search/", {"q": "freight"}).content.decode()
    assert first.count('<li class="card forum-result">') == 20
    more = html.unescape(re.search(r'<a class="button" rel="next" href="([^"]+)"', first)[1])
    assert more.startswith("?q=freight&cursor=")
    second = client.get(f"/forums/search/{more}").content.decode()
    assert second.count('<li class="card forum-result">') == 2
    assert 'rel="next"' not in second


def results_of(page: str) -> list[str]:
    return re.findall(r'<li class="card forum-result">(.*?)</li>', page, re.S)


def test_a_result_says_where_and_by_whom_and_links_to_the_post_in_place(client):
    author = UserFactory(display_name="Lin Wei")
    thread = start("Shipping lithium batteries", "Which forwarder takes them?")
    found = reply(thread, "Our forwarder ships lithium cells by sea.", author=author)
    gone = reply(thread, "Lithium needs a dangerous-goods declaration.", author=None)
    page = client.get("/forums/search/", {"q": "lithium"}, HTTP_ACCEPT_LANGUAGE="fr").content
    results = {result.split("</h3>")[1]: result for result in results_of(page.decode())}
    by_lin = next(result for meta, result in results.items() if "Lin Wei" in meta)
    assert f'href="/forums/t/{thread.pk}/?after=1#post-{found.number}"' in by_lin
    assert f'<a href="/members/{author.profile.handle}/">Lin Wei</a>' in by_lin
    assert f"réponse nº\N{NO-BREAK SPACE}{found.number}" in by_lin
    assert f'<time datetime="{found.created_at.isoformat()}">' in by_lin
    assert "<mark>lithium</mark>" in by_lin
    gone_number = f"nº\N{NO-BREAK SPACE}{gone.number}"
    by_nobody = next(result for meta, result in results.items() if gone_number in meta)
    assert "Membre supprimé" in by_nobody
    assert "/members/" not in by_nobody
    opening_post = next(result for meta, result in results.items() if "réponse" not in meta)
    assert f'href="/forums/t/{thread.pk}/#post-1"' in opening_post
    assert "<mark>lithium</mark>" in opening_post.split("</h3>")[0]


def count_queries(client, query: str) -> int:
    client.get("/forums/search/", {"q": query})  # caches warm (reference data, statistics)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/forums/search/", {"q": query, "sector": "agri-food"})
    assert response.status_code == 200
    return len(captured)


def test_query_count_is_fixed_whatever_the_number_of_results(client):
    client.force_login(UserFactory())
    sector = Sector.objects.get(slug="agri-food")
    thread = start("Seafood exports", "Seafood to Shanghai.", sector=sector)
    reply(thread, "Seafood permits.")
    few = count_queries(client, "seafood")
    for number in range(30):
        reply(start(f"Seafood question {number}", sector=sector), f"Seafood answer {number}.")
    many = count_queries(client, "seafood")
    assert few == many <= MAX_QUERIES
