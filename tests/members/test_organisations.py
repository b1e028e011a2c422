import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from core.models import AuditEvent
from members import services
from members.forms import OrganisationForm
from members.models import Invitation, Membership, Organisation
from tests.members.factories import (
    MembershipFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(member):
    return services.create_organisation(
        creator=member, name="Maple Harbour Trading", kind=Organisation.Kind.SME
    )


def test_creating_an_organisation_makes_its_creator_the_owner(client, member):
    client.force_login(member)
    sector = SectorFactory()
    response = client.post(
        reverse("organisations:create"),
        {"name": "深圳湾科技", "kind": "sme", "sectors": [sector.pk], "website": "shenzhenbay.cn"},
    )
    organisation = Organisation.objects.get()
    assert response.url == reverse("organisations:detail", args=[organisation.slug])
    assert organisation.slug == "深圳湾科技"
    assert organisation.website == "https://shenzhenbay.cn"
    assert Membership.objects.get().role == Membership.Role.OWNER
    assert not organisation.verified


def test_slugs_stay_unique(member):
    first = services.create_organisation(creator=member, name="Acme", kind="sme")
    second = services.create_organisation(creator=member, name="ACME", kind="sme")
    assert (first.slug, second.slug) == ("acme", "acme-2")


def test_a_category_must_fit_the_kind(client, member):
    client.force_login(member)
    response = client.post(
        reverse("organisations:create"), {"name": "Bay Law", "kind": "sme", "category": "law_firm"}
    )
    assert response.status_code == 200
    assert "does not fit the kind of organisation" in response.content.decode()
    assert 'value="Bay Law"' in response.content.decode()


def test_only_owners_invite(client, organisation):
    colleague = MembershipFactory(organisation=organisation).user
    client.force_login(colleague)
    response = client.post(
        reverse("organisations:invite", args=[organisation.slug]), {"email": "x@example.org"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_owners_remove_members_and_members_may_leave(client, organisation, member):
    colleague = MembershipFactory(organisation=organisation)
    other = MembershipFactory(organisation=organisation)
    client.force_login(other.user)
    remove = reverse("organisations:remove_member", args=[organisation.slug, colleague.pk])
    assert client.post(remove).status_code == 403
    client.force_login(member)
    client.post(remove)
    client.force_login(other.user)
    client.post(reverse("organisations:remove_member", args=[organisation.slug, other.pk]))
    assert list(organisation.memberships.values_list("user", flat=True)) == [member.pk]


def test_the_last_owner_cannot_leave(client, organisation, member):
    client.force_login(member)
    owner = organisation.memberships.get()
    response = client.post(
        reverse("organisations:remove_member", args=[organisation.slug, owner.pk]), follow=True
    )
    assert "needs at least one owner" in response.content.decode()
    assert organisation.memberships.exists()


def test_only_staff_set_the_verified_badge(client, organisation, member):
    client.force_login(member)
    client.post(
        reverse("organisations:edit", args=[organisation.slug]),
        {"name": organisation.name, "kind": "sme", "verified": "on"},
    )
    organisation.refresh_from_db()
    assert not organisation.verified
    with pytest.raises(services.PermissionDenied):
        services.set_verified(organisation=organisation, verified=True, actor=member)
    staff = UserFactory(is_staff=True)
    services.set_verified(organisation=organisation, verified=True, actor=staff)
    organisation.refresh_from_db()
    assert organisation.verified
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.target) == (
        staff,
        "organisation.verified",
        organisation,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("colleague", 403), ("owner", 200)],
)
def test_who_may_edit_an_organisation(client, organisation, member, role, status):
    viewers = {
        "member": lambda: UserFactory(),
        "colleague": lambda: MembershipFactory(organisation=organisation).user,
        "owner": lambda: member,
    }
    if role in viewers:
        client.force_login(viewers[role]())
    assert client.get(reverse("organisations:edit", args=[organisation.slug])).status_code == status


def test_member_lists_are_for_signed_in_members_only(client, organisation, member):
    services.finish_onboarding(profile=member.profile)
    page = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()
    assert member.display_name not in page
    client.force_login(UserFactory())
    page = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()
    assert member.display_name in page
    assert member.email not in page


def test_staff_verify_organisations_from_the_admin(client, organisation):
    admin = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.post(
        "/admin/members/organisation/",
        {"action": "verify", "_selected_action": [organisation.pk]},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified


def test_a_nul_in_an_address_is_simply_not_found(client):
    assert client.get("/organisations/%00/").status_code == 404
    assert client.get("/api/v1/organisations/%00/").status_code == 404


def test_the_organisation_kind_is_a_radio_button_each_and_no_empty_one(db):
    html = str(OrganisationForm()["kind"])
    assert 'value="sme"' in html
    assert 'value=""' not in html
    assert "---------" not in html
    category = str(OrganisationForm()["category"])  # optional: its empty choice, in words
    assert "— Choose —" in category
