"""Feed import against feeds served by a real HTTP server on 127.0.0.1: RSS 2.0 and Atom,
duplicates, conditional GET, and feeds that are broken or hostile (malformed XML, oversized,
endless, hanging, a wrong encoding, HTML and script in titles), none of which stops the others."""

import html
import http.client
import re
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.markdown import render_post
from economy import feeds, tasks
from economy.models import EconomyUpdate, FeedSource
from members.models import CityRegion, Sector
from tests.economy.feed_server import FeedServer
from tests.members.factories import UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>China Economy Watch</title><link>https://example.com/</link>
<description>News</description>
<item>
  <title>Shenzhen battery makers expand into Toronto</title>
  <link>https://example.com/news/1</link>
  <guid isPermaLink="false">cew-1</guid>
  <pubDate>Mon, 06 Jan 2025 08:30:00 +0000</pubDate>
  <description>&lt;p&gt;Clean technology firms from &lt;b&gt;Shenzhen&lt;/b&gt;
    open offices.&lt;/p&gt;</description>
</item>
<item>
  <title>人民币汇率保持稳定</title>
  <link>https://example.com/news/2</link>
  <guid isPermaLink="false">cew-2</guid>
  <pubDate>Tue, 07 Jan 2025 09:00:00 +0800</pubDate>
  <description>上海金融市场平稳运行。</description>
</item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Trade notes</title><id>urn:trade-notes</id><updated>2025-02-01T00:00:00Z</updated>
  <entry>
    <title type="html">Les &lt;em&gt;PME&lt;/em&gt; de Montréal visent Chengdu</title>
    <id>urn:trade-notes:1</id>
    <link rel="alternate" href="https://example.org/notes/1"/>
    <updated>2025-02-01T10:00:00Z</updated>
    <summary>Agroalimentaire et logistique.</summary>
    <content type="html">&lt;p&gt;Premier paragraphe.&lt;/p&gt;
      &lt;p&gt;Deuxième *paragraphe* avec [un lien](javascript:alert(1)).&lt;/p&gt;</content>
  </entry>
