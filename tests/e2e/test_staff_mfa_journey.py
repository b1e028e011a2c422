"""A new administrator must set up an authenticator app before reaching the admin."""

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from tests.members.factories import PASSWORD, UserFactory


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_administrator_sets_up_two_factor_authentication(journey, transactional_db):
    admin = UserFactory(display_name="Ada Admin", is_staff=True, is_superuser=True)
    page = journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    journey.step("login")
    page.get_by_role("button", name="Sign In").click()

    journey.goto("/admin/")
    expect(page.get_by_text("Staff accounts need two-factor authentication.")).to_be_visible()
    journey.step("confirm-access")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.get_by_label("Authenticator secret").input_value()
    expect(page.get_by_role("img", name=secret)).to_be_visible()  # the QR code
    journey.step("activate")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()
    journey.step("activated")

    journey.goto("/admin/")
    expect(page.get_by_role("link", name="Members", exact=True).last).to_be_visible()
    journey.step("admin")
