"""The organisations API, per role: anonymous, member, organisation member, owner."""

from urllib.parse import quote

import pytest
from django.core import mail
from rest_framework.test import APIClient

from members import services
from members.models import Invitation, Membership, Organisation
from tests.members.factories import MembershipFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def owner():
    return UserFactory(display_name="Olivia Owner", email="olivia@example.org", onboarded=True)


@pytest.fixture
def organisation(owner):
    return services.create_organisation(
        creator=owner,
        name="Maple Harbour Trading",
        kind=Organisation.Kind.SME,
        description="Cross-border e-commerce between Halifax and Shenzhen.",
    )


@pytest.fixture
def colleague(organisation):
    """A plain member of the organisation."""
    return MembershipFactory(
        organisation=organisation,
        user=UserFactory(display_name="Colin Colleague", email="colin@example.org", onboarded=True),
    )


def url(organisation, *rest) -> str:
    return "/".join([ORGANISATIONS.rstrip("/"), quote(organisation.slug), *rest, ""])


def error_attrs(response) -> set:
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    return {error["attr"] for error in response.json()["errors"]}


# --- The directory --------------------------------------------------------------------------------


def test_anyone_finds_organisations_with_the_page_s_filters(api, owner):
    finance = SectorFactory()
    services.create_organisation(creator=owner, name="深圳湾科技", kind="sme", sectors=[finance])
    services.create_organisation(
        creator=owner, name="Ottawa Trade Office", kind="public", category="government_agency"
    )
    body = api.get(ORGANISATIONS, {"q": "深圳"}).json()
    assert [item["name"] for item in body["results"]] == ["深圳湾科技"]
    assert body["results"][0]["sectors"] == [{"slug": finance.slug, "name": finance.name_en}]
    assert [
        item["name"] for item in api.get(ORGANISATIONS, {"kind": "public"}).json()["results"]
    ] == ["Ottawa Trade Office"]
    assert len(api.get(ORGANISATIONS, {"sector": finance.slug}).json()["results"]) == 1
    facets = api.get(ORGANISATIONS).json()["facets"]
    assert facets["kind"] == [{"value": "public", "count": 1}, {"value": "sme", "count": 1}]
    assert facets["sector"] == [{"value": finance.slug, "count": 1}]
    assert error_attrs(api.get(ORGANISATIONS, {"kind": "club"})) == {"kind"}


def test_organisation_pages_follow_each_other(api, owner):
    for number in range(23):
        services.create_organisation(creator=owner, name=f"Harbour {number:02d}", kind="sme")
    first = api.get(ORGANISATIONS, {"q": "harbour", "sort": "recent"}).json()
    second = api.get(first["next"]).json()
    names = [item["name"] for item in first["results"] + second["results"]]
    assert len(names) == 23 == len(set(names))
    assert second["next"] is None


# --- Creating and changing ------------------------------------------------------------------------


def test_anonymous_callers_cannot_create(api):
    assert api.post(ORGANISATIONS, {"name": "Acme", "kind": "sme"}).status_code == 401
    assert not Organisation.objects.exists()