</feed>
"""


def rss(*items: str, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>Feed</title><link>https://example.com/</link><description>d</description>"
        f"{''.join(items)}</channel></rss>"
    )


def item(guid: str, title: str, *, link: str = "", description: str = "", date: str = "") -> str:
    parts = [f"<title>{title}</title>", f'<guid isPermaLink="false">{guid}</guid>']
    if link:
        parts.append(f"<link>{link}</link>")
    if description:
        parts.append(f"<description>{description}</description>")
    if date:
        parts.append(f"<pubDate>{date}</pubDate>")
    return f"<item>{''.join(parts)}</item>"


@pytest.fixture
def server(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = True
    settings.FEEDS_TIMEOUT = 2
    feed_server = FeedServer()
    feed_server.start()
    yield feed_server
    feed_server.stop()


def source(url: str, **fields) -> FeedSource:
    fields.setdefault("name", f"Feed {FeedSource.objects.count() + 1}")
    fields.setdefault("language", "en")
    return FeedSource.objects.create(url=url, **fields)


def refreshed(feed: FeedSource) -> FeedSource:
    feed.refresh_from_db()
    return feed


# --- Valid feeds ----------------------------------------------------------------------------------


def test_rss_and_atom_become_updates(server):
    rss_feed = source(server.serve("/rss", body=RSS.encode()), name="China Economy Watch")
    atom_feed = source(
        server.serve("/atom", body=ATOM.encode(), content_type="application/atom+xml"),
        language="fr",
        trusted=True,
    )

    totals = feeds.import_all_feeds()

    assert totals == {"sources": 2, "new": 3, "not_modified": 0, "failed": 0}
    first = EconomyUpdate.objects.get(feed=rss_feed, guid="cew-1")
    assert first.title == "Shenzhen battery makers expand into Toronto"
    assert first.summary == "Clean technology firms from Shenzhen open offices."
    assert first.body == ""  # the description is the summary already
    assert first.source_name == "China Economy Watch"
    assert first.source_url == "https://example.com/news/1"
    assert first.language == "en"
    assert first.status == EconomyUpdate.Status.REVIEW  # an untrusted source's entries wait
    assert first.published_at == datetime(2025, 1, 6, 8, 30, tzinfo=UTC)
    assert set(first.sectors.values_list("slug", flat=True)) == {"clean-technology"}
    assert set(first.city_regions.values_list("slug", flat=True)) == {"shenzhen", "toronto"}
    assert "s" + str(Sector.objects.get(slug="clean-technology").pk) in first.tokens.split()
    assert "battery" in first.search_text

    chinese = EconomyUpdate.objects.get(feed=rss_feed, guid="cew-2")
    assert chinese.title == "人民币汇率保持稳定"
    assert chinese.published_at == datetime(2025, 1, 7, 1, 0, tzinfo=UTC)
    assert list(chinese.city_regions.all()) == [CityRegion.objects.get(slug="shanghai")]
    assert list(chinese.sectors.values_list("slug", flat=True)) == ["finance-banking"]

    french = EconomyUpdate.objects.get(feed=atom_feed)
    assert french.guid == "urn:trade-notes:1"
    assert french.title == "Les PME de Montréal visent Chengdu"
    assert french.language == "fr"
    assert french.status == EconomyUpdate.Status.PUBLISHED  # a trusted source's go out at once
    assert french.published_at == datetime(2025, 2, 1, 10, tzinfo=UTC)
    assert french in EconomyUpdate.objects.visible()
    assert french.body.startswith("Premier paragraphe.\n\nDeuxième \\*paragraphe\\*")
    # Markdown written in a feed's text is shown as text: no emphasis, no link.
    assert "<em>" not in french.body_html
    assert "<a" not in french.body_html
    assert "*paragraphe*" in french.body_html
    assert {"montreal", "chengdu"} == set(french.city_regions.values_list("slug", flat=True))
    assert {"agri-food", "transportation-logistics"} == set(
        french.sectors.values_list("slug", flat=True)
    )

    for feed in (rss_feed, atom_feed):
        feed = refreshed(feed)
        assert feed.failures == 0
        assert feed.last_error == ""
        assert feed.checked_at
        assert feed.succeeded_at == feed.checked_at


def test_entries_already_imported_or_linked_are_not_imported_again(server):
    body = rss(
        item("a", "First", link="https://example.com/a"),
        item("a", "First again, same guid", link="https://example.com/a2"),
        item("b", "Same article as an update written by an Editor", link="https://example.com/b"),
        item("c", "Same link as the first", link="https://example.com/a"),
        item("", "No guid: its link is its id", link="https://example.com/d"),
    )
    EconomyUpdate.objects.create(
        title="Written here", language="en", source_url="https://example.com/b"
    )
    feed = source(server.serve("/feed", body=body.encode()))

    first = feeds.import_feed(source=feed)
    second = feeds.import_feed(source=feed)  # this server sends no ETag: fetched again

    assert [u.title for u in EconomyUpdate.objects.filter(feed=feed).order_by("pk")] == [
        "First",
        "No guid: its link is its id",
    ]
    assert EconomyUpdate.objects.get(guid="https://example.com/d")
    assert (len(first.created), first.duplicates) == (2, 3)
    assert (len(second.created), second.duplicates) == (0, 5)


def test_conditional_get_sends_the_validators_back_and_a_304_imports_nothing(server):
    url = server.serve(
        "/feed",
        body=RSS.encode(),
        etag='"v1"',
        last_modified="Mon, 06 Jan 2025 08:30:00 GMT",
    )
    feed = source(url)

    feeds.import_feed(source=feed)
    feed = refreshed(feed)
    assert (feed.etag, feed.last_modified) == ('"v1"', "Mon, 06 Jan 2025 08:30:00 GMT")
    count = EconomyUpdate.objects.count()
    checked = feed.checked_at

    result = feeds.import_feed(source=feed)

    first, second = server.requests_to("/feed")
    assert "If-None-Match" not in first.headers
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == "Mon, 06 Jan 2025 08:30:00 GMT"
    assert result.not_modified
    assert result.ok
    assert not result.created
    assert EconomyUpdate.objects.count() == count
    feed = refreshed(feed)
    assert feed.checked_at > checked
    assert feed.succeeded_at == feed.checked_at
    assert feed.etag == '"v1"'  # kept for the next time


def test_last_modified_alone_is_enough_for_a_304(server):
    feed = source(server.serve("/feed", body=RSS.encode(), last_modified="Tue, 07 Jan 2025"))
    feeds.import_feed(source=feed)
    result = feeds.import_feed(source=refreshed(feed))
    assert result.not_modified
    assert server.requests_to("/feed")[1].headers["If-Modified-Since"] == "Tue, 07 Jan 2025"


def test_gzip_bodies_are_read(server):
    feed = source(server.serve("/feed", body=RSS.encode(), gzip=True))
    assert len(feeds.import_feed(source=feed).created) == 2
    assert server.requests_to("/feed")[0].headers["Accept-Encoding"] == "gzip"


def test_dates_to_come_are_brought_back_to_now_and_missing_ones_are_now(server):
    future = (timezone.now() + timedelta(days=30)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    body = rss(item("future", "From the future", date=future), item("none", "Undated"))
    feed = source(server.serve("/feed", body=body.encode()), trusted=True)
    before = timezone.now()

    feeds.import_feed(source=feed)

    for update in EconomyUpdate.objects.filter(feed=feed):
        assert before <= update.published_at <= timezone.now()
        assert update in EconomyUpdate.objects.visible()  # not scheduled for later


# --- Broken and hostile feeds ---------------------------------------------------------------------


def test_malformed_xml_is_recorded_on_its_source_and_the_next_one_still_imports(server):
    broken = source(
        server.serve("/broken", body=b'<?xml version="1.0"?><rss><channel><item><title>A & B')
    )
    good = source(server.serve("/good", body=RSS.encode()))

    totals = feeds.import_all_feeds()

    assert totals == {"sources": 2, "new": 2, "not_modified": 0, "failed": 1}
    broken = refreshed(broken)
    assert broken.failures == 1
    assert "not well-formed" in broken.last_error
    assert broken.checked_at is not None
    assert broken.succeeded_at is None
    assert not EconomyUpdate.objects.filter(feed=broken).exists()
    assert EconomyUpdate.objects.filter(feed=good).count() == 2

    feeds.import_feed(source=broken)
    assert refreshed(broken).failures == 2  # in a row


def test_a_source_that_works_again_is_cleared(server):
    feed = source(server.serve("/feed", body=b"<rss><channel><item>"))
    feeds.import_feed(source=feed)
    server.serve("/feed", body=RSS.encode())
    feeds.import_feed(source=refreshed(feed))
    feed = refreshed(feed)
    assert (feed.failures, feed.last_error) == (0, "")
    assert feed.succeeded_at == feed.checked_at


@pytest.mark.parametrize(
    ("route", "error"),
    [
        (
            {"body": b"<html><body><p>Our new site</p></body></html>", "content_type": "text/html"},
            "not an RSS or Atom feed",
        ),
        ({"body": b"\x00\x01\x02\xff\xfe binary"}, "not well-formed"),
        ({"body": b""}, ""),
        ({"status": 500, "body": b"oops"}, "500"),
        ({"status": 404, "body": b"gone"}, "404"),
    ],
)
def test_what_is_not_a_feed_is_an_error_on_its_source(server, route, error):
    feed = source(server.serve("/feed", **route))
    result = feeds.import_feed(source=feed)
    assert not result.ok
    feed = refreshed(feed)
    assert feed.failures == 1
    assert error in feed.last_error
    assert feed.last_error
    assert not EconomyUpdate.objects.exists()


def test_a_feed_over_the_limit_is_refused_from_its_declared_length(server, settings):
    settings.FEEDS_MAX_BYTES = 10_000
    feed = source(server.serve("/huge", body=RSS.encode(), declared_length=50_000_000))
    result = feeds.import_feed(source=feed)
    # The body sent is smaller than the limit: only the declared length can have refused it.
    assert len(RSS.encode()) < 10_000
    assert "larger than 9 KB" in result.error


def test_an_endless_feed_is_cut_at_the_limit_without_reading_it_all(server, settings, monkeypatch):
    settings.FEEDS_MAX_BYTES = 100_000
    feed = source(server.serve("/endless", endless=True))
    read = []
    original = http.client.HTTPResponse.read1

    def counted(response, size=-1):
        chunk = original(response, size)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(http.client.HTTPResponse, "read1", counted)

    result = feeds.import_feed(source=feed)

    assert "larger than 97 KB" in result.error
    assert refreshed(feed).failures == 1
    assert sum(read) == 100_001  # one byte past the limit, and not one more
    # The server wrote on only as far as the sockets' buffers let it.
    assert server.bytes_sent.get("/endless", 0) < 100_000 + 16_000_000


def test_a_gzip_bomb_is_cut_at_the_limit(server, settings):
    settings.FEEDS_MAX_BYTES = 100_000
    bomb = b"<rss>" + b" " * 50_000_000  # 50 MB of spaces: about 50 KB compressed
    feed = source(server.serve("/bomb", body=bomb, gzip=True))
    assert "larger than" in feeds.import_feed(source=feed).error


def test_a_server_that_does_not_answer_times_out(server, settings):
    settings.FEEDS_TIMEOUT = 0.5
    hanging = source(server.serve("/hang", body=RSS.encode(), delay=30))
    good = source(server.serve("/good", body=RSS.encode()))
    started = time.monotonic()

    totals = feeds.import_all_feeds()

    assert time.monotonic() - started < 15  # the server would hang for 30 s
    assert totals["failed"] == 1
    assert totals["new"] == 2
    assert "no answer in time" in refreshed(hanging).last_error
    assert EconomyUpdate.objects.filter(feed=good).count() == 2


def test_a_server_that_trickles_is_cut_at_the_total_timeout(server, settings):
    settings.FEEDS_TIMEOUT = 1
    settings.FEEDS_TOTAL_TIMEOUT = 0.5
    feed = source(server.serve("/slow", body=RSS.encode(), trickle=0.05))
    started = time.monotonic()
    assert "took too long" in feeds.import_feed(source=feed).error
    assert time.monotonic() - started < 15  # the whole body would take over a minute


def test_a_wrong_encoding_is_read_with_a_warning_and_waits_for_review(server):
    """Declared UTF-8, written in Latin-1: feedparser falls back on another encoding; what it
    read may be garbled, so even a trusted source's entries wait for an Editor."""
    body = rss(item("e1", "Montréal et Québec: café", description="Été"))
    feed = source(server.serve("/latin", body=body.encode("latin-1")), trusted=True)

    result = feeds.import_feed(source=feed)

    assert result.ok
    assert len(result.created) == 1
    update = EconomyUpdate.objects.get(feed=feed)
    assert update.status == EconomyUpdate.Status.REVIEW
    assert update.title == "Montréal et Québec: café"  # windows-1252 was the right guess here
    feed = refreshed(feed)
    assert feed.failures == 0
    assert "warning" in feed.last_error


