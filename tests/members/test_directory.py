import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from members import directory, services
from members.models import CityRegion, Country, Language, Profile
from members.tasks import warm_directory_facets
from tests.members.factories import SectorFactory, UserFactory, listed_member

pytestmark = pytest.mark.django_db


def names(client, **params) -> list[str]:
    response = client.get(reverse("directory:members"), params)
    assert response.status_code == 200
    return [profile.user.display_name for profile in response.context["page"].items]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("fintech", "Arjun"),
        ("FINTECH payments", "Arjun"),
        ("montreal", "Amélie"),
        ("Montréal", "Amélie"),
        ("供应链", "Li Wei"),
        ("跨境", "Li Wei"),
        ("conseillère commerce", "Amélie"),
        ("commerce", "Amélie"),
    ],
)
def test_keyword_search_in_english_french_and_chinese(client, query, found):
    listed_member("Arjun", headline="Fintech product lead", expertise=["payments"])
    listed_member("Amélie", headline="Conseillère en commerce international à Montréal")
    listed_member("Li Wei", headline="跨境电商供应链顾问")
    assert names(client, q=query) == [found]


def test_all_words_must_match(client):
    listed_member("Arjun", headline="Fintech product lead")
    assert names(client, q="fintech mining") == []


def test_sector_filter_and_its_counts(client):
    finance, mining = SectorFactory(), SectorFactory()
    listed_member("Banker", sectors=[finance])
    listed_member("Geologist", sectors=[mining])
    listed_member("Both", sectors=[finance, mining])
    assert sorted(names(client, sector=finance.slug)) == ["Banker", "Both"]
    assert sorted(names(client, sector=[finance.slug, mining.slug])) == [
        "Banker",
        "Both",
        "Geologist",
    ]
    options = client.get(reverse("directory:members")).context["options"]["sector"]
    assert {(option.value, option.count) for option in options} == {
        (finance.slug, "2"),
        (mining.slug, "2"),
    }


def test_availability_language_and_engagement_filters(client):
    available = listed_member("Ready", open_to_requests=True)
    listed_member("Paused", open_to_requests=True, paused=True)
    mandarin = Language.objects.get(code="cmn")
    services.set_spoken_languages(profile=available, entries=[(mandarin, "native")])
    assert names(client, available="true") == ["Ready"]
    assert names(client, language="cmn") == ["Ready"]


def test_results_are_shared_through_the_url(client):
    listed_member("Arjun", headline="Fintech product lead")
    response = client.get(reverse("directory:members"), {"q": "fintech", "sort": "recent"})
    assert 'value="fintech"' in response.content.decode()


def test_visibility_of_listings(client):
    listed_member("Public Pat", listing=Profile.Listing.PUBLIC)
    listed_member("Members Max", listing=Profile.Listing.MEMBERS)
    listed_member("Hidden Hana", listing=Profile.Listing.HIDDEN)
    not_onboarded = UserFactory(display_name="New Nick")
    services.update_profile(profile=not_onboarded.profile, listing=Profile.Listing.PUBLIC)
    assert names(client) == ["Public Pat"]
    client.force_login(UserFactory())
    assert sorted(names(client)) == ["Members Max", "Public Pat"]


def test_private_country_of_origin_cannot_be_found_by_filtering(client):
    vietnam = Country.objects.get(code="VN")
    open_profile = listed_member("Open Olivia", country_of_origin=vietnam)
    services.set_field_visibility(profile=open_profile, visibility={"country_of_origin": "public"})
    private = listed_member("Private Phuong", country_of_origin=vietnam)
    services.set_field_visibility(profile=private, visibility={"country_of_origin": "private"})
    assert names(client, country="VN") == ["Open Olivia"]
    options = client.get(reverse("directory:members")).context["options"]["country"]
    assert [(option.value, option.count) for option in options] == [("VN", "1")]


def test_e_mail_addresses_never_appear(client):
    profile = listed_member("Arjun", headline="Fintech")
    client.force_login(UserFactory())
    assert profile.user.email not in client.get(reverse("directory:members")).content.decode()


