"""The Django admin goes through the services: no invariant broken, nothing left out of the
audit log. Each path is walked as staff would, with the test client against /admin/."""

import pytest
from django.contrib.auth.models import Group, Permission
from rest_framework.test import APIClient

from core.models import AuditEvent
from forums.models import Category
from forums.services import delete_category
from members import services
from members.models import CityRegion, ExpertiseTag, Membership, Organisation, Profile, User
from tests.members.factories import (
    PASSWORD,
    MembershipFactory,
    SectorFactory,
    UserFactory,
    listed_member,
    with_authenticator,
)

pytestmark = pytest.mark.django_db

USERS = "/admin/members/user/"
ORGANISATIONS = "/admin/members/organisation/"
MEMBERSHIPS = "/admin/members/membership/"


@pytest.fixture
def superuser():
    return with_authenticator(UserFactory(is_staff=True, is_superuser=True))


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def organisation(member):
    return services.create_organisation(creator=member, name="Maple Harbour", kind="sme")


def act(client, changelist, action, items, **data):
    return client.post(
        changelist, {"action": action, "_selected_action": [item.pk for item in items], **data}
    )


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def found(path, q) -> list[str]:
    """What a visitor finds in the directory's API for these keywords."""
    results = APIClient().get(path, {"q": q}).json()["results"]
    return [result.get("display_name") or result.get("name") for result in results]


# --- Accounts -------------------------------------------------------------------------------------


def test_deleting_accounts_asks_why_then_anonymises_hands_over_and_audits(
    admin_client, superuser, organisation, member
):
    colleague = MembershipFactory(organisation=organisation)
    page = act(admin_client, USERS, "delete_accounts", [member])
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert User.objects.get(pk=member.pk).is_active

    refused = act(admin_client, USERS, "delete_accounts", [member], reason="  ")
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert User.objects.get(pk=member.pk).is_active

    done = act(admin_client, USERS, "delete_accounts", [member], reason="Asked us by phone")
    assert done.status_code == 302
    gone = User.objects.get(pk=member.pk)
    assert (gone.is_active, gone.display_name, str(gone)) == (False, "", "Deleted member")
    assert not Profile.objects.filter(pk=member.pk).exists()
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.OWNER
    [deleted] = events("account.deleted")
    assert (deleted.actor, deleted.target, deleted.reason) == (superuser, gone, "Asked us by phone")
    [handed_over] = events("organisation.handed_over")
    assert (handed_over.actor, handed_over.target) == (superuser, organisation)
    assert handed_over.details == {"former_owner": member.pk, "new_owner": colleague.user_id}


def test_the_cascading_delete_is_not_offered(admin_client, member):
    assert admin_client.post(f"{USERS}{member.pk}/delete/", {"post": "yes"}).status_code == 403
    act(admin_client, USERS, "delete_selected", [member], post="yes")
    assert User.objects.get(pk=member.pk).is_active
    assert 'value="delete_selected"' not in admin_client.get(USERS).content.decode()


def test_staff_do_not_delete_their_own_account_from_the_admin(admin_client, superuser):
    act(admin_client, USERS, "delete_accounts", [superuser], reason="Oops")
    assert User.objects.get(pk=superuser.pk).is_active
    assert not events("account.deleted")


def test_only_a_superuser_deletes_a_superuser(superuser):
    staff = UserFactory(is_staff=True)
    with pytest.raises(services.PermissionDenied):
        services.delete_account(user=superuser, actor=staff, reason="Taking over")
    with pytest.raises(services.PermissionDenied):
        services.delete_account(user=UserFactory(), actor=UserFactory(), reason="Not staff")
    assert User.objects.get(pk=superuser.pk).is_active