def test_a_declared_chinese_encoding_is_read(server):
    body = rss(item("gb", "深圳制造业增长", description="粤港澳大湾区"), encoding="gb18030")
    feed = source(server.serve("/gb", body=body.encode("gb18030")), language="zh-hans")

    feeds.import_feed(source=feed)

    update = EconomyUpdate.objects.get(feed=feed)
    assert update.title == "深圳制造业增长"
    assert set(update.city_regions.values_list("slug", flat=True)) == {
        "shenzhen",
        "greater-bay-area",
    }
    assert list(update.sectors.values_list("slug", flat=True)) == ["manufacturing"]


def test_html_and_script_in_titles_and_text_come_out_as_plain_text(server):
    body = rss(
        item(
            "x",
            "&lt;b&gt;GDP&lt;/b&gt; &amp;amp; CPI &lt; 5% "
            "&lt;script&gt;alert('x')&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;\u202e",
            link="javascript:alert(1)",
            description="&lt;p&gt;Line &lt;a href='javascript:alert(1)'&gt;one&lt;/a&gt;&lt;/p&gt;"
            "&lt;style&gt;body{}&lt;/style&gt;&lt;iframe src='https://evil'&gt;&lt;/iframe&gt;"
            + "word "
            * 400,
        )
    )
    feed = source(server.serve("/feed", body=body.encode()))

    feeds.import_feed(source=feed)

    update = EconomyUpdate.objects.get(feed=feed)
    assert update.title == "GDP & CPI < 5%"
    assert update.source_url == ""  # only http(s) links are kept
    assert update.summary.startswith("Line one word word")
    assert update.summary.endswith("…")
    assert len(update.summary) <= 600
    for text in (update.title, update.summary, update.body, update.body_html):
        assert "script" not in text
        assert "alert" not in text
        assert "iframe" not in text
        assert "body{}" not in text
        assert "\u202e" not in text
    assert "<a" not in update.body_html


