"""Member, organisation and directory pages cost a fixed number of queries, whatever the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.models import CityRegion, Language, Profile, Sector
from tests.members.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


@pytest.fixture(autouse=True)
def _count_the_facets_too(settings):
    """Measure the directory as the first visitor with given filters sees it: facets computed."""
    settings.DIRECTORY_FACETS_CACHE_SECONDS = 0


def rich_member(number: int):
    """A member with something in every part of the profile, in an organisation."""
    user = UserFactory(display_name=f"Member {number}")
    profile = user.profile
    sectors = list(Sector.objects.all()[number % 5 : number % 5 + 2])
    services.update_profile(
        profile=profile,
        headline=f"供应链顾问 {number}",
        sectors=sectors,
        canadian_region=CityRegion.objects.get(slug="toronto"),
        listing=Profile.Listing.PUBLIC,
        expertise=[f"tag {number}", "fintech"],
    )
    services.set_spoken_languages(
        profile=profile, entries=[(Language.objects.get(code="cmn"), "native")]
    )
    services.set_corridors(
        profile=profile,
        entries=[
            (
                CityRegion.objects.get(slug="shenzhen"),
                CityRegion.objects.get(slug="toronto"),
                sectors[0],
            )
        ],
    )
    services.set_designations(profile=profile, entries=[("P.Eng.", "Ontario")])
    services.finish_onboarding(profile=profile)
    organisation = services.create_organisation(
        creator=user, name=f"Organisation {number}", kind="sme", sectors=sectors
    )
    MembershipFactory(organisation=organisation)
    return profile


def count(client, path: str) -> int:
    """Queries of a request once the caches are warm (reference data, session)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def pages(profile) -> list[str]:
    organisation = profile.user.memberships.get().organisation
    return [
        "/directory/",
        "/directory/?q=供应链&sort=relevance",
        "/directory/?sector=finance-banking&region=toronto&language=cmn&available=true",
        "/directory/organisations/",
        "/directory/organisations/?q=organisation&kind=sme",
        f"/members/{profile.handle}/",
        f"/organisations/{organisation.slug}/",
    ]


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_public_pages_do_not_grow_with_data(client, signed_in):
    first = rich_member(0)
    if signed_in:
        client.force_login(UserFactory())
    small = {path: count(client, path) for path in pages(first)}
    for number in range(1, 25):
        rich_member(number)
    large = {path: count(client, path) for path in pages(first)}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def test_own_pages_do_not_grow_with_data(client):
    profile = rich_member(0)
    client.force_login(profile.user)
    own = [
        "/members/dashboard/",
        "/members/profile/",
        "/members/profile/experience/",
        "/members/profile/photo/",
        "/members/profile/privacy/",
        "/members/account/data/",
    ]
    small = {path: count(client, path) for path in own}
    for number in range(1, 25):
        rich_member(number)
    large = {path: count(client, path) for path in own}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