def test_staff_roles_changed_in_the_admin_are_audited(admin_client, superuser, member):
    moderators = Group.objects.get(name="Moderators")
    response = admin_client.post(
        f"{USERS}{member.pk}/change/",
        {
            "display_name": "Wei Chen",
            "language": "zh-hans",
            "is_active": "on",
            "is_staff": "on",
            "groups": [moderators.pk],
            "email": "someone.else@example.org",  # read-only: changed through allauth only
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert (member.display_name, member.is_staff, member.email) == (
        "Wei Chen",
        True,
        member.email,
    )
    assert list(member.groups.all()) == [moderators]
    [event] = events("account.roles_changed")
    assert (event.actor, event.target) == (superuser, member)
    assert event.details == {"is_staff": [False, True], "groups": [[], ["Moderators"]]}


def test_saving_an_account_without_changing_its_standing_writes_no_event(admin_client, member):
    response = admin_client.post(
        f"{USERS}{member.pk}/change/",
        {"display_name": member.display_name, "language": "en", "is_active": "on"},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_a_renamed_member_is_found_by_the_new_name(admin_client):
    profile = listed_member("Li Wei")
    admin_client.post(
        f"{USERS}{profile.pk}/change/",
        {"display_name": "Lina Okafor", "language": "en", "is_active": "on"},
    )
    assert found("/api/v1/members/", "Okafor") == ["Lina Okafor"]


@pytest.fixture
def user_manager(client):
    """Staff who may change members but are not superusers."""
    manager = with_authenticator(UserFactory(is_staff=True))
    manager.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_user", "change_user", "delete_user"],
            content_type__app_label="members",
        )
    )
    client.force_login(manager)
    return manager


def test_staff_who_are_not_superusers_cannot_make_superusers(client, user_manager, member):
    response = client.post(
        f"{USERS}{member.pk}/change/",
        {
            "display_name": member.display_name,
            "language": "en",
            "is_active": "on",
            "is_superuser": "on",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_superuser
    assert not events("account.roles_changed")


def test_staff_who_are_not_superusers_leave_superusers_alone(client, user_manager, superuser):
    page = client.post(
        f"{USERS}{superuser.pk}/change/",
        {"display_name": "Demoted", "language": "en", "is_active": ""},
    )
    assert page.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    with pytest.raises(services.PermissionDenied):
        services.set_staff_roles(user=superuser, actor=user_manager, is_active=False)


def test_a_password_set_by_staff_is_audited(admin_client, superuser, member):
    new_password = "another-horse-battery-staple"
    response = admin_client.post(
        f"{USERS}{member.pk}/password/",
        {"password1": new_password, "password2": new_password, "set_usable_password": "true"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)
    assert not member.check_password(PASSWORD)
    [event] = events("account.password_set")
    assert (event.actor, event.target, event.details) == (superuser, member, {"usable": True})


# --- Organisations and memberships ----------------------------------------------------------------


def test_the_membership_inline_cannot_remove_the_last_owner(admin_client, organisation, member):
    owner = organisation.memberships.get()
    response = admin_client.post(
        f"{ORGANISATIONS}{organisation.pk}/change/",
        {
            "name": organisation.name,
            "kind": "sme",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": owner.pk,
            "memberships-0-organisation": organisation.pk,
            "memberships-0-role": "member",
            "memberships-0-DELETE": "on",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER
    page = admin_client.get(f"{ORGANISATIONS}{organisation.pk}/change/").content.decode()
    assert 'name="memberships-0-role"' not in page
    assert f"{MEMBERSHIPS}?organisation__id__exact={organisation.pk}" in page


def test_roles_change_through_the_service_which_keeps_an_owner(
    admin_client, superuser, organisation
):
    owner = organisation.memberships.get()
    colleague = MembershipFactory(organisation=organisation)

    refused = act(admin_client, MEMBERSHIPS, "make_members", [owner])
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER
    assert any("needs at least one owner" in text for text in messages_of(refused))

    act(admin_client, MEMBERSHIPS, "make_owners", [colleague])
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.OWNER
    [event] = events("membership.role_changed")
    assert (event.actor, event.target) == (superuser, organisation)
    assert event.details == {"member": colleague.user_id, "role": ["member", "owner"]}

    act(admin_client, MEMBERSHIPS, "make_members", [owner, colleague])
    roles = set(organisation.memberships.values_list("role", flat=True))
    assert roles == {Membership.Role.OWNER, Membership.Role.MEMBER}


def test_removing_members_asks_why_and_keeps_an_owner(admin_client, superuser, organisation):
    owner = organisation.memberships.get()
    colleague = MembershipFactory(organisation=organisation)
    assert (
        'name="reason"'
        in act(admin_client, MEMBERSHIPS, "remove_members", [owner]).content.decode()
    )

    response = act(
        admin_client, MEMBERSHIPS, "remove_members", [owner, colleague], reason="Left the firm"
    )
    assert response.status_code == 302
    assert list(organisation.memberships.all()) == [owner]
    [event] = events("membership.removed")
    assert (event.actor, event.target, event.reason) == (superuser, organisation, "Left the firm")
    assert event.details == {"member": colleague.user_id, "role": "member"}


def test_memberships_cannot_be_added_or_edited_directly(admin_client, organisation):
    owner = organisation.memberships.get()
    assert admin_client.get(f"{MEMBERSHIPS}add/").status_code == 403
    admin_client.post(f"{MEMBERSHIPS}{owner.pk}/change/", {"role": "member"})
    owner.refresh_from_db()
    assert owner.role == Membership.Role.OWNER
    assert admin_client.post(f"{MEMBERSHIPS}{owner.pk}/delete/", {"post": "yes"}).status_code == 403


def test_an_organisation_saved_in_the_admin_is_found_by_its_new_words(
    admin_client, superuser, organisation
):
    sector = SectorFactory(name_en="Rare earths")
    response = admin_client.post(
        f"{ORGANISATIONS}{organisation.pk}/change/",
        {
            "name": "Laurentian Minerals",
            "kind": "sme",
            "sectors": [sector.pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert found("/api/v1/organisations/", "Laurentian") == ["Laurentian Minerals"]
    assert found("/api/v1/organisations/", "earths") == ["Laurentian Minerals"]
    [event] = events("organisation.changed")
    assert (event.actor, event.target) == (superuser, organisation)
    assert event.details == {"fields": ["name", "sectors"]}


def test_organisations_are_made_by_members_not_in_the_admin(admin_client):
    assert admin_client.get(f"{ORGANISATIONS}add/").status_code == 403


def test_deleting_an_organisation_asks_why_and_is_audited(admin_client, superuser, organisation):
    assert (
        admin_client.post(f"{ORGANISATIONS}{organisation.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    page = act(admin_client, ORGANISATIONS, "delete_organisations", [organisation])
    assert 'name="reason"' in page.content.decode()
    act(admin_client, ORGANISATIONS, "delete_organisations", [organisation], reason="Spam")
    assert not Organisation.objects.exists()
    [event] = events("organisation.deleted")
    assert (event.actor, event.target_id, event.reason) == (
        superuser,
        str(organisation.pk),
        "Spam",
    )
    assert event.details == {"name": "Maple Harbour", "slug": organisation.slug}


def test_deleting_an_organisation_is_for_staff_with_a_reason(organisation, member):
    with pytest.raises(services.PermissionDenied):
        services.delete_organisation(organisation=organisation, actor=member, reason="Mine")
    with pytest.raises(services.ValidationError):
        services.delete_organisation(
            organisation=organisation, actor=UserFactory(is_staff=True), reason=""
        )
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_owners_removing_a_member_is_audited_as_staff_s_removals_are(organisation, member):
    colleague = MembershipFactory(organisation=organisation)
    services.remove_member(membership=colleague, actor=member)
    [event] = events("membership.removed")
    assert (event.actor, event.target, event.details) == (
        member,
        organisation,
        {"member": colleague.user_id, "role": "member"},
    )
    leaving = MembershipFactory(organisation=organisation)
    services.remove_member(membership=leaving, actor=leaving.user)
    assert len(events("membership.removed")) == 1  # leaving of one's own accord is no one's act


# --- Reference data -------------------------------------------------------------------------------


def test_a_sector_renamed_in_the_admin_finds_its_members_and_organisations_by_the_new_name(
    admin_client, member
):
    sector = SectorFactory(name_en="Agri-food")
    listed_member("Amara", sectors=[sector])
    services.create_organisation(creator=member, name="Prairie Co", kind="sme", sectors=[sector])
    response = admin_client.post(
        f"/admin/members/sector/{sector.pk}/change/",
        {
            "slug": sector.slug,
            "name_en": "Agritech",
            "name_fr": "Agrotechnologie",
            "name_zh_hans": "农业科技",
        },
    )
    assert response.status_code == 302
    assert found("/api/v1/members/", "agritech") == ["Amara"]
    assert found("/api/v1/members/", "农业科技") == ["Amara"]
    assert found("/api/v1/organisations/", "agrotechnologie") == ["Prairie Co"]
    assert found("/api/v1/members/", "agri") == []


def test_a_deleted_sector_no_longer_finds_anyone(admin_client, admin_user):
    sector = SectorFactory(name_en="Hovercraft")
    listed_member("Amara", sectors=[sector])
    # A new sector opens a forum category, which staff remove first (forums.services).
    forum = Category.objects.get(sector=sector)
    delete_category(actor=admin_user, category=forum, reason="the sector goes")
    response = admin_client.post(f"/admin/members/sector/{sector.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert found("/api/v1/members/", "hovercraft") == []


def test_a_city_region_renamed_in_the_admin_finds_its_residents(admin_client):
    toronto = CityRegion.objects.get(slug="toronto")
    listed_member("Priya", canadian_region=toronto)
    admin_client.post(
        f"/admin/members/cityregion/{toronto.pk}/change/",
        {
            "slug": "toronto",
            "country": toronto.country_id,
            "name_en": "Greater Toronto Area",
            "name_fr": "Région du Grand Toronto",
            "name_zh_hans": "大多伦多地区",
        },
    )
    assert found("/api/v1/members/", "Greater") == ["Priya"]


def test_a_tag_renamed_in_the_admin_is_found_and_cannot_take_another_s_spelling(admin_client):
    listed_member("Jun", expertise=["fintech", "payments"])
    fintech = ExpertiseTag.objects.get(key="fintech")
    clash = admin_client.post(
        f"/admin/members/expertisetag/{fintech.pk}/change/", {"name": "Payments"}
    )
    assert clash.status_code == 200
    assert "Another tag is already spelled this way." in clash.content.decode()
    admin_client.post(
        f"/admin/members/expertisetag/{fintech.pk}/change/", {"name": "Financial technology"}
    )
    assert found("/api/v1/members/", "financial") == ["Jun"]


# --- Other apps' admins over members' accounts ----------------------------------------------------


def test_staff_cannot_read_or_make_api_keys_in_the_admin(admin_client, member):
    services.issue_api_token(user=member)
    assert admin_client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert (
        admin_client.post("/admin/authtoken/tokenproxy/add/", {"user": member.pk}).status_code
        == 404
    )


def test_addresses_and_authenticators_are_read_only_in_the_admin(admin_client, member, superuser):
    address = member.emailaddress_set.get()
    assert admin_client.get(f"/admin/account/emailaddress/{address.pk}/change/").status_code == 200
    added = admin_client.post(
        "/admin/account/emailaddress/add/",
        {"user": member.pk, "email": "taken.over@example.org", "verified": "on", "primary": "on"},
    )
    assert added.status_code == 403
    assert not member.emailaddress_set.filter(email="taken.over@example.org").exists()
    authenticator = superuser.authenticator_set.get()
    removed = admin_client.post(
        f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"}
    )
    assert removed.status_code == 403
    page = admin_client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert authenticator.data["secret"] not in page.content.decode()


def test_staff_groups_keep_their_names_and_changes_to_their_permissions_are_audited(
    admin_client, superuser
):
    moderators = Group.objects.get(name="Moderators")
    view_users = Permission.objects.get(codename="view_user", content_type__app_label="members")
    response = admin_client.post(
        f"/admin/auth/group/{moderators.pk}/change/",
        {"name": "Anything", "permissions": [view_users.pk]},
    )
    assert response.status_code == 302
    moderators.refresh_from_db()
    assert moderators.name == "Moderators"
    assert list(moderators.permissions.all()) == [view_users]
    [event] = events("group.permissions_changed")
    assert (event.actor, event.target) == (superuser, moderators)
    assert event.details == {"permissions": [["moderation.moderate"], ["members.view_user"]]}
    deleted = admin_client.post(f"/admin/auth/group/{moderators.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    assert admin_client.get("/admin/auth/group/add/").status_code == 403


def test_only_superusers_change_what_a_staff_group_may_do(client, user_manager):
    moderators = Group.objects.get(name="Moderators")
    with pytest.raises(services.PermissionDenied):
        services.set_group_permissions(
            group=moderators, permissions=Permission.objects.all(), actor=user_manager
        )
    assert list(moderators.permissions.values_list("codename", flat=True)) == ["moderate"]
