"""A visitor joins KnowBridge: signs up, confirms the e-mail address with one click on the link in
the mail (which signs them in), reads the site in Chinese and logs out."""

import re
from urllib.parse import urlsplit

from django.utils import translation
from playwright.sync_api import expect

from tests.e2e.locators import field, heading

DISPLAY_NAME = "Mei Chen"
EMAIL = "mei.chen@example.com"
PASSWORD = "maple-harbour-2026!"
CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^/\s]+/")


def in_chinese(message: str) -> str:
    """What the site shows for ``message`` in Simplified Chinese (English where untranslated)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_visitor_signs_up_confirms_in_one_click_reads_chinese_and_logs_out(journey, mailoutbox):
    page = journey.goto("/")
    expect(heading(page)).to_have_text("Knowledge travels through people.")
    journey.step("home")

    page.get_by_role("link", name="Sign up", exact=True).click()
    expect(heading(page)).to_have_text("Sign up")
    field(page, "Display name").fill(DISPLAY_NAME)
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    journey.step("signup")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(heading(page)).to_have_text("Verify Your Email Address")
    expect(page.get_by_text("We have sent an email to you for verification")).to_be_visible()
    journey.step("verify-sent")

    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We sent you a link a moment ago.")).to_be_visible()
    journey.step("resend-too-soon")

    assert [message.to for message in mailoutbox] == [[EMAIL]]
    link = CONFIRMATION_LINK.search(mailoutbox[0].body).group(0)
    assert link.startswith(journey.base_url)
    journey.goto(urlsplit(link).path)  # one click: confirmed and signed in, no form on the way
    expect(heading(page)).to_have_text("What brings you to KnowBridge?")
    expect(page.get_by_text(f"You have confirmed {EMAIL}.")).to_be_visible()
    assert not [url for url in journey.visited if "/accounts/login/" in url]
    journey.step("onboarding")
    journey.goto("/")
    expect(page.get_by_text(f"Welcome back, {DISPLAY_NAME}.")).to_be_visible()
    journey.step("welcome")

    chinese = translation.get_language_info("zh-hans")["name_local"]
    page.get_by_label("Language").select_option(label=chinese)
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    chinese_heading = in_chinese("Knowledge travels through people.")
    assert chinese_heading != "Knowledge travels through people.", "the catalog is compiled"
    expect(heading(page)).to_have_text(chinese_heading)
    journey.step("home-zh")

    account = page.get_by_role("navigation", name=in_chinese("Account"))
    account.locator("summary", has_text=DISPLAY_NAME).click()
    account.get_by_role("link", name=in_chinese("Log out")).click()
    sign_out = in_chinese("Sign Out")
    assert sign_out != "Sign Out", "the catalog carries allauth's strings"
    expect(heading(page)).to_have_text(sign_out)
    journey.step("logout")
    page.get_by_role("button", name=sign_out).click()

    expect(page).to_have_url(journey.url("/"))
    expect(page.get_by_role("link", name=in_chinese("Log in"), exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    journey.step("logged-out")
