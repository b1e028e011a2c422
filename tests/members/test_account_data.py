import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.models import AuditEvent
from members import services
from members.models import Membership, Organisation, Profile, User
from tests.members.factories import PASSWORD, MembershipFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_members_download_everything_held_about_them(client, member):
    sector = SectorFactory()
    services.update_profile(
        profile=member.profile, headline="供应链顾问", sectors=[sector], expertise=["customs"]
    )
    services.create_organisation(creator=member, name="Maple Harbour", kind="sme")
    client.force_login(member)
    response = client.get(reverse("members:account_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="knowbridge-my-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == member.email
    assert data["profile"]["headline"] == "供应链顾问"
    assert data["profile"]["sectors"] == [sector.slug]
    assert data["profile"]["expertise"] == ["customs"]
    [organisation] = data["organisations"]
    assert (organisation["name"], organisation["role"]) == ("Maple Harbour", "owner")


def test_the_download_is_only_ever_one_s_own(client):
    assert client.get(reverse("members:account_data_download")).status_code == 302


def test_deleting_needs_the_password_and_keeps_what_was_typed_out(client, member):
    client.force_login(member)
    response = client.post(reverse("members:account_delete"), {"password": "wrong-password-1"})
    assert response.status_code == 400
    assert "This is not your password." in response.content.decode()
    assert User.objects.get(pk=member.pk).is_active


def test_deleting_leaves_nothing_personal(client, member):
    services.update_profile(profile=member.profile, headline="Banker", employer="Maple Bank")
    Token.objects.create(user=member)
    handle = member.profile.handle
    client.force_login(member)
    response = client.post(reverse("members:account_delete"), {"password": PASSWORD})
    assert response.url == reverse("home")
    gone = User.objects.get(pk=member.pk)
    assert not gone.is_active
    assert not gone.has_usable_password()
    assert gone.display_name == ""
    assert str(gone) == "Deleted member"
    assert member.email not in gone.email
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not Profile.objects.filter(pk=member.pk).exists()
    assert not Token.objects.filter(user=gone).exists()
    assert not client.get("/").context["user"].is_authenticated
    assert client.get(reverse("members:profile", args=[handle])).status_code == 404
    relogin = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert relogin.status_code == 200


def test_an_organisation_keeps_an_owner_when_its_owner_leaves(member):
    organisation = services.create_organisation(creator=member, name="Maple", kind="sme")
    colleague = MembershipFactory(organisation=organisation)
    services.delete_account(user=member)
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.OWNER


def test_an_organisation_with_nobody_left_goes_with_its_only_member(member):
    services.create_organisation(creator=member, name="Solo", kind="sme")
    services.delete_account(user=member)
    assert not Organisation.objects.exists()
    assert User.objects.filter(pk=member.pk).exists()


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_deleting_one_s_account_is_audited_with_each_organisation_it_hands_over(client, member):
    handed = services.create_organisation(creator=member, name="Maple", kind="sme")
    first = MembershipFactory(organisation=handed)
    MembershipFactory(organisation=handed)
    kept = services.create_organisation(creator=UserFactory(), name="Keeps its owner", kind="sme")
    MembershipFactory(organisation=kept, user=member)
    solo = services.create_organisation(creator=member, name="Solo", kind="sme")
    client.force_login(member)
    client.post(reverse("members:account_delete"), {"password": PASSWORD})

    [deleted_account] = events("account.deleted")
    assert (deleted_account.actor, deleted_account.target) == (member, member)
    assert deleted_account.reason == ""
    [handed_over] = events("organisation.handed_over")
    assert (handed_over.actor, handed_over.target) == (member, handed)
    assert handed_over.details == {"former_owner": member.pk, "new_owner": first.user_id}
    [deleted_organisation] = events("organisation.deleted")
    assert (deleted_organisation.actor, deleted_organisation.target_id) == (member, str(solo.pk))
    assert deleted_organisation.details == {
        "name": "Solo",
        "slug": solo.slug,
        "last_member": member.pk,
    }
    assert AuditEvent.objects.count() == 3  # leaving an organisation that keeps its owner: none


def test_the_audit_log_keeps_no_personal_data_of_a_deleted_member(member):
    member.display_name = "Zhou Xiaoming"
    member.save()
    services.create_organisation(creator=member, name="Solo", kind="sme")
    services.delete_account(user=member)
    for event in AuditEvent.objects.all():
        text = f"{event.reason} {event.details}"
        assert "Zhou" not in text
        assert "@example.org" not in text