@pytest.mark.parametrize(
    "text",
    [
        "# Not a heading\n\n- not a list\n\n1. not a list either",
        "*em* _em_ `code` <b>tag</b> [link](https://x) ![img](https://x/i.png) &amp; | a | b |",
        "Back\\slash \\*, ~~strike~~ and a line\n===",
    ],
)
def test_markdown_safe_text_renders_as_written(text):
    """Rendered, the text reads as it was written; the only markup is paragraphs and the links
    that addresses written out become (showing the address itself)."""
    rendered = str(render_post(feeds.markdown_safe(text), allow_images=False).html)
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"p", "a"}
    for href, shown in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', rendered):
        assert href == html.unescape(shown)
    shown_text = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert shown_text.split() == text.split()


def test_many_entries_are_read_up_to_the_limit(server, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 5)
    body = rss(*(item(f"n{number}", f"Entry {number}") for number in range(12)))
    feed = source(server.serve("/feed", body=body.encode()))
    assert len(feeds.import_feed(source=feed).created) == 5


def test_long_guids_and_titles_fit_their_columns(server):
    body = rss(item("g" * 2000, "Title " * 100))
    feed = source(server.serve("/feed", body=body.encode()))
    feeds.import_feed(source=feed)
    update = EconomyUpdate.objects.get(feed=feed)
    assert update.guid.startswith("sha256:")
    assert len(update.title) <= 200


