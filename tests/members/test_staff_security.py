import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.members.factories import PASSWORD, UserFactory, with_authenticator

pytestmark = pytest.mark.django_db


def log_in(client, user):
    """A real password log-in: allauth asks to re-authenticate after a bare force_login."""
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_staff_must_set_up_an_authenticator_before_working(client, staff_member):
    log_in(client, staff_member)
    for path in ("/", "/admin/", reverse("members:api_token")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp")

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})

    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_may_work(client, staff_member):
    TOTP.activate(staff_member, generate_totp_secret())
    client.force_login(staff_member)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_members_may_use_the_site_without_mfa_but_may_set_it_up(client, member):
    log_in(client, member)
    assert client.get(reverse("members:api_token")).status_code == 200
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_log_in_asks_for_the_authenticator_code(client, staff_member):
    TOTP.activate(staff_member, generate_totp_secret())
    response = client.post(
        reverse("account_login"), {"login": staff_member.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert not client.get("/").context["user"].is_authenticated


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_members_who_are_not_staff_cannot_open_the_admin(client, member):
    client.force_login(member)
    assert client.get("/admin/login/").status_code == 403
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),  # sent to the site's log-in
        ("member", 302),  # not staff: sent to the admin log-in, which refuses them
        ("moderator", 403),  # staff, but no permission on members
        ("administrator", 200),
    ],
)
def test_who_may_list_members_in_the_admin(client, role, expected):
    users = {
        "member": lambda: UserFactory(),
        "moderator": lambda: with_authenticator(UserFactory(is_staff=True)),
        "administrator": lambda: with_authenticator(UserFactory(is_staff=True, is_superuser=True)),
    }
    if role in users:
        client.force_login(users[role]())
    assert client.get("/admin/members/user/").status_code == expected


def test_the_admin_member_list_never_shows_passwords(client):
    admin = with_authenticator(UserFactory(is_staff=True, is_superuser=True))
    quiet = UserFactory(email="quiet.member@example.org")
    client.force_login(admin)
    page = client.get("/admin/members/user/").content.decode()
    assert "quiet.member@example.org" in page
    algorithm = quiet.password.partition("$")[0]
    assert f"{algorithm}$" not in page
