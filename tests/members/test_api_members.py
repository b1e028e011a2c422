"""The members API: reference data, the directory, public profiles and one's own profile."""

from urllib.parse import parse_qs, urlsplit

import pytest
from rest_framework.test import APIClient

from members import services
from members.models import CityRegion, Country, EngagementType, ExpertiseTag, Language, Profile
from tests.members.factories import MembershipFactory, SectorFactory, UserFactory, listed_member

pytestmark = pytest.mark.django_db

MEMBERS = "/api/v1/members/"
PROFILE = "/api/v1/profile/"
PRIVATE_KEYS = {
    "email",
    "search_text",
    "listing",
    "visibility",
    "offers_expertise",
    "seeks_help",
    "represents_facilitator",
    *(f"{field}_visibility" for field in Profile.SENSITIVE_FIELDS),
}


@pytest.fixture
def api():
    return APIClient()


def names(api, **params) -> list[str]:
    response = api.get(MEMBERS, params)
    assert response.status_code == 200, response.json()
    return [card["display_name"] for card in response.json()["results"]]


def error_attrs(response) -> set:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    return {error["attr"] for error in body["errors"]}


def keys_in(data) -> set[str]:
    """Every key of a JSON document, however deep."""
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_in(value)}
    if isinstance(data, list):
        return {key for value in data for key in keys_in(value)}
    return set()


# --- Reference data -------------------------------------------------------------------------------


def test_reference_data_is_public_and_named_in_the_request_s_language(api):
    english = api.get("/api/v1/sectors/").json()
    french = api.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="fr").json()
    chinese = api.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert {"slug": "tourism", "name": "Tourism"} in english
    assert {"slug": "tourism", "name": "Tourisme"} in french
    assert {"slug": "tourism", "name": "旅游业"} in chinese
    assert {item["code"] for item in api.get("/api/v1/countries/").json()} >= {"CA", "CN", "IN"}
    assert "cmn" in {item["code"] for item in api.get("/api/v1/languages/").json()}
    assert [item["slug"] for item in api.get("/api/v1/engagement-types/").json()][:2] == [
        "advice-call",
        "mentoring",
    ]
    stages = api.get("/api/v1/knowledge-stages/").json()
    assert [(stage["slug"], stage["position"]) for stage in stages] == [
        ("market-information", 1),
        ("business-practices", 2),
        ("knowledge-creation", 3),
    ]


def test_city_regions_filter_by_country(api):
    canadian = api.get("/api/v1/city-regions/", {"country": "CA"}).json()
    assert {"toronto", "waterloo-region", "montreal"} <= {region["slug"] for region in canadian}
    assert {region["country"] for region in canadian} == {"CA"}
    assert api.get("/api/v1/city-regions/", {"country": "cn"}).json()[0]["country"] == "CN"
    assert api.get("/api/v1/city-regions/", {"country": "ZZ"}).json() == []
    everywhere = api.get("/api/v1/city-regions/").json()
    assert len(everywhere) == CityRegion.objects.count()
    assert error_attrs(api.get("/api/v1/city-regions/", {"country": "CAN"})) == {"country"}


def test_expertise_tag_suggestions_match_the_start_of_the_normalised_spelling(api):
    for name in ["Fintech", "#FinOps", "finance & risk", "Mining", "Refinancing"]:
        ExpertiseTag.objects.create(name=name)
    found = api.get("/api/v1/expertise-tags/", {"q": "  FIN"}).json()
    assert [tag["name"] for tag in found] == ["finance & risk", "FinOps", "Fintech"]
    assert found[0] == {"key": "finance & risk", "name": "finance & risk"}
    for number in range(25):
        ExpertiseTag.objects.create(name=f"fin {number:02d}")
    found = api.get("/api/v1/expertise-tags/", {"q": "fin"}).json()
    assert len(found) == 20
    assert [tag["key"] for tag in found] == sorted(tag["key"] for tag in found)
    assert error_attrs(api.get("/api/v1/expertise-tags/", {"q": "x" * 61})) == {"q"}


# --- The directory --------------------------------------------------------------------------------


def test_the_directory_lists_whom_the_caller_may_find(api):
    listed_member("Public Pat", listing=Profile.Listing.PUBLIC)
    listed_member("Members Max", listing=Profile.Listing.MEMBERS)
    listed_member("Hidden Hana", listing=Profile.Listing.HIDDEN)
    gone = listed_member("Gone Gina")
    gone.user.is_active = False
    gone.user.save()
    newcomer = UserFactory(display_name="New Nick")
    services.update_profile(profile=newcomer.profile, listing=Profile.Listing.PUBLIC)
    assert names(api) == ["Public Pat"]
    api.force_authenticate(UserFactory())
    assert sorted(names(api)) == ["Members Max", "Public Pat"]


