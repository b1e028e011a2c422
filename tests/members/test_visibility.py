"""Who sees what among members: every role over every protected thing and field, on the pages
and through the API alike (the rules themselves live in members/access.py).

The subject is Sam, a member of Harbour Co (owned by Olga, with Colm as another member). The
roles: an anonymous visitor, a member with no tie to Sam, Sam, Colm, Olga and a staff member.
"""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from members import services
from members.models import CityRegion, Country, Profile, Visibility
from tests.core import image_files
from tests.members.factories import MembershipFactory, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "member", "self", "colleague", "organisation_owner", "staff")
PUBLIC, MEMBERS, HIDDEN = Profile.Listing.PUBLIC, Profile.Listing.MEMBERS, Profile.Listing.HIDDEN
SUBJECT_EMAIL = "sam.subject@example.org"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world():
    sam = UserFactory(display_name="Sam Subject", email=SUBJECT_EMAIL, onboarded=True)
    olga = UserFactory(display_name="Olga Owner", onboarded=True)
    organisation = services.create_organisation(creator=olga, name="Harbour Co", kind="sme")
    MembershipFactory(organisation=organisation, user=sam)
    colm = MembershipFactory(
        organisation=organisation, user=UserFactory(display_name="Colm Colleague", onboarded=True)
    ).user
    services.update_profile(
        profile=sam.profile,
        headline="Cross-border supply chains",
        employer="Maple Harbour Trading",
        country_of_origin=Country.objects.get(code="CN"),
        years_in_canada=12,
        home_regions=[CityRegion.objects.get(slug="shenzhen")],
    )
    services.set_designations(profile=sam.profile, entries=[("P.Eng.", "Ontario")])
    services.set_links(profile=sam.profile, entries=[("Blog", "https://sam.example.org/")])
    services.set_photo(profile=sam.profile, jpeg=image_files.portrait_facing_right())
    viewers = {
        "anonymous": None,
        "member": UserFactory(display_name="Max Member", onboarded=True),
        "self": sam,
        "colleague": colm,
        "organisation_owner": olga,
        "staff": with_authenticator(UserFactory(display_name="Stella Staff", is_staff=True)),
    }
    return {"profile": sam.profile, "organisation": organisation, "viewers": viewers}


def page_client(world, role) -> Client:
    client = Client()
    if world["viewers"][role] is not None:
        client.force_login(world["viewers"][role])
    return client


def api_client(world, role) -> APIClient:
    api = APIClient()
    if world["viewers"][role] is not None:
        api.force_authenticate(world["viewers"][role])
    return api


def set_listing(profile, listing):
    services.update_profile(profile=profile, listing=listing)


# --- The profile itself ---------------------------------------------------------------------------

READERS = {
    PUBLIC: set(ROLES),
    MEMBERS: set(ROLES) - {"anonymous"},
    HIDDEN: {"self", "colleague", "organisation_owner", "staff"},
}


@pytest.mark.parametrize("listing", [PUBLIC, MEMBERS, HIDDEN])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_a_profile_by_its_listing(world, role, listing):
    profile = world["profile"]
    set_listing(profile, listing)
    expected = 200 if role in READERS[listing] else 404
    page = page_client(world, role).get(reverse("members:profile", args=[profile.handle]))
    api = api_client(world, role).get(f"/api/v1/members/{profile.handle}/")
    assert (page.status_code, api.status_code) == (expected, expected)
    if expected == 404:
        assert "Sam Subject" not in page.content.decode() + api.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_an_account_not_yet_onboarded_exists_only_to_its_member(world, role):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    Profile.objects.filter(pk=profile.pk).update(onboarded_at=None)
    expected = 200 if role == "self" else 404
    page = page_client(world, role).get(reverse("members:profile", args=[profile.handle]))
    api = api_client(world, role).get(f"/api/v1/members/{profile.handle}/")
    assert (page.status_code, api.status_code) == (expected, expected)


