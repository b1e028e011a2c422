"""A new administrator sets up an authenticator app, keeps the recovery codes, and lands on the
staff home, not in a member's onboarding; logging in again asks for a code and leads there too."""

import re
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth.models import Group
from playwright.sync_api import Locator, Page, expect

from tests.e2e.locators import heading
from tests.members.factories import PASSWORD, UserFactory

SAFETY_S = 5  # time a browser may take between reading the code and sending it


def current_code(secret: str) -> str:
    """The authenticator's code, taken in a period with a few seconds left: a code read as its
    period ends reaches the server in the next one, where it is refused ("Incorrect code")."""
    period = mfa_settings.TOTP_PERIOD
    while period - time.time() % period < SAFETY_S:
        time.sleep(0.2)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def staff_member_logs_in(journey, display_name: str, group: str) -> Page:
    """A member of the staff ``group``, with an authenticator app set up, logs in with a code
    and lands on the staff home."""
    member = UserFactory(display_name=display_name, is_staff=True)
    member.groups.add(Group.objects.get(name=group))
    secret = generate_totp_secret()
    TOTP.activate(member, secret)
    page = journey.log_in(member.email)
    journey.step("two-factor")
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(journey.url("/members/staff/"))
    journey.step("staff-home")
    return page


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()


def gap_between(left: Locator, right: Locator) -> float:
    left_box, right_box = left.bounding_box(), right.bounding_box()
    return right_box["x"] - (left_box["x"] + left_box["width"])


def test_administrator_sets_up_two_factor_authentication_and_reaches_the_staff_home(
    journey, transactional_db
):
    admin = UserFactory(display_name="Ada Admin", is_staff=True, is_superuser=True)
    admin.groups.add(Group.objects.get(name="Administrators"))
    page = journey.goto("/accounts/login/")
    journey.step("login")
    log_in(page, admin.email)

    expect(page.get_by_text("Staff accounts need two-factor authentication.")).to_be_visible()
    journey.step("confirm-access")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(heading(page)).to_have_text("Activate Authenticator App")
    secret = page.get_by_label("Authenticator secret").input_value()
    expect(page.get_by_role("img", name=secret)).to_be_visible()  # the QR code
    journey.step("activate")
    page.get_by_label("Authenticator code").fill(current_code(secret))
    page.get_by_role("button", name="Activate").click()

    expect(heading(page)).to_have_text("Recovery Codes")
    download = page.get_by_role("link", name="Download codes")
    generate = page.get_by_role("link", name="Generate new codes")
    way_on = page.get_by_role("link", name="Continue")
    assert gap_between(download, generate) >= 8, "the buttons stand apart"
    assert gap_between(generate, way_on) >= 8
    recovery_code = page.get_by_label("Unused codes").input_value().split()[0]
    journey.step("recovery-codes")
    way_on.click()

    expect(heading(page)).to_have_text("Welcome, Ada Admin")
    expect(page.get_by_text("Administrators", exact=True)).to_be_visible()
    expect(page.get_by_text("What brings you to KnowBridge?")).to_have_count(0)
    journey.step("staff-home")
    page.get_by_role("link", name="Administration").last.click()
    expect(page.get_by_role("link", name="Members", exact=True).last).to_be_visible()
    journey.step("admin")

    journey.goto("/accounts/logout/")
    journey.step("logout")
    page.get_by_role("button", name="Log out", exact=True).click()
    journey.step("logged-out")
    page.get_by_role("link", name="Log in", exact=True).click()
    log_in(page, admin.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    journey.step("two-factor")
    page.get_by_label("Code").fill(recovery_code)  # the phone is elsewhere today
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(journey.url("/members/staff/"))
    expect(heading(page)).to_have_text("Welcome, Ada Admin")
    journey.step("staff-home-again")