def test_filters_and_facets_are_those_of_the_page(api):
    finance, mining = SectorFactory(), SectorFactory()
    toronto = CityRegion.objects.get(slug="toronto")
    mentoring = EngagementType.objects.get(slug="mentoring")
    banker = listed_member(
        "Banker",
        headline="Fintech product lead",
        sectors=[finance],
        canadian_region=toronto,
        open_to_requests=True,
        engagement_types=[mentoring],
    )
    services.set_spoken_languages(
        profile=banker, entries=[(Language.objects.get(code="cmn"), "native")]
    )
    listed_member("Geologist", sectors=[mining], open_to_requests=True, paused=True)
    listed_member("Both", sectors=[finance, mining])
    organisation = services.create_organisation(
        creator=banker.user, name="Ottawa Trade Office", kind="public"
    )
    assert organisation.kind == "public"

    assert sorted(names(api, sector=finance.slug)) == ["Banker", "Both"]
    assert sorted(names(api, sector=[finance.slug, mining.slug])) == ["Banker", "Both", "Geologist"]
    assert names(api, q="fintech") == ["Banker"]
    assert names(api, region="toronto") == ["Banker"]
    assert names(api, language="cmn") == ["Banker"]
    assert names(api, engagement="mentoring") == ["Banker"]
    assert names(api, available="true") == ["Banker"]
    assert names(api, organisation_kind="public") == ["Banker"]
    assert names(api, sector="no-such-sector") == []
    assert sorted(names(api, sector="", region="", sort="")) == ["Banker", "Both", "Geologist"]

    facets = api.get(MEMBERS).json()["facets"]
    assert facets["sector"] == sorted(
        [{"value": finance.slug, "count": 2}, {"value": mining.slug, "count": 2}],
        key=lambda option: option["value"],
    )
    assert facets["region"] == [{"value": "toronto", "count": 1}]
    assert facets["language"] == [{"value": "cmn", "count": 1}]
    assert facets["engagement"] == [{"value": "mentoring", "count": 1}]
    assert facets["available"] == 1
    narrowed = api.get(MEMBERS, {"sector": mining.slug}).json()["facets"]
    assert narrowed["region"] == []
    assert narrowed["available"] == 0


def test_a_private_country_of_origin_is_neither_found_nor_counted(api):
    vietnam = Country.objects.get(code="VN")
    open_profile = listed_member("Open Olivia", country_of_origin=vietnam)
    services.set_field_visibility(profile=open_profile, visibility={"country_of_origin": "public"})
    private = listed_member("Private Phuong", country_of_origin=vietnam)
    services.set_field_visibility(profile=private, visibility={"country_of_origin": "private"})
    assert names(api, country="VN") == ["Open Olivia"]
    assert names(api, country="vn") == ["Open Olivia"]
    assert api.get(MEMBERS).json()["facets"]["country"] == [{"value": "VN", "count": 1}]


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"sort": "alphabetical"}, "sort"),
        ({"available": "maybe"}, "available"),
        ({"available": ""}, "available"),
        ({"organisation_kind": "club"}, "organisation_kind"),
        ({"sector": ["finance-banking", "no good"]}, "sector"),
        ({"region": "../toronto"}, "region"),
        ({"region": "\x1d"}, "region"),  # Python's strip() would call it white space
        ({"sector": [" toronto "]}, "sector"),
        ({"country": "CAN"}, "country"),
        ({"country": "\x1c"}, "country"),
        ({"q": "x" * 201}, "q"),
        ({"q": "nul\x00"}, "q"),
    ],
)
def test_bad_filters_get_a_400_naming_the_filter(api, params, attr):
    assert error_attrs(api.get(MEMBERS, params)) == {attr}