def test_keyset_pages_follow_each_other_without_gaps(client):
    for number in range(45):
        listed_member(f"Member {number:02d}")
    seen, cursor = [], None
    while True:
        params = {"cursor": cursor} if cursor else {}
        page = client.get(reverse("directory:members"), params).context["page"]
        seen += [profile.user.display_name for profile in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(f"Member {number:02d}" for number in range(45))
    assert len(seen) == len(set(seen))


def test_a_forged_cursor_starts_again_from_the_first_page(client):
    listed_member("Arjun")
    assert names(client, cursor="forged:cursor") == ["Arjun"]


def test_an_unknown_filter_value_finds_nobody_and_offers_to_let_it_go(client):
    listed_member("Arjun")
    response = client.get(reverse("directory:members"), {"sector": "no-such-sector"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "0 members" in page
    assert "Nobody matches all of these filters." in page
    assert "without “Sectors: no-such-sector”" in page
    assert '<a href="?">without “Sectors: no-such-sector”</a>' in page
    assert "(1 result)" in page


def test_a_malformed_filter_is_an_error_on_that_filter_and_keeps_what_was_typed(client):
    listed_member("Arjun")
    response = client.get(reverse("directory:members"), {"q": "fintech", "available": "maybe"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Must be a valid boolean." in page
    assert 'value="fintech"' in page
    assert "Arjun" not in page


def test_the_page_says_how_many_members_match_what_was_searched(client):
    listed_member("Arjun", headline="Fintech product lead")
    listed_member("Amélie", headline="Fintech en français")
    listed_member("Li Wei", headline="供应链")
    page = client.get(reverse("directory:members"), {"q": "fintech"}).content.decode()
    assert "2 members match “fintech”" in page


def test_organisation_directory_search_and_kind_filter(client, member):
    services.create_organisation(creator=member, name="深圳湾科技", kind="sme")
    services.create_organisation(
        creator=member, name="Ottawa Trade Office", kind="public", category="government_agency"
    )
    response = client.get(reverse("directory:organisations"), {"q": "深圳"})
    assert [o.name for o in response.context["page"].items] == ["深圳湾科技"]
    response = client.get(reverse("directory:organisations"), {"kind": "public"})
    assert [o.name for o in response.context["page"].items] == ["Ottawa Trade Office"]


def test_visitors_with_the_same_filters_share_the_facet_counts(client, settings):
    settings.DIRECTORY_FACETS_CACHE_SECONDS = 300
    listed_member("Arjun", headline="Fintech product lead")
    client.get(reverse("directory:members"), {"q": "warm the reference cache"})
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("directory:members"), {"q": "fintech"})
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("directory:members"), {"q": "fintech", "sort": "recent"})
    assert len(second) == len(first) - 1  # the counting, which reads the matches once
    listed_member("Amélie", headline="Fintech en français")
    assert sorted(names(client, q="fintech")) == ["Amélie", "Arjun"]  # results stay live


def test_a_cursor_from_another_order_starts_again(client):
    for number in range(25):
        listed_member(f"Fintech {number:02d}", headline="Fintech adviser")
    recent = client.get(reverse("directory:members")).context["page"].next_cursor
    response = client.get(reverse("directory:members"), {"q": "fintech", "cursor": recent})
    assert response.status_code == 200
    assert len(response.context["page"].items) == 20


def test_beat_counts_the_unfiltered_facets_before_visitors_come(client, settings):
    settings.DIRECTORY_FACETS_CACHE_SECONDS = 300
    sector = SectorFactory()
    listed_member("Arjun", sectors=[sector])
    client.get(reverse("directory:members"), {"q": "warm the reference cache"})
    warm_directory_facets()
    listed_member("Amélie", sectors=[sector])  # counted at the next warm-up, not by a visitor
    with CaptureQueriesContext(connection) as first_visit:
        response = client.get(reverse("directory:members"))
    assert len(first_visit) == 4  # the page, its accounts, sectors and tags: no facet counting
    assert [(option.value, option.count) for option in response.context["options"]["sector"]] == [
        (sector.slug, "1")
    ]
    assert "warm-directory-facets" in settings.CELERY_BEAT_SCHEDULE


# --- City-regions by any of their names -----------------------------------------------------------


def test_a_city_region_named_in_one_language_is_found_in_the_others(client):
    listed_member("Wen", headline="Supply chains between Shenzhen and Waterloo")
    listed_member("Élodie", bio="J'accompagne des PME de Montréal vers Shanghai.")
    assert names(client, q="深圳") == ["Wen"]
    assert names(client, q="上海") == ["Élodie"]
    assert names(client, q="Montreal") == ["Élodie"]


def test_chinese_is_found_whichever_script_the_profile_and_the_query_are_written_in(client):
    listed_member("Simplified", headline="电池材料顾问")
    listed_member("Traditional", headline="電動車供應鏈顧問，常駐廣州")
    assert names(client, q="電池") == ["Simplified"]
    assert names(client, q="供应链顾问") == ["Traditional"]
    assert names(client, q="广州") == ["Traditional"]


def test_a_city_region_is_found_by_its_name_in_traditional_characters(client):
    guangzhou, toronto = (
        CityRegion.objects.get(slug="guangzhou"),
        CityRegion.objects.get(slug="toronto"),
    )
    member = listed_member("Corridor Lam")
    services.set_corridors(profile=member, entries=[(guangzhou, toronto, SectorFactory())])
    services.create_organisation(creator=member.user, name="廣州灣貿易", kind="sme")
    assert names(client, q="廣州") == ["Corridor Lam"]
    assert names(client, q="多倫多") == ["Corridor Lam"]
    response = client.get(reverse("directory:organisations"), {"q": "广州湾"})
    assert [o.name for o in response.context["page"].items] == ["廣州灣貿易"]


def test_members_are_found_by_every_city_region_they_are_tied_to(client):
    shenzhen, toronto = (
        CityRegion.objects.get(slug="shenzhen"),
        CityRegion.objects.get(slug="toronto"),
    )
    corridor = listed_member("Corridor Chen")
    services.set_corridors(profile=corridor, entries=[(shenzhen, toronto, SectorFactory())])
    public_tie = listed_member("Public Tie", home_regions=[shenzhen])
    services.set_field_visibility(profile=public_tie, visibility={"home_regions": "public"})
    private_tie = listed_member("Private Tie", home_regions=[shenzhen])
    services.set_field_visibility(profile=private_tie, visibility={"home_regions": "private"})
    assert sorted(names(client, q="深圳")) == ["Corridor Chen", "Public Tie"]
    assert sorted(names(client, q="Shenzhen")) == ["Corridor Chen", "Public Tie"]
    assert names(client, region="shenzhen") == ["Corridor Chen"]


# --- Counting many matches ------------------------------------------------------------------------


@pytest.fixture
def many_matches(monkeypatch):
    """Past EXACT_UP_TO matches the directory estimates from a sample of buckets; here two
    buckets, ten exact matches at most, and samples of at least ten."""
    monkeypatch.setattr(directory, "BUCKETS", 2)
    monkeypatch.setattr(directory, "EXACT_UP_TO", 10)
    monkeypatch.setattr(directory, "SAMPLE_SIZE", 20)
    sector = SectorFactory()
    for number in range(40):
        listed_member(f"Adviser {number:02d}", headline="Fintech adviser", sectors=[sector])
    return sector


def test_past_the_exact_limit_counts_are_estimated_and_say_so(client, many_matches):
    response = client.get(reverse("directory:members"), {"q": "fintech"})
    results = response.context["search"].results
    assert results.approximate
    assert 11 <= results.total <= 80
    page = response.content.decode()
    assert "About" in page
    assert "members match “fintech”" in page
    assert "So many that counts are estimated" in page
    sector_option = response.context["options"]["sector"][0]
    assert sector_option.count.startswith("≈ ")
    api = APIClient().get("/api/v1/members/", {"q": "fintech"}).json()
    assert api["approximate"] is True
    assert api["count"] == results.total


def test_in_chinese_the_estimate_is_explained_with_no_space_between_sentences(client, many_matches):
    page = client.get(
        reverse("directory:members"), {"q": "fintech"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    count, explanation = re.search(
        r'<p class="result-count" role="status">([^<]*)</p>\s*<p class="hint">([^<]*)</p>', page
    ).groups()
    assert count.startswith("约")
    assert count.endswith("。")
    assert "≈" in explanation
    assert "。 " not in count + explanation


def test_past_the_exact_limit_the_most_recently_active_come_first(client, many_matches):
    latest = Profile.objects.get(user__display_name="Adviser 07")
    services.record_activity(user=latest.user)
    shown = names(client, q="fintech")
    assert shown[0] == "Adviser 07"
    assert len(shown) == 20


def test_within_the_exact_limit_counts_are_exact(client, many_matches):
    response = client.get(reverse("directory:members"), {"q": "adviser 03"})
    results = response.context["search"].results
    assert (results.approximate, results.total) == (False, 1)


def test_an_empty_page_says_more_than_the_limit_when_letting_go_finds_that_many(
    client, many_matches
):
    response = client.get(reverse("directory:members"), {"q": "fintech", "language": "cmn"})
    page = response.content.decode()
    assert "Nobody matches all of these filters." in page
    assert "without “Language: Mandarin”" in page
    assert "(more than 10 results)" in page


HOSTILE = '"><script>alert(1)</script>'


def test_hostile_words_and_names_are_shown_as_text_never_run(client):
    listed_member(HOSTILE, headline=f"Adviser {HOSTILE}", open_to_requests=True)
    client.force_login(UserFactory())
    found = client.get(reverse("directory:members"), {"q": "adviser"}).content.decode()
    nothing = client.get(reverse("directory:members"), {"q": HOSTILE, "available": "true"})

    for page in (found, nothing.content.decode()):
        assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in found  # the name, headline and links
    assert nothing.status_code == 200
    typed = re.search(r'id="f-q" value="([^"]*)"', nothing.content.decode()).group(1)
    assert html.unescape(typed) == HOSTILE  # the search box keeps the keywords as typed