@pytest.mark.parametrize("role", ROLES)
def test_staff_never_onboarded_and_unverified_sign_ups_do_not_exist_to_others(client, role):
    staff = UserFactory(display_name="Never Onboarded Staff", is_staff=True)
    unverified = UserFactory(display_name="Unverified Una", verified_email=False)
    for account in (staff, unverified):
        set_listing(account.profile, PUBLIC)
        assert (
            client.get(reverse("members:profile", args=[account.profile.handle])).status_code == 404
        )
        assert client.get(f"/api/v1/members/{account.profile.handle}/").status_code == 404


def test_profile_addresses_are_not_a_counter(world, client):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    assert str(profile.pk) not in reverse("members:profile", args=[profile.handle])
    assert client.get(f"/members/{profile.pk}/").status_code == 404
    assert client.get(f"/api/v1/members/{profile.pk}/").status_code == 404
    handles = {UserFactory().profile.handle for _ in range(20)}
    assert len(handles) == 20
    assert all(len(handle) == 10 and handle.isalnum() for handle in handles)


# --- Its sensitive fields -------------------------------------------------------------------------

# field → (how the page shows it, how the API names it)
FIELDS = {
    "photo": (None, "photo"),  # the page shows the photo's address
    "employer": ("Maple Harbour Trading", "employer"),
    "country_of_origin": ("Country of origin", "country_of_origin"),
    "years_in_canada": ("In Canada for", "years_in_canada"),
    "home_regions": ("Shenzhen", "home_regions"),
    "designations": ("P.Eng.", "designations"),
    "links": ("https://sam.example.org/", "links"),
}
SEES_FIELD = {
    Visibility.PUBLIC: set(ROLES),
    Visibility.MEMBERS: set(ROLES) - {"anonymous"},
    Visibility.PRIVATE: {"self"},
}


@pytest.mark.parametrize("level", list(Visibility))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("field", list(FIELDS))
def test_who_sees_each_sensitive_field(world, role, field, level):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    services.set_field_visibility(profile=profile, visibility={field: level})
    shown, key = FIELDS[field]
    client = page_client(world, role)
    page = client.get(reverse("members:profile", args=[profile.handle]))
    api = api_client(world, role).get(f"/api/v1/members/{profile.handle}/").json()
    sees = role in SEES_FIELD[level]
    assert ((shown or profile.photo_url) in page.content.decode()) is sees
    assert (api[key] not in (None, [])) is sees
    if field == "photo":
        assert client.get(profile.photo_url).status_code == (200 if sees else 404)


@pytest.mark.parametrize("role", ROLES)
def test_no_one_but_the_member_reads_their_e_mail_address(world, role):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    client, api = page_client(world, role), api_client(world, role)
    organisation = world["organisation"]
    answers = [
        client.get(reverse("members:profile", args=[profile.handle])),
        client.get(reverse("organisations:detail", args=[organisation.slug])),
        client.get(reverse("directory:members")),
        api.get(f"/api/v1/members/{profile.handle}/"),
        api.get("/api/v1/members/"),
        api.get(f"/api/v1/organisations/{organisation.slug}/memberships/"),
    ]
    for answer in answers:
        assert SUBJECT_EMAIL not in answer.content.decode()


# --- The preview of one's own profile -------------------------------------------------------------


@pytest.mark.parametrize("level", list(Visibility))
@pytest.mark.parametrize("audience", ["visitor", "member"])
def test_the_preview_shows_exactly_what_that_audience_sees(world, audience, level):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    services.set_field_visibility(profile=profile, visibility={"employer": level})
    preview = page_client(world, "self").get(
        reverse("members:profile", args=[profile.handle]), {"as": audience}
    )
    seen_by = page_client(world, "anonymous" if audience == "visitor" else "member").get(
        reverse("members:profile", args=[profile.handle])
    )
    shown = "Maple Harbour Trading"
    assert (shown in preview.content.decode()) is (shown in seen_by.content.decode())
    assert "Edit my profile" not in preview.content.decode()


@pytest.mark.parametrize(
    ("listing", "audience", "hidden"),
    [(MEMBERS, "visitor", True), (MEMBERS, "member", False), (HIDDEN, "member", True)],
)
def test_the_preview_says_when_that_audience_cannot_open_the_profile(
    world, listing, audience, hidden
):
    profile = world["profile"]
    set_listing(profile, listing)
    page = page_client(world, "self").get(
        reverse("members:profile", args=[profile.handle]), {"as": audience}
    )
    html = page.content.decode()
    assert ("cannot open your profile" in html) is hidden
    assert ("Cross-border supply chains" in html) is not hidden


