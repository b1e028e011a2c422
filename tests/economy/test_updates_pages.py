"""The economy update pages as each role sees them: the public list and its filters, an update's
page, the Atom feed, and the Editors' desk, form and buttons."""

import re
from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from economy.models import EconomyUpdate
from tests.economy.factories import (
    administrator,
    draft,
    editor,
    fields,
    imported,
    moderator,
    published,
    region,
    scheduled,
    sector,
    staff,
)
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("economy:list")
FEED = reverse("economy:feed")
DESK = reverse("economy:desk")
NEW = reverse("economy:new")


@pytest.fixture
def hidden():
    """An update in each state readers who are not Editors must never learn of."""
    return {
        "draft": draft(title="Secret draft about tariffs"),
        "review": imported(title="Imported rumour about tariffs"),
        "scheduled": scheduled(title="Embargoed tariff news"),
    }


def as_role(client, role: str):
    people = {
        "anonymous": None,
        "member": UserFactory,
        "moderator": moderator,
        "staff": staff,
        "editor": editor,
        "admin": administrator,
    }
    if people[role] is not None:
        client.force_login(people[role]())
    return client


READERS = ["anonymous", "member", "moderator", "staff"]
EDITORS = ["editor", "admin"]


# --- The public list ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS + EDITORS)
def test_the_list_shows_published_updates_only(client, hidden, role):
    out = published(title="Shenzhen halves registration fees")
    page = as_role(client, role).get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert out.title in html
    for update in hidden.values():
        assert update.title not in html
    assert f'type="application/atom+xml" title="Economy updates (Atom feed)" href="{FEED}"' in html


def test_the_header_links_to_the_list_and_editors_to_their_desk(client):
    assert f'href="{LIST}"' in client.get("/").content.decode()
    client.force_login(moderator())
    assert f'href="{DESK}"' not in client.get(LIST).content.decode()
    client.force_login(editor())
    assert f'href="{DESK}"' in client.get(LIST).content.decode()


def test_the_list_filters_by_sector_region_language_and_words(client):
    cars = published(
        title="EV makers get new quotas",
        sectors=[sector("automotive")],
        city_regions=[region("shanghai")],
    )
    mines = published(title="Lithium prices fall", sectors=[sector("mining-energy")])
    french = published(title="Les exportations reculent", language="fr")

    def titles(query: str) -> set[str]:
        html = client.get(f"{LIST}?{query}").content.decode()
        return {u.title for u in (cars, mines, french) if u.title in html}

    assert titles("sector=automotive") == {cars.title}
    assert titles("region=shanghai") == {cars.title}
    assert titles("language=fr") == {french.title}
    assert titles("q=lithium") == {mines.title}
    assert titles("q=lithium&sector=automotive") == set()
    page = client.get(f"{LIST}?sector=automotive").content.decode()
    assert f'href="{FEED}?sector=automotive"' in page  # the feed of what is shown


def test_an_unknown_filter_is_named_and_the_rest_still_applies(client):
    published(title="Lithium prices fall")
    page = client.get(f"{LIST}?sector=no-such-sector&q=lithium")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="alert"' in html
    assert "Lithium prices fall" in html
    assert 'value="lithium"' in html  # what was typed stays


def test_the_list_pages_newest_first_and_keeps_its_filters(client):
    now = timezone.now()
    for day in range(23):
        published(title=f"Automotive news of day {day:02}", at=now - timedelta(days=day + 1))
    first = client.get(f"{LIST}?q=automotive").content.decode()
    assert "day 00" in first
    assert "day 22" not in first
    next_link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "q=automotive" in next_link
    second = client.get(f"{LIST}{next_link}").content.decode()
    assert "day 22" in second
    assert "day 00" not in second