# --- Addresses ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/feed",
        "gopher://example.com/",
        "javascript:alert(1)",
        "http://user:secret@example.com/feed",
        "http:///feed",
        "http://example.com:port/",
    ],
)
def test_only_plain_http_addresses_are_fetched(url):
    feed = source(url)
    result = feeds.import_feed(source=feed)
    assert not result.ok
    assert refreshed(feed).failures == 1


def test_private_addresses_are_refused_unless_allowed(settings):
    settings.FEEDS_ALLOW_PRIVATE_ADDRESSES = False
    feed_server = FeedServer()
    feed_server.start()
    try:
        feed = source(feed_server.serve("/feed", body=RSS.encode()))
        result = feeds.import_feed(source=feed)
    finally:
        feed_server.stop()
    assert "not public" in result.error
    assert feed_server.received == []  # not even connected to


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),
        ("0.0.0.0", False),  # noqa: S104
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
    ],
)
def test_is_public(address, public):
    assert feeds.is_public(address) is public


def test_redirects_are_followed_but_only_to_http(server):
    server.serve("/feed", body=RSS.encode())
    moved = source(server.serve("/old", status=301, headers={"Location": "/feed"}))
    to_file = source(server.serve("/file", status=302, headers={"Location": "file:///etc/passwd"}))
    to_ftp = source(server.serve("/ftp", status=302, headers={"Location": "ftp://example.com/f"}))

    assert len(feeds.import_feed(source=moved).created) == 2
    assert "not allowed" in feeds.import_feed(source=to_file).error  # urllib's own check
    assert "not http" in feeds.import_feed(source=to_ftp).error  # ours: ftp passes urllib's


# --- Scheduling -----------------------------------------------------------------------------------


def test_failing_sources_are_tried_less_and_less_often():
    now = timezone.now()
    feed = FeedSource(failures=0, checked_at=now)
    assert feeds.is_due(feed, now)
    feed.failures = 1
    assert not feeds.is_due(feed, now + timedelta(minutes=14))
    assert feeds.is_due(feed, now + timedelta(minutes=15))
    feed.failures = 3
    assert not feeds.is_due(feed, now + timedelta(minutes=59))
    assert feeds.is_due(feed, now + timedelta(minutes=60))
    feed.failures = 40
    assert feeds.is_due(feed, now + timedelta(days=1))


def test_the_beat_task_imports_active_sources_that_are_due(server):
    due = source(server.serve("/a", body=RSS.encode()))
    source(server.serve("/b", body=ATOM.encode()), active=False)
    waiting = source(server.serve("/c", body=ATOM.encode()))
    FeedSource.objects.filter(pk=waiting.pk).update(failures=3, checked_at=timezone.now())

    totals = tasks.import_feeds()  # what the worker runs (through Redis in tests/core)

    assert totals == {"sources": 1, "new": 2, "not_modified": 0, "failed": 0}
    assert set(EconomyUpdate.objects.values_list("feed", flat=True)) == {due.pk}
    assert [received.path for received in server.received] == ["/a"]