def test_only_the_member_previews_their_profile(world):
    profile = world["profile"]
    set_listing(profile, PUBLIC)
    services.set_field_visibility(profile=profile, visibility={"employer": Visibility.PRIVATE})
    page = page_client(world, "member").get(
        reverse("members:profile", args=[profile.handle]), {"as": "member"}
    )
    assert "This is your profile" not in page.content.decode()


def test_see_my_profile_as_others_do_leads_to_the_member_preview(world):
    client = page_client(world, "self")
    response = client.get(reverse("members:my_profile"), {"as": "member"})
    assert response.url == reverse("members:profile", args=[world["profile"].handle]) + "?as=member"


# --- The directory --------------------------------------------------------------------------------

FINDERS = {
    PUBLIC: set(ROLES),
    MEMBERS: set(ROLES) - {"anonymous"},
    HIDDEN: set(),
}


@pytest.mark.parametrize("listing", [PUBLIC, MEMBERS, HIDDEN])
@pytest.mark.parametrize("role", ROLES)
def test_who_finds_a_profile_in_the_directory(world, role, listing):
    set_listing(world["profile"], listing)
    page = page_client(world, role).get(reverse("directory:members"), {"q": "supply"})
    api = api_client(world, role).get("/api/v1/members/", {"q": "supply"}).json()
    found = role in FINDERS[listing]
    link = reverse("members:profile", args=[world["profile"].handle])
    assert (link in page.content.decode()) is found
    assert ([card["display_name"] for card in api["results"]] == ["Sam Subject"]) is found


# --- Organisations' member lists ------------------------------------------------------------------

LISTS_HIDDEN_MEMBER = {"self", "colleague", "organisation_owner", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_a_hidden_member_in_their_organisation(world, role):
    set_listing(world["profile"], HIDDEN)
    slug = world["organisation"].slug
    page = page_client(world, role).get(reverse("organisations:detail", args=[slug]))
    api = api_client(world, role).get(f"/api/v1/organisations/{slug}/memberships/")
    sees = role in LISTS_HIDDEN_MEMBER
    link = reverse("members:profile", args=[world["profile"].handle])
    assert (link in page.content.decode()) is sees
    if role == "anonymous":
        assert api.status_code == 401
        assert "Olga Owner" not in page.content.decode()
    else:
        assert ("Sam Subject" in api.content.decode()) is sees
        assert "Olga Owner" in page.content.decode()


# --- Changing an organisation ---------------------------------------------------------------------

CHANGES_ORGANISATION = {"organisation_owner"}


@pytest.mark.parametrize("role", ROLES)
def test_only_owners_change_an_organisation_and_invite(world, role):
    slug = world["organisation"].slug
    client, api = page_client(world, role), api_client(world, role)
    edit = client.get(reverse("organisations:edit", args=[slug]))
    patch = api.patch(f"/api/v1/organisations/{slug}/", {"name": "Renamed"}, format="json")
    invite = api.post(
        f"/api/v1/organisations/{slug}/invitations/", {"email": "new@example.org"}, format="json"
    )
    if role in CHANGES_ORGANISATION:
        assert (edit.status_code, patch.status_code, invite.status_code) == (200, 200, 201)
    elif role == "anonymous":
        assert edit.status_code == 302  # to the log-in page
        assert (patch.status_code, invite.status_code) == (401, 401)
    else:
        assert (edit.status_code, patch.status_code, invite.status_code) == (403, 403, 403)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_end_a_membership(world, role):
    organisation = world["organisation"]
    membership = organisation.memberships.get(user=world["profile"].user)
    api = api_client(world, role)
    response = api.delete(f"/api/v1/organisations/{organisation.slug}/memberships/{membership.pk}/")
    expected = {
        "anonymous": 401,
        "member": 403,
        "self": 204,
        "colleague": 403,
        "organisation_owner": 204,
        "staff": 403,
    }[role]
    assert response.status_code == expected
    assert organisation.memberships.filter(pk=membership.pk).exists() is (expected != 204)