def test_cards_show_what_the_page_shows_and_nothing_private(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    finance = SectorFactory()
    profile = listed_member(
        "Arjun",
        headline="Fintech product lead",
        sectors=[finance],
        expertise=["payments", "Risk"],
        employer="Maple Bank",
    )
    profile.photo = "photos/unguessable-token.jpg"
    profile.save()
    services.set_field_visibility(profile=profile, visibility={"photo": "members"})
    [card] = api.get(MEMBERS).json()["results"]
    assert card["handle"] == profile.handle
    assert card["sectors"] == [{"slug": finance.slug, "name": finance.name_en}]
    assert sorted(card["expertise"]) == ["Risk", "payments"]
    assert card["photo"] is None
    assert not keys_in(card) & PRIVATE_KEYS
    assert profile.user.email not in str(card)
    assert "Maple Bank" not in str(card)
    api.force_authenticate(UserFactory())
    [card] = api.get(MEMBERS).json()["results"]
    assert card["photo"] == "http://testserver/members/photos/unguessable-token.jpg"


def test_pages_follow_each_other_and_keep_their_filters(api):
    for number in range(45):
        listed_member(f"Member {number:02d}", headline="Fintech")
    listed_member("Geologist", headline="Mining")
    seen, url = [], MEMBERS + "?q=fintech&sort=recent"
    while url:
        body = api.get(url).json()
        seen += [card["display_name"] for card in body["results"]]
        assert body["facets"]["available"] == 0
        url = body["next"]
        if url:
            assert parse_qs(urlsplit(url).query)["q"] == ["fintech"]
    assert len(seen) == 45 == len(set(seen))
    assert "Geologist" not in seen


def test_a_cursor_only_continues_the_search_it_came_from(api):
    for number in range(25):
        listed_member(f"Member {number:02d}", headline="Fintech")
    first = api.get(MEMBERS, {"q": "fintech", "sort": "recent"}).json()
    cursor = parse_qs(urlsplit(first["next"]).query)["cursor"][0]
    second = api.get(MEMBERS, {"q": "fintech", "sort": "recent", "cursor": cursor}).json()
    assert len(second["results"]) == 5
    # Sent with another ordering (by relevance), where the keyset paginator would fail on it,
    # it starts over instead; so does a forged one.
    for params in ({"q": "fintech", "cursor": cursor}, {"cursor": "forged:cursor"}):
        response = api.get(MEMBERS, params)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 20


def test_keyword_results_page_on_without_gaps(api):
    for number in range(25):
        listed_member(f"Member {number:02d}", headline="Fintech")
    first = api.get(MEMBERS, {"q": "fintech"}).json()
    second = api.get(first["next"]).json()
    seen = [card["handle"] for card in first["results"] + second["results"]]
    assert len(seen) == 25 == len(set(seen))


# --- Public profiles ------------------------------------------------------------------------------


def profile_url(profile) -> str:
    return f"{MEMBERS}{profile.handle}/"


def test_who_may_read_a_profile(api):
    public = listed_member("Public Pat", listing=Profile.Listing.PUBLIC)
    members_only = listed_member("Members Max", listing=Profile.Listing.MEMBERS)
    hidden = listed_member("Hidden Hana", listing=Profile.Listing.HIDDEN)
    gone = listed_member("Gone Gina")
    gone.user.is_active = False
    gone.user.save()
    assert api.get(profile_url(public)).status_code == 200
    for profile in (members_only, hidden, gone):
        response = api.get(profile_url(profile))
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"
    api.force_authenticate(UserFactory())
    assert api.get(profile_url(members_only)).status_code == 200
    assert api.get(profile_url(hidden)).status_code == 404
    assert api.get(profile_url(gone)).status_code == 404
    colleague = MembershipFactory(
        organisation=MembershipFactory(user=hidden.user).organisation
    ).user
    api.force_authenticate(colleague)
    assert api.get(profile_url(hidden)).json()["display_name"] == "Hidden Hana"
    for path in (f"{public.pk}/", "abc/", "-1/", "1.0/", "99999999999999999999999/", "%00/"):
        response = api.get(MEMBERS + path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"


@pytest.fixture
def guarded_profile():
    """A public profile whose sensitive fields are each seen by a different audience."""
    profile = listed_member(
        "Li Wei",
        headline="跨境电商供应链顾问",
        employer="Shenzhen Bay Trading",
        country_of_origin=Country.objects.get(code="CN"),
        years_in_canada=12,
        home_regions=[CityRegion.objects.get(slug="shenzhen")],
    )
    services.set_designations(profile=profile, entries=[("CPA", "Ontario")])
    services.set_links(profile=profile, entries=[("Blog", "https://example.org/li")])
    services.set_field_visibility(
        profile=profile,
        visibility={
            "employer": "public",
            "country_of_origin": "members",
            "years_in_canada": "private",
            "home_regions": "members",
            "designations": "public",
            "links": "private",
        },
    )
    MembershipFactory(user=profile.user)
    return profile


def test_sensitive_fields_follow_their_owner_s_choices(api, guarded_profile):
    url = profile_url(guarded_profile)
    anonymous = api.get(url).json()
    assert anonymous["employer"] == "Shenzhen Bay Trading"
    assert anonymous["designations"] == [{"title": "CPA", "jurisdiction": "Ontario"}]
    for field in ("country_of_origin", "years_in_canada", "home_regions", "links", "photo"):
        assert anonymous[field] is None, field

    api.force_authenticate(UserFactory())
    member = api.get(url).json()
    assert member["country_of_origin"] == {"code": "CN", "name": "China"}
    assert member["home_regions"] == [{"slug": "shenzhen", "name": "Shenzhen"}]
    assert member["years_in_canada"] is None
    assert member["links"] is None

    api.force_authenticate(guarded_profile.user)
    own = api.get(url).json()
    assert own["years_in_canada"] == 12
    assert own["links"] == [{"label": "Blog", "url": "https://example.org/li"}]


def test_a_profile_never_shows_e_mails_settings_or_intents(api, guarded_profile):
    api.force_authenticate(UserFactory())
    body = api.get(profile_url(guarded_profile)).json()
    assert not keys_in(body) & PRIVATE_KEYS
    assert guarded_profile.user.email not in str(body)
    assert "private" not in str(body)
    assert body["organisations"][0].keys() == {"slug", "name"}


# --- One's own profile ----------------------------------------------------------------------------


def test_the_own_profile_needs_a_signed_in_member(api):
    assert api.get(PROFILE).status_code == 401
    assert api.patch(PROFILE, {"headline": "x"}).status_code == 401


def test_members_read_their_whole_profile_with_who_sees_what(api, guarded_profile):
    api.force_authenticate(guarded_profile.user)
    body = api.get(PROFILE).json()
    assert body["visibility"] == {
        "photo": "members",
        "employer": "public",
        "country_of_origin": "members",
        "years_in_canada": "private",
        "home_regions": "members",
        "designations": "public",
        "links": "private",
    }
    assert body["listing"] == "public"
    assert body["years_in_canada"] == 12
    assert body["country_of_origin"] == {"code": "CN", "name": "China"}
    assert "email" not in body
    assert "search_text" not in body


def test_members_change_their_profile_through_the_same_services(api):
    profile = listed_member("Amélie")
    finance = SectorFactory()
    api.force_authenticate(profile.user)
    response = api.patch(
        PROFILE,
        {
            "headline": "Conseillère en commerce international",
            "sectors": [finance.slug],
            "canadian_region": "montreal",
            "home_regions": ["shanghai"],
            "country_of_origin": "fr",
            "expertise": ["Cross-border M&A", "cross-border  m&a", "供应链", ""],
            "years_in_canada": 7,
            "listing": "members",
            "visibility": {"employer": "private", "links": "public"},
            "offers_expertise": True,
            "display_name": "Someone Else",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["headline"] == "Conseillère en commerce international"
    assert body["sectors"] == [{"slug": finance.slug, "name": finance.name_en}]
    assert body["canadian_region"]["slug"] == "montreal"
    assert body["country_of_origin"]["code"] == "FR"
    assert body["expertise"] == ["Cross-border M&A", "供应链"]
    assert body["visibility"]["employer"] == "private"
    assert body["visibility"]["links"] == "public"
    assert body["visibility"]["photo"] == "members"
    profile.refresh_from_db()
    assert (profile.listing, profile.years_in_canada, profile.offers_expertise) == (
        "members",
        7,
        False,
    )
    assert profile.user.display_name == "Amélie"
    api.force_authenticate(UserFactory())
    assert names(api, q="commerce") == ["Amélie"]
    assert names(api, q="供应链") == ["Amélie"]


def test_a_patch_only_changes_what_it_sends(api):
    finance = SectorFactory()
    profile = listed_member("Arjun", headline="Fintech", sectors=[finance], expertise=["payments"])
    api.force_authenticate(profile.user)
    body = api.patch(PROFILE, {"bio": "Payments in Canada and India."}, format="json").json()
    assert body["headline"] == "Fintech"
    assert body["sectors"][0]["slug"] == finance.slug
    assert body["expertise"] == ["payments"]
    assert body["bio"] == "Payments in Canada and India."


@pytest.mark.parametrize(
    ("changes", "attrs"),
    [
        ({"sectors": ["no-such-sector"]}, {"sectors"}),
        ({"canadian_region": "shanghai"}, {"canadian_region"}),
        ({"home_regions": ["toronto"]}, {"home_regions"}),
        ({"country_of_origin": "XX"}, {"country_of_origin"}),
        ({"visibility": {"photo": "friends"}}, {"visibility.photo"}),
        ({"headline": "x" * 141}, {"headline"}),
        ({"headline": 42}, {"headline"}),
        ({"bio": "nul\x00"}, {"bio"}),
        ({"expertise": [f"tag {number}" for number in range(21)]}, {"expertise"}),
        ({"expertise": ["x" * 61]}, {"expertise"}),
        ({"years_in_canada": 81, "listing": "everyone"}, {"years_in_canada", "listing"}),
    ],
)
def test_bad_changes_get_a_400_naming_each_field(api, changes, attrs):
    profile = listed_member("Arjun", headline="Fintech")
    api.force_authenticate(profile.user)
    assert error_attrs(api.patch(PROFILE, changes, format="json")) == attrs
    profile.refresh_from_db()
    assert profile.headline == "Fintech"
