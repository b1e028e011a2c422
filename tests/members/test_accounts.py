import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from members.models import User
from tests.config.test_settings import manage
from tests.members.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "maple-harbour-2026!"


def sign_up(client, follow=False, **overrides):
    data = {
        "display_name": "Amélie Gagnon",
        "email": "amelie@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post(reverse("account_signup"), data, follow=follow)


def log_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+/)", message.body).group(1)


def without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.fixture
def smtp_mail(settings, smtp_inbox):
    """Mail sent by the request straight to a real SMTP server (no task queue in between)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    return smtp_inbox


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


def test_one_click_on_the_mail_link_confirms_and_signs_in(client):
    sign_up(client)
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert EmailAddress.objects.get(email="amelie@example.org").verified
    assert response.wsgi_request.user.display_name == "Amélie Gagnon"
    assert response.redirect_chain[-1][0] == reverse("members:onboarding")
    assert "You have confirmed amelie@example.org." in response.content.decode()


def test_the_link_opened_in_another_browser_confirms_then_asks_to_log_in(client):
    sign_up(client)
    other_browser = Client()
    response = other_browser.get(link_in(mail.outbox[0]), follow=True)
    assert EmailAddress.objects.get(email="amelie@example.org").verified
    assert not response.wsgi_request.user.is_authenticated
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    page = response.content.decode()
    assert "You have confirmed amelie@example.org." in page
    assert "Log in with your password to continue." in page
    assert 'value="amelie@example.org"' in page  # the address is filled in
    response = log_in(other_browser, "amelie@example.org", NEW_PASSWORD)
    assert response.url == reverse("members:dashboard")


def test_a_used_link_signs_no_one_in(client):
    sign_up(client)
    link = link_in(mail.outbox[0])
    client.get(link)
    stranger = Client()
    response = stranger.get(link)
    assert response.status_code == 200
    assert "This link has expired or was already used." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_link_with_a_forged_key_confirms_nothing(client):
    sign_up(client)
    response = client.get("/accounts/confirm-email/MQ:forged:key/")
    assert response.status_code == 200
    assert "This link has expired or was already used." in response.content.decode()
    assert not EmailAddress.objects.get(email="amelie@example.org").verified


def test_the_verify_page_sends_the_link_again_within_allauths_rate_limit(client):
    response = sign_up(client, follow=True)
    assert 'action="/members/account/verification-mail/"' in response.content.decode()
    response = client.post(reverse("members:resend_verification_mail"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "We sent you a link a moment ago." in response.content.decode()
    assert len(mail.outbox) == 1
    cache.clear()  # the cool-down of allauth's "confirm_email" rate limit has passed
    response = client.post(reverse("members:resend_verification_mail"), follow=True)
    assert "Confirmation email sent to amelie@example.org." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["amelie@example.org"]] * 2
    client.get(link_in(mail.outbox[1]))  # the newest link signs in too
    assert client.get("/").context["user"].is_authenticated


def test_resending_after_the_address_was_confirmed_elsewhere_asks_to_log_in(client):
    sign_up(client)
    Client().get(link_in(mail.outbox[0]))  # another browser, or a mail scanner
    cache.clear()
    response = client.post(reverse("members:resend_verification_mail"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert "Your address is already confirmed. Log in to continue." in response.content.decode()
    assert len(mail.outbox) == 1


def test_resending_without_a_sign_up_in_this_browser_asks_to_log_in(client):
    UserFactory(verified_email=False)
    response = client.post(reverse("members:resend_verification_mail"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "Log in, and we will send you a new link." in response.content.decode()
    assert mail.outbox == []


def test_password_reset_by_mail(client, smtp_mail):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    [message] = smtp_mail.messages
    assert message["To"] == user.email
    assert message.get_body(("html",)) is not None, "reset mail has an HTML part"
    text = message.get_body(("plain",)).get_content()
    response = client.get(re.search(r"http://testserver(/\S+/)", text).group(1), follow=True)
    form_path = response.redirect_chain[-1][0]
    client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert log_in(client, user.email, PASSWORD).status_code == 200  # old password refused
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_address_mails_no_one_and_says_the_same(client, smtp_mail):
    known = UserFactory()
    answers = []
    for email in (known.email, "stranger@example.org"):
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        answers.append((response.redirect_chain, without_csrf(response.content.decode())))
    assert answers[0] == answers[1]
    assert [message["To"] for message in smtp_mail.messages] == [known.email]


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


# --- Client addresses behind a proxy --------------------------------------------------------------


def fail_to_log_in(client, attempt: int, forwarded_for: str):
    return client.post(
        reverse("account_login"),
        {"login": f"guess{attempt}@example.org", "password": "wrong-password-123"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def locked_out(response) -> bool:
    return "Too many failed login attempts" in response.content.decode()


@pytest.fixture
def three_failures_per_address(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/m/ip"}


def test_behind_the_proxy_each_client_address_has_its_own_log_in_limit(
    client, settings, three_failures_per_address
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for attempt in range(3):
        assert not locked_out(fail_to_log_in(client, attempt, "203.0.113.5"))
    assert locked_out(fail_to_log_in(client, 3, "203.0.113.5"))
    # what a client writes before the address the proxy appends does not make it someone else
    assert locked_out(fail_to_log_in(client, 4, "198.51.100.7, 203.0.113.5"))
    assert not locked_out(fail_to_log_in(client, 5, "198.51.100.7"))


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_limit(
    client, settings, three_failures_per_address
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    for attempt in range(3):
        assert not locked_out(fail_to_log_in(client, attempt, f"198.51.100.{attempt}"))
    assert locked_out(fail_to_log_in(client, 3, "203.0.113.99"))


@pytest.mark.parametrize(
    ("environment", "trusted_proxies"),
    [
        ({}, "0"),
        ({"BEHIND_TLS_PROXY": "true"}, "1"),
        ({"BEHIND_TLS_PROXY": "true", "TRUSTED_PROXY_COUNT": "2"}, "2"),
    ],
)
def test_trusted_proxies_follow_behind_tls_proxy(monkeypatch, environment, trusted_proxies):
    monkeypatch.delenv("BEHIND_TLS_PROXY", raising=False)
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = manage("shell", "--no-imports", "--command", code, **environment)
    assert result.stdout.strip() == trusted_proxies, result.stderr


# --- Staff ----------------------------------------------------------------------------------------


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def in_group(user, name: str):
    user.groups.add(Group.objects.get(name=name))
    return user


def test_staff_logging_in_with_their_authenticator_land_on_the_staff_home(client):
    staff = UserFactory(is_staff=True)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    response = log_in(client, staff.email)
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.url == reverse("members:staff_home")
    page = client.get(response.url).content.decode()
    assert 'href="/admin/"' in page


def test_staff_in_a_group_but_not_django_staff_land_on_the_staff_home(client, member):
    in_group(member, "Moderators")
    assert log_in(client, member.email).url == reverse("members:staff_home")
    page = client.get(reverse("members:staff_home")).content.decode()
    assert "Moderators" in page
    assert 'href="/admin/"' not in page  # the admin is for Django staff only


def test_members_still_start_with_onboarding(client, member):
    assert log_in(client, member.email).url == reverse("members:dashboard")
    assert client.get(reverse("members:dashboard")).url == reverse("members:onboarding")


def test_staff_are_not_sent_into_onboarding(client, member):
    client.force_login(in_group(member, "Editors"))
    assert client.get(reverse("members:dashboard")).url == reverse("members:staff_home")


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("member", 403), ("editor", 200), ("django staff", 200)],
)
def test_who_may_open_the_staff_home(client, role, status):
    users = {
        "member": lambda: UserFactory(),
        "editor": lambda: in_group(UserFactory(), "Editors"),
        "django staff": lambda: with_authenticator(UserFactory(is_staff=True)),
    }
    if role in users:
        client.force_login(users[role]())
    assert client.get(reverse("members:staff_home")).status_code == status


def with_authenticator(user):
    TOTP.activate(user, generate_totp_secret())
    return user