# --- Admin ----------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    client.force_login(with_authenticator(UserFactory(is_staff=True, is_superuser=True)))
    return client


def test_staff_see_each_source_with_its_state_and_import_one_now(server, admin_client):
    good = source(server.serve("/good", body=RSS.encode()), name="Good feed")
    broken = source(server.serve("/broken", body=b"<rss><channel><item>"), name="Broken feed")

    response = admin_client.post(
        "/admin/economy/feedsource/",
        {"action": "import_now", "_selected_action": [good.pk, broken.pk]},
        follow=True,
    )

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert "Good feed: 2 new updates, 0 already imported." in shown
    assert any(text.startswith("Broken feed: The feed is not well-formed XML") for text in shown)
    page = admin_client.get("/admin/economy/feedsource/").content.decode()
    assert "Failing" in page
    assert "Working" in page
    assert "not well-formed" in page
    detail = admin_client.get(f"/admin/economy/feedsource/{good.pk}/change/").content.decode()
    assert "2 updates imported" in detail


def test_staff_may_only_add_http_feeds_and_a_new_address_starts_afresh(admin_client):
    fields = {"name": "F", "language": "en", "active": "on"}
    refused = admin_client.post(
        "/admin/economy/feedsource/add/", {**fields, "url": "ftp://example.com/feed"}
    )
    assert refused.status_code == 200
    assert not FeedSource.objects.exists()

    admin_client.post("/admin/economy/feedsource/add/", {**fields, "url": "https://a.example/f"})
    feed = FeedSource.objects.get()
    FeedSource.objects.filter(pk=feed.pk).update(etag='"x"', failures=3, last_error="boom")
    admin_client.post(
        f"/admin/economy/feedsource/{feed.pk}/change/", {**fields, "url": "https://b.example/f"}
    )
    feed = refreshed(feed)
    assert feed.url == "https://b.example/f"
    assert (feed.etag, feed.failures, feed.last_error) == ("", 0, "")


def test_the_command_imports_every_active_feed_and_says_how_each_went(server):
    source(server.serve("/good", body=RSS.encode()), name="Good feed")
    waiting = source(server.serve("/broken", body=b"<rss>"), name="Broken feed")
    FeedSource.objects.filter(pk=waiting.pk).update(failures=5, checked_at=timezone.now())
    out = StringIO()

    call_command("import_feeds", stdout=out)
    assert "Good feed: 2 new, 0 already imported" in out.getvalue()
    assert "Broken feed" not in out.getvalue()  # waiting after its failures

    out = StringIO()
    call_command("import_feeds", "--all", stdout=out)
    lines = out.getvalue().splitlines()
    assert "Good feed: 0 new, 2 already imported" in lines
    assert any(line.startswith("Broken feed: The feed is not well-formed") for line in lines)
    assert lines[-1] == "2 feeds, 0 new updates, 1 failed."


def test_https_to_a_server_that_does_not_speak_tls_is_an_error_on_its_source(server):
    feed = source(server.serve("/feed", body=RSS.encode()).replace("http://", "https://"))
    result = feeds.import_feed(source=feed)
    assert "could not be reached" in result.error
    assert refreshed(feed).failures == 1


def test_a_feed_served_as_html_is_read_with_a_note_and_a_trusted_one_still_publishes(server):
    feed = source(
        server.serve("/feed", body=RSS.encode(), content_type="text/html; charset=utf-8"),
        trusted=True,
    )
    result = feeds.import_feed(source=feed)
    assert len(result.created) == 2
    assert set(EconomyUpdate.objects.values_list("status", flat=True)) == {"published"}
    assert "text/html" in refreshed(feed).last_error


def test_a_long_body_is_cut_before_it_is_escaped():
    text = "a*" * 15_000  # 30,000 characters, 45,000 escaped
    body = feeds.markdown_within(text, 20_000)
    assert len(body) <= 20_000
    assert body.endswith("…")
    assert not body.removesuffix("…").endswith("\\")
    rendered = str(render_post(body, allow_images=False).html)
    assert "<em" not in rendered
