import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from members.models import User
from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "maple-harbour-2026!"


def sign_up(client, **overrides):
    data = {
        "display_name": "Amélie Gagnon",
        "email": "amelie@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


def test_sign_up_sends_a_multipart_verification_mail(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    [message] = mail.outbox
    assert message.to == ["amelie@example.org"]
    assert message.subject.startswith("[KnowBridge]")
    assert "Hello Amélie Gagnon," in message.body
    assert "/accounts/confirm-email/" in link_in(message)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert link_in(message) in html
    user = User.objects.get(email="amelie@example.org")
    assert user.display_name == "Amélie Gagnon"
    assert not client.get(reverse("members:api_token")).wsgi_request.user.is_authenticated


def test_sign_up_remembers_the_language_it_was_made_in(client):
    client.cookies["django_language"] = "fr"
    sign_up(client)
    assert User.objects.get(email="amelie@example.org").language == "fr"
    assert mail.outbox[0].body.startswith("Bonjour Amélie Gagnon,")


def test_short_password_is_refused_and_nothing_typed_is_lost(client):
    response = sign_up(client, password1="short-pass", password2="short-pass")
    assert response.status_code == 200
    form = response.context["form"]
    assert "at least 12 characters" in " ".join(form.errors["password1"])
    html = response.content.decode()
    assert 'value="amelie@example.org"' in html
    assert 'value="Amélie Gagnon"' in html
    assert not User.objects.exists()


def test_a_taken_address_cannot_sign_up_twice(client):
    UserFactory(email="amelie@example.org")
    sign_up(client)
    assert User.objects.filter(email__iexact="amelie@example.org").count() == 1


def test_unverified_member_cannot_log_in(client):
    user = UserFactory(verified_email=False)
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    response = client.get(reverse("members:api_token"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_verification_link_confirms_the_address_and_allows_log_in(client):
    sign_up(client)
    confirm_path = link_in(mail.outbox[0])
    assert client.get(confirm_path).status_code == 200  # a page with a button: GET changes nothing
    assert not EmailAddress.objects.get(email="amelie@example.org").verified
    client.post(confirm_path)
    assert EmailAddress.objects.get(email="amelie@example.org").verified
    response = log_in(client, "amelie@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get("/").context["user"].display_name == "Amélie Gagnon"


def test_password_reset_by_mail(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.alternatives, "reset mail has an HTML part"
    response = client.get(link_in(message), follow=True)
    form_path = response.redirect_chain[-1][0]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert log_in(client, user.email, PASSWORD).status_code == 200  # old password refused
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        response = log_in(client, user.email, "wrong-password-123")
        assert "Too many" not in response.content.decode()
    response = log_in(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()


def test_log_out_needs_a_post(client, member):
    client.force_login(member)
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get("/").context["user"].is_authenticated
    client.post(reverse("account_logout"))
    assert not client.get("/").context["user"].is_authenticated


def test_staff_role_groups_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Moderators",
        "Administrators",
    }


def test_members_manage_their_addresses(client, member):
    client.force_login(member)
    client.post(reverse("account_email"), {"action_add": "", "email": "second@example.org"})
    assert EmailAddress.objects.filter(user=member, email="second@example.org").exists()
    assert mail.outbox[-1].to == ["second@example.org"]


def test_sign_ups_from_one_address_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    responses = [sign_up(client, email=f"person{n}@example.org") for n in range(3)]
    assert [response.status_code for response in responses] == [302, 302, 429]
    assert "Too many attempts" in responses[-1].content.decode()
    assert User.objects.count() == 2
