"""Every page and API endpoint costs a fixed number of queries, whatever the amount of data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from members import services
from members.models import CityRegion, Language, Profile, Sector
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/", "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]
MEMBER_PAGES = ["/", "/members/api-token/", "/accounts/email/", "/accounts/2fa/"]
MAX_QUERIES = 12


def queries_for(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, path
    return len(captured)


def grow_data(count: int) -> None:
    for member in UserFactory.create_batch(count):
        Token.objects.create(user=member)


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages(client, path):
    small = queries_for(client, path)
    grow_data(30)
    assert queries_for(client, path) == small <= MAX_QUERIES


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages(client, member, path):
    client.force_login(member)
    small = queries_for(client, path)
    grow_data(30)
    assert queries_for(client, path) == small <= MAX_QUERIES


def test_account_api(client, member):
    token = Token.objects.create(user=member)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    small = queries_for(client, "/api/v1/account/", **auth)
    grow_data(30)
    assert queries_for(client, "/api/v1/account/", **auth) == small <= MAX_QUERIES


# --- Members API ----------------------------------------------------------------------------------

API_LISTS = [
    "/api/v1/sectors/",
    "/api/v1/countries/",
    "/api/v1/city-regions/?country=CA",
    "/api/v1/languages/",
    "/api/v1/engagement-types/",
    "/api/v1/knowledge-stages/",
    "/api/v1/expertise-tags/?q=tag",
    "/api/v1/members/",
    "/api/v1/members/?q=fintech&sector=finance-banking&sector=mining-energy&region=toronto",
    "/api/v1/members/?language=cmn&available=true&organisation_kind=sme&sort=recent",
    "/api/v1/organisations/",
    "/api/v1/organisations/?q=harbour&kind=sme&sector=finance-banking",
]
MAX_API_DETAIL_QUERIES = 16  # a profile reads each of its relations once


@pytest.fixture
def count_the_facets(settings):
    """Measure the directory as the first caller with given filters sees it: facets computed."""
    settings.DIRECTORY_FACETS_CACHE_SECONDS = 0


def api_queries_for(client, path, **headers) -> int:
    """Queries of an API call once the caches it fills (reference data) are warm."""
    client.get(path, **headers)
    return queries_for(client, path, **headers)


def grow_directory(count: int, *, organisation=None) -> None:
    """Members with every part of a profile filled in, each in an organisation of their own and
    in ``organisation`` if given; tags, sectors and regions shared, so that joins multiply."""
    sectors = list(Sector.objects.filter(slug__in=["finance-banking", "mining-energy"]))
    toronto, shenzhen = (
        CityRegion.objects.get(slug="toronto"),
        CityRegion.objects.get(slug="shenzhen"),
    )
    for member in UserFactory.create_batch(count):
        Token.objects.create(user=member)
        profile = member.profile
        services.update_profile(
            profile=profile,
            listing=Profile.Listing.PUBLIC,
            headline="Fintech and supply chains",
            sectors=sectors,
            canadian_region=toronto,
            home_regions=[shenzhen],
            open_to_requests=True,
            expertise=[f"tag {member.pk}", "fintech"],
            advice_topics=["market entry"],
        )
        services.set_spoken_languages(
            profile=profile, entries=[(Language.objects.get(code="cmn"), "native")]
        )
        services.set_corridors(profile=profile, entries=[(shenzhen, toronto, sectors[0])])
        services.set_designations(profile=profile, entries=[("CPA", "Ontario")])
        services.set_links(profile=profile, entries=[("Blog", "https://example.org/")])
        services.finish_onboarding(profile=profile)
        services.create_organisation(
            creator=member,
            name=f"Harbour {member.pk}",
            kind="sme",
            sectors=sectors,
            city_regions=[toronto, shenzhen],
        )
        if organisation is not None:
            MembershipFactory(organisation=organisation, user=member)


@pytest.mark.parametrize("path", API_LISTS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "token"])
def test_api_lists(client, member, path, signed_in, count_the_facets):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=member).key}"}
    auth = auth if signed_in else {}
    grow_directory(2)
    small = api_queries_for(client, path, **auth)
    grow_directory(30)
    assert api_queries_for(client, path, **auth) == small <= MAX_QUERIES


def test_api_memberships(client, member):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=member).key}"}
    organisation = services.create_organisation(creator=member, name="Harbour", kind="sme")
    path = f"/api/v1/organisations/{organisation.slug}/memberships/"
    grow_directory(2, organisation=organisation)
    small = api_queries_for(client, path, **auth)
    grow_directory(30, organisation=organisation)
    assert api_queries_for(client, path, **auth) == small <= MAX_QUERIES


def test_api_details(client, member):
    auth = {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=member).key}"}
    organisation = services.create_organisation(creator=member, name="Harbour", kind="sme")
    grow_directory(1, organisation=organisation)
    profile = organisation.memberships.exclude(user=member).get().user.profile
    paths = [
        f"/api/v1/members/{profile.handle}/",
        f"/api/v1/organisations/{organisation.slug}/",
        "/api/v1/profile/",
    ]
    small = {path: api_queries_for(client, path, **auth) for path in paths}
    grow_directory(30, organisation=organisation)
    for relation in ("sectors", "expertise", "home_regions"):
        assert getattr(profile, relation).exists()
    large = {path: api_queries_for(client, path, **auth) for path in paths}
    assert large == small
    assert max(large.values()) <= MAX_API_DETAIL_QUERIES