def test_any_member_creates_one_and_becomes_its_owner(api, member):
    finance = SectorFactory()
    api.force_authenticate(member)
    response = api.post(
        ORGANISATIONS,
        {
            "name": "Bay Street Advisory",
            "kind": "private",
            "category": "consulting_firm",
            "sectors": [finance.slug],
            "city_regions": ["toronto", "shenzhen"],
            "founded": 2011,
            "website": "https://bay-street.example",
            "verified": True,
            "slug": "chosen-by-me",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "bay-street-advisory"
    assert body["verified"] is False
    assert {region["slug"] for region in body["city_regions"]} == {"toronto", "shenzhen"}
    organisation = Organisation.objects.get()
    assert organisation.memberships.get().user == member
    assert organisation.memberships.get().role == Membership.Role.OWNER
    assert api.get(url(organisation)).json()["name"] == "Bay Street Advisory"


@pytest.mark.parametrize(
    ("fields", "attrs"),
    [
        ({"name": "Bay Law", "kind": "sme", "category": "law_firm"}, {"category"}),
        ({"name": "   ", "kind": "sme"}, {"name"}),
        ({"kind": "sme"}, {"name"}),
        ({"name": "Acme", "kind": "club"}, {"kind"}),
        ({"name": "Acme", "kind": "sme", "sectors": ["no-such-sector"]}, {"sectors"}),
        ({"name": "Acme", "kind": "sme", "founded": 1700}, {"founded"}),
        ({"name": "Acme", "kind": "sme", "website": "acme"}, {"website"}),
        ({"name": "x" * 161, "kind": "sme", "description": "nul\x00"}, {"name", "description"}),
    ],
)
def test_bad_organisations_get_a_400_naming_each_field(api, member, fields, attrs):
    api.force_authenticate(member)
    assert error_attrs(api.post(ORGANISATIONS, fields, format="json")) == attrs
    assert not Organisation.objects.exists()


def test_anyone_reads_an_organisation(api, organisation):
    body = api.get(url(organisation)).json()
    assert body["name"] == "Maple Harbour Trading"
    assert body["kind"] == "sme"
    response = api.get(f"{ORGANISATIONS}no-such-organisation/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert api.get(f"{ORGANISATIONS}nul%00/").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("stranger", 403), ("colleague", 403), ("owner", 200)],
)
def test_only_owners_change_an_organisation(api, organisation, owner, colleague, who, status):
    callers = {"stranger": UserFactory(), "colleague": colleague.user, "owner": owner}
    if who in callers:
        api.force_authenticate(callers[who])
    response = api.patch(
        url(organisation), {"description": "Now in Montréal too.", "verified": True}, format="json"
    )
    assert response.status_code == status
    organisation.refresh_from_db()
    assert organisation.verified is False
    assert (organisation.description == "Now in Montréal too.") is (status == 200)


def test_owners_change_sectors_and_keep_the_rules(api, organisation, owner):
    finance = SectorFactory()
    api.force_authenticate(owner)
    body = api.patch(url(organisation), {"sectors": [finance.slug]}, format="json").json()
    assert body["sectors"] == [{"slug": finance.slug, "name": finance.name_en}]
    assert body["name"] == "Maple Harbour Trading"
    assert error_attrs(api.patch(url(organisation), {"category": "bank"}, format="json")) == {
        "category"
    }
    assert error_attrs(api.patch(url(organisation), {"name": ""}, format="json")) == {"name"}


# --- Memberships ----------------------------------------------------------------------------------


def test_memberships_are_for_signed_in_members_and_never_show_e_mails(api, organisation, colleague):
    assert api.get(url(organisation, "memberships")).status_code == 401
    api.force_authenticate(UserFactory())
    response = api.get(url(organisation, "memberships"))
    assert response.status_code == 200
    assert [(m["display_name"], m["role"]) for m in response.json()] == [
        ("Olivia Owner", "owner"),
        ("Colin Colleague", "member"),
    ]
    assert set(response.json()[0]) == {"id", "member", "display_name", "role", "joined_at"}
    assert "@example.org" not in response.content.decode()
    assert api.get(f"{ORGANISATIONS}no-such-organisation/memberships/").status_code == 404


def test_owners_invite_by_e_mail(api, organisation, owner, django_capture_on_commit_callbacks):
    api.force_authenticate(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            url(organisation, "invitations"),
            {"email": "new.colleague@example.org", "role": "owner"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == "new.colleague@example.org"
    assert "token" not in response.json()
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.invited_by) == ("owner", owner)
    [message] = mail.outbox
    assert message.to == ["new.colleague@example.org"]
    assert invitation.token not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 401), ("stranger", 403), ("colleague", 403)]
)
def test_only_owners_invite(api, organisation, colleague, who, status):
    if who != "anonymous":
        api.force_authenticate(colleague.user if who == "colleague" else UserFactory())
    response = api.post(url(organisation, "invitations"), {"email": "x@example.org"}, format="json")
    assert response.status_code == status
    assert not Invitation.objects.exists()


def test_bad_invitations_get_a_400(api, organisation, owner, colleague):
    api.force_authenticate(owner)
    invite = url(organisation, "invitations")
    assert error_attrs(api.post(invite, {"email": "not an address"}, format="json")) == {"email"}
    assert error_attrs(
        api.post(invite, {"email": "a@example.org", "role": "boss"}, format="json")
    ) == {"role"}
    response = api.post(invite, {"email": colleague.user.email.upper()}, format="json")
    assert error_attrs(response) == {"email"}
    assert "already a member" in response.json()["errors"][0]["detail"]


def test_owners_remove_members_and_members_leave(api, organisation, owner, colleague):
    other = MembershipFactory(organisation=organisation)
    api.force_authenticate(colleague.user)
    assert api.delete(url(organisation, "memberships", str(other.pk))).status_code == 403
    assert api.delete(url(organisation, "memberships", str(colleague.pk))).status_code == 204
    api.force_authenticate(owner)
    assert api.delete(url(organisation, "memberships", str(other.pk))).status_code == 204
    assert list(organisation.memberships.values_list("user", flat=True)) == [owner.pk]


def test_the_last_owner_cannot_leave(api, organisation, owner):
    membership = organisation.memberships.get()
    api.force_authenticate(owner)
    response = api.delete(url(organisation, "memberships", str(membership.pk)))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["attr"], error["code"]) == ("non_field_errors", "last_owner")
    assert "at least one owner" in error["detail"]
    assert organisation.memberships.exists()


def test_memberships_are_only_reached_through_their_organisation(api, organisation, owner):
    elsewhere = MembershipFactory()
    api.force_authenticate(owner)
    assert api.delete(url(organisation, "memberships", str(elsewhere.pk))).status_code == 404
    assert api.delete(url(organisation, "memberships", "abc")).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
    api.force_authenticate(None)
    assert api.delete(url(organisation, "memberships", str(elsewhere.pk))).status_code == 401