# --- An update's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_get_404_for_what_is_not_out(client, hidden, role):
    as_role(client, role)
    for update in hidden.values():
        assert client.get(update.get_absolute_url()).status_code == 404
        for action in ("edit", "publish", "unpublish", "discard"):
            url = reverse(f"economy:{action}", args=[update.pk])
            # Visitors are sent to log in first; members learn nothing of it.
            assert client.post(url).status_code == (302 if role == "anonymous" else 404)
    assert EconomyUpdate.objects.count() == len(hidden)


@pytest.mark.parametrize("role", EDITORS)
def test_editors_read_drafts_imports_and_scheduled_updates(client, hidden, role):
    as_role(client, role)
    for update in hidden.values():
        page = client.get(update.get_absolute_url())
        assert page.status_code == 200
        assert update.title in page.content.decode()


@pytest.mark.parametrize("role", READERS)
def test_readers_may_not_change_a_published_update(client, role):
    update = published()
    as_role(client, role)
    page = client.get(update.get_absolute_url()).content.decode()
    assert "Unpublish" not in page
    url = reverse("economy:unpublish", args=[update.pk])
    assert client.post(url).status_code == (302 if role == "anonymous" else 403)
    assert EconomyUpdate.objects.visible().filter(pk=update.pk).exists()


def test_a_scheduled_update_appears_once_its_time_has_come(client):
    update = scheduled(title="Embargoed tariff news")
    assert client.get(update.get_absolute_url()).status_code == 404
    assert update.title not in client.get(LIST).content.decode()
    EconomyUpdate.objects.filter(pk=update.pk).update(
        published_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(update.get_absolute_url()).status_code == 200
    assert update.title in client.get(LIST).content.decode()


def test_hostile_text_is_inert_on_the_page(client):
    update = published(
        title='<script>window.__pwned=1</script>"><img src=x onerror=alert(1)>',
        summary="<b onclick=alert(1)>summary</b>",
        body='<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">',
        source_name="<i>Source</i>",
    )
    html = client.get(update.get_absolute_url()).content.decode()
    assert "<script>window.__pwned" not in html
    assert "<script>alert(1)" not in html
    assert "onerror=" not in html.replace("onerror=alert(1)&gt;", "").replace(
        'onerror="alert(1)"&gt;', ""
    )
    assert "javascript:" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<b onclick" not in html
    assert 'style="' not in html


# --- The Atom feed ------------------------------------------------------------------------------


def test_the_feed_parses_and_holds_published_updates_newest_first(client, hidden):
    older = published(title="Older news", at=timezone.now() - timedelta(days=2))
    newer = published(title="Newer news", sectors=[sector("automotive")])
    answer = client.get(FEED)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [newer.title, older.title]
    entry = feed.entries[0]
    assert entry.link.endswith(newer.get_absolute_url())
    assert entry.summary == newer.summary
    assert [tag.term for tag in entry.tags] == [sector("automotive").name]


def test_the_feed_of_a_sector(client):
    cars = published(title="EV quotas", sectors=[sector("automotive")])
    published(title="Lithium", sectors=[sector("mining-energy")])
    feed = feedparser.parse(client.get(f"{FEED}?sector=automotive").content)
    assert [entry.title for entry in feed.entries] == [cars.title]
    assert "Automotive" in feed.feed.title
    assert client.get(f"{FEED}?sector=no-such-sector").status_code == 404


# --- The Editors' desk and form -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 403), ("moderator", 403), ("staff", 403), ("editor", 200), ("admin", 200)],
)
def test_who_opens_the_desk_and_the_form(client, role, status):
    as_role(client, role)
    assert client.get(DESK).status_code == status
    assert client.get(NEW).status_code == status


def test_visitors_are_asked_to_log_in_for_the_desk(client):
    assert client.get(DESK).status_code == 302
    assert client.get(NEW).status_code == 302


def test_the_desk_lists_drafts_imports_and_scheduled_updates_by_tab(client, hidden):
    out = published(title="Already out")
    client.force_login(editor())
    tabs = {tab: client.get(f"{DESK}?tab={tab}").content.decode() for tab in hidden}
    for tab, update in hidden.items():
        assert update.title in tabs[tab]
        assert all(update.title not in tabs[other] for other in hidden if other != tab)
    assert all(out.title not in page for page in tabs.values())
    assert "Imported, to review (1)" in tabs["draft"]


