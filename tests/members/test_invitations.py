"""Invitations to join an organisation: the link, per role, from the mail to the membership."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from members import services
from members.models import Invitation, Organisation
from tests.members.factories import PASSWORD as FACTORY_PASSWORD
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db

INVITED = "colleague@example.org"
PASSWORD = "maple-harbour-2026!"


@pytest.fixture
def owner(db):
    return UserFactory(display_name="Olivia Owner")


@pytest.fixture
def organisation(owner):
    return services.create_organisation(
        creator=owner, name="Maple Harbour Trading", kind=Organisation.Kind.SME
    )


@pytest.fixture
def invitation(organisation, owner):
    return services.invite_member(
        organisation=organisation, email=INVITED, invited_by=owner, role="owner"
    )


def path_of(invitation) -> str:
    return reverse("members:accept_invitation", args=[invitation.token])


def sign_up(client, email=INVITED, *, next_path=""):
    return client.post(
        f"{reverse('account_signup')}?next={next_path}",
        {
            "display_name": "Chen Colleague",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


# --- The link, per role ---------------------------------------------------------------------------


def test_a_visitor_sees_the_invitation_and_the_ways_to_answer_it(client, invitation):
    response = client.get(path_of(invitation))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Olivia Owner invites you to join Maple Harbour Trading as owner." in page
    here = {"next": path_of(invitation)}
    assert response.context["signup_url"] == f"/accounts/signup/?{urlencode(here)}"
    assert f'href="{response.context["signup_url"]}"' in page
    login_url = f"/accounts/login/?{urlencode({**here, 'email': INVITED})}"
    assert response.context["login_url"] == login_url
    assert f'href="{escape(login_url)}"' in page
    assert 'value="decline"' in page
    assert 'value="accept"' not in page  # accepting needs an account


def test_the_sign_up_and_log_in_forms_have_the_invited_address_filled_in(client, invitation):
    invitation_page = client.get(path_of(invitation))
    signup = client.get(reverse("account_signup"))
    assert signup.context["form"].fields["email"].initial == INVITED
    login = client.get(invitation_page.context["login_url"])
    assert login.context["form"].fields["login"].initial == INVITED


def test_the_log_in_form_ignores_an_address_that_is_not_one(client):
    login = client.get(reverse("account_login"), {"email": "<script>@"})
    assert login.status_code == 200
    assert login.context["form"].fields["login"].initial is None


def test_signing_up_with_the_invited_address_needs_no_verification_mail(client, invitation):
    client.get(path_of(invitation))
    response = sign_up(client, next_path=path_of(invitation))
    assert response.url == path_of(invitation)  # signed in and brought back to the invitation
    assert mail.outbox == []
    assert EmailAddress.objects.get(email=INVITED).verified
    page = client.get(path_of(invitation)).content.decode()
    assert 'value="accept"' in page


def test_signing_up_with_another_address_still_needs_verification(client, invitation):
    client.get(path_of(invitation))
    response = sign_up(client, "someone.else@example.org", next_path=path_of(invitation))
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email="someone.else@example.org").verified
    [message] = mail.outbox
    assert message.to == ["someone.else@example.org"]


def test_after_verifying_by_mail_the_new_member_is_brought_to_the_invitation(client, invitation):
    """The sign-up link opened in another browser than the invitation: the address is not known
    to be proven there, so it is verified by mail, and the link in that mail leads on."""
    signup_url = client.get(path_of(invitation)).context["signup_url"]
    other_browser = Client()
    other_browser.get(signup_url)
    sign_up(other_browser, next_path=path_of(invitation))
    [message] = mail.outbox
    confirm = re.search(r"http://testserver(/\S+/)", message.body).group(1)
    response = other_browser.get(confirm)
    assert response.url == path_of(invitation)
    assert 'value="accept"' in other_browser.get(path_of(invitation)).content.decode()


def test_an_existing_member_logs_in_from_the_invitation_and_is_brought_back(client, invitation):
    UserFactory(email=INVITED)
    login_url = client.get(path_of(invitation)).context["login_url"]
    response = client.post(login_url, {"login": INVITED, "password": FACTORY_PASSWORD})
    assert response.url == path_of(invitation)
    assert 'value="accept"' in client.get(path_of(invitation)).content.decode()


def test_a_visitor_accepting_is_asked_to_log_in(client, invitation):
    response = client.post(path_of(invitation), {"action": "accept"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not invitation.organisation.memberships.filter(user__email=INVITED).exists()


def test_a_visitor_holding_the_link_may_decline(client, invitation):
    response = client.post(path_of(invitation), {"action": "decline"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "You declined the invitation to join Maple Harbour Trading." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.declined_at is not None


def test_the_invited_member_accepts(client, invitation):
    colleague = UserFactory(email=INVITED)
    client.force_login(colleague)
    response = client.post(path_of(invitation), {"action": "accept"})
    assert response.url == reverse("organisations:detail", args=[invitation.organisation.slug])
    assert invitation.organisation.memberships.filter(user=colleague, role="owner").exists()
    response = client.post(path_of(invitation), {"action": "accept"})
    assert response.status_code == 400  # used once only
    assert "already answered" in response.content.decode()


def test_a_second_verified_address_is_enough(client, invitation, member):
    EmailAddress.objects.create(user=member, email=INVITED.upper(), verified=True)
    client.force_login(member)
    client.post(path_of(invitation), {"action": "accept"})
    assert invitation.organisation.memberships.filter(user=member).exists()


def test_an_unverified_address_is_not_enough(client, invitation, member):
    EmailAddress.objects.create(user=member, email=INVITED, verified=False)
    client.force_login(member)
    assert client.post(path_of(invitation), {"action": "accept"}).status_code == 400
    assert not invitation.organisation.memberships.filter(user=member).exists()


def test_a_member_with_another_address_is_not_told_the_invited_one(client, invitation, member):
    client.force_login(member)
    page = client.get(path_of(invitation)).content.decode()
    assert "This invitation was sent to another email address." in page
    assert INVITED not in page
    response = client.post(path_of(invitation), {"action": "accept"})
    assert response.status_code == 400
    assert "Log in with that address to accept it." in response.content.decode()
    assert INVITED not in response.content.decode()
    assert not invitation.organisation.memberships.filter(user=member).exists()


def test_a_declined_invitation_can_no_longer_be_accepted(client, invitation):
    client.post(path_of(invitation), {"action": "decline"})
    client.force_login(UserFactory(email=INVITED))
    page = client.get(path_of(invitation)).content.decode()
    assert "This invitation was declined." in page
    assert 'value="accept"' not in page
    assert client.post(path_of(invitation), {"action": "accept"}).status_code == 400
    assert not invitation.organisation.memberships.filter(user__email=INVITED).exists()


def test_an_expired_invitation_can_be_neither_accepted_nor_declined(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    client.force_login(UserFactory(email=INVITED))
    assert "This invitation has expired." in client.get(path_of(invitation)).content.decode()
    assert client.post(path_of(invitation), {"action": "decline"}).status_code == 400
    assert client.post(path_of(invitation), {"action": "accept"}).status_code == 400


def test_an_unknown_token_is_not_found(client):
    assert client.get(reverse("members:accept_invitation", args=["nope"])).status_code == 404


def test_owners_see_a_declined_invitation_as_declined(client, invitation, owner):
    services.decline_invitation(invitation=invitation)
    client.force_login(owner)
    page = client.get(reverse("organisations:detail", args=[invitation.organisation.slug]))
    assert re.search(
        rf"{re.escape(INVITED)} · Owner · <strong>declined</strong>", page.content.decode()
    )


def test_inviting_again_replaces_a_declined_invitation(invitation, organisation, owner):
    services.decline_invitation(invitation=invitation)
    again = services.invite_member(organisation=organisation, email=INVITED, invited_by=owner)
    assert again.is_open
    assert list(organisation.invitations.all()) == [again]


# --- Services -------------------------------------------------------------------------------------


def test_an_invitation_is_answered_once(invitation):
    services.decline_invitation(invitation=invitation)
    with pytest.raises(ValidationError):
        services.decline_invitation(invitation=invitation)
    with pytest.raises(ValidationError):
        services.accept_invitation(invitation=invitation, user=UserFactory(email=INVITED))


def test_an_accepted_invitation_cannot_be_declined(invitation):
    services.accept_invitation(invitation=invitation, user=UserFactory(email=INVITED))
    with pytest.raises(ValidationError):
        services.decline_invitation(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.declined_at is None


# --- Offered where the member already is ----------------------------------------------------------


@pytest.fixture
def onboarded_colleague(db):
    colleague = UserFactory(email=INVITED, display_name="Chen Colleague")
    services.finish_onboarding(profile=colleague.profile)
    return colleague


def test_the_dashboard_offers_open_invitations_to_the_members_addresses(
    client, invitation, onboarded_colleague
):
    client.force_login(onboarded_colleague)
    page = client.get(reverse("members:dashboard")).content.decode()
    assert "Olivia Owner invites you to join Maple Harbour Trading as owner." in page
    assert f'action="{path_of(invitation)}"' in page
    client.post(path_of(invitation), {"action": "accept"})
    page = client.get(reverse("members:dashboard")).content.decode()
    assert "invites you to join" not in page  # answered: no longer offered


def test_onboarding_offers_open_invitations(client, invitation):
    client.force_login(UserFactory(email=INVITED))
    page = client.get(reverse("members:onboarding")).content.decode()
    assert "Olivia Owner invites you to join Maple Harbour Trading as owner." in page


@pytest.mark.parametrize(
    "change",
    [
        lambda invitation: services.decline_invitation(invitation=invitation),
        lambda invitation: Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        ),
        lambda invitation: EmailAddress.objects.filter(email=INVITED).update(verified=False),
    ],
    ids=["declined", "expired", "address not verified"],
)
def test_the_dashboard_offers_only_what_can_be_accepted(
    client, invitation, onboarded_colleague, change
):
    change(invitation)
    client.force_login(onboarded_colleague)
    assert "invites you to join" not in client.get(reverse("members:dashboard")).content.decode()


# --- Over SMTP, from the owner's form to the membership -------------------------------------------


def test_an_owner_invites_and_the_colleague_joins_from_the_mail(
    client, settings, smtp_inbox, organisation, owner, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:invite", args=[organisation.slug]),
            {"email": INVITED, "role": "member"},
        )
    [received] = smtp_inbox.messages
    assert received["To"] == INVITED
    text = received.get_body(("plain",)).get_content()
    path = re.search(r"http://127\.0\.0\.1:8000(/members/invitations/\S+/)", text).group(1)
    client.logout()
    page = client.get(path)
    response = sign_up(client, next_path=path)
    assert response.url == path
    assert len(smtp_inbox.messages) == 1  # no verification mail: the link proved the address
    assert page.status_code == 200
    response = client.post(path, {"action": "accept"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "organisations:detail", args=[organisation.slug]
    )
    assert "You joined Maple Harbour Trading." in response.content.decode()