def test_the_forms_labels_begin_with_a_capital(client):
    client.force_login(editor())
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", client.get(NEW).content.decode())
    assert "Source link:" in labels
    assert all(label[0].isupper() for label in labels), labels


def test_an_editor_writes_a_draft_then_publishes_it(client):
    client.force_login(editor())
    data = {
        **fields(),
        "sectors": [sector("automotive").pk],
        "city_regions": [region("shenzhen").pk],
    }
    answer = client.post(NEW, data)
    update = EconomyUpdate.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == update.get_absolute_url()
    assert update.status == EconomyUpdate.Status.DRAFT
    assert list(update.sectors.all()) == [sector("automotive")]
    client.post(reverse("economy:publish", args=[update.pk]))
    assert EconomyUpdate.objects.visible().filter(pk=update.pk).exists()


def test_an_editor_schedules_an_update(client):
    update = draft()
    client.force_login(update.author)
    at = timezone.localtime() + timedelta(days=2)
    client.post(reverse("economy:publish", args=[update.pk]), {"at": at.strftime("%Y-%m-%dT%H:%M")})
    update.refresh_from_db()
    assert update.status == EconomyUpdate.Status.PUBLISHED
    assert update.published_at > timezone.now() + timedelta(days=1)
    assert not EconomyUpdate.objects.visible().filter(pk=update.pk).exists()
    page = client.get(f"{DESK}?tab=scheduled").content.decode()
    assert update.title in page


def test_a_time_gone_by_is_refused_with_its_reason(client):
    update = draft()
    client.force_login(update.author)
    at = timezone.localtime() - timedelta(days=2)
    answer = client.post(
        reverse("economy:publish", args=[update.pk]),
        {"at": at.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )
    assert "Choose a time still to come" in answer.content.decode()
    update.refresh_from_db()
    assert update.status == EconomyUpdate.Status.DRAFT


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": "ab"}, "Give the update a title of a few words."),
        ({"source_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"language": "de"}, "Select a valid choice."),
    ],
)
def test_bad_input_gives_form_errors_and_keeps_what_was_typed(client, changes, reason):
    client.force_login(editor())
    answer = client.post(NEW, {**fields(**changes), "summary": "Kept as typed"})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert not EconomyUpdate.objects.exists()
    assert reason in html
    assert "Kept as typed" in html


def test_an_editor_reviews_an_import_and_discards_it(client):
    update = imported()
    reviewer = editor()
    client.force_login(reviewer)
    page = client.get(update.get_absolute_url()).content.decode()
    assert "Discard this import" in page
    answer = client.post(reverse("economy:discard", args=[update.pk]), {"reason": "Rumour"})
    assert answer.status_code == 302
    assert answer["Location"] == DESK
    assert not EconomyUpdate.objects.filter(pk=update.pk).exists()
    assert AuditEvent.objects.get().reason == "Rumour"


def test_an_editor_edits_an_import_and_the_audit_log_says_so(client):
    update = imported()
    client.force_login(editor())
    url = reverse("economy:edit", args=[update.pk])
    data = {**fields(title="A clearer title for the import"), "sectors": [], "city_regions": []}
    assert client.post(url, data).status_code == 302
    update.refresh_from_db()
    assert update.title == "A clearer title for the import"
    assert AuditEvent.objects.get().action == "economy.change_update"


@pytest.mark.parametrize("role", ["anonymous", "member", "editor"])
def test_walked_and_huge_ids_are_404s(client, role):
    update = published()
    as_role(client, role)
    for update_id in (update.pk + 1000, 2**63, 10**20):
        assert client.get(f"/economy/{update_id}/").status_code == 404
        if role == "editor":
            assert client.get(f"/economy/{update_id}/edit/").status_code == 404
            assert client.post(f"/economy/{update_id}/publish/").status_code == 404
