"""A professional joins, completes a profile, finds it in the directory, then sets up an SME."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.locators import field, heading

DISPLAY_NAME = "Zhao Min"
EMAIL = "zhao.min@example.com"
PASSWORD = "harbour-lights-2026!"
LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^/\s]+/")


def sign_up_and_confirm(journey, mailoutbox) -> Page:
    page = journey.goto("/accounts/signup/")
    field(page, "Display name").fill(DISPLAY_NAME)
    field(page, "Email").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    journey.step("signup")
    page.get_by_role("button", name="Sign up", exact=True).click()
    journey.step("verify-sent")
    journey.goto(urlsplit(LINK.search(mailoutbox[-1].body).group(0)).path)  # signs in too
    return page


def test_professional_completes_profile_finds_it_and_sets_up_an_sme(journey, mailoutbox):
    page = sign_up_and_confirm(journey, mailoutbox)

    expect(heading(page)).to_have_text("What brings you to KnowBridge?")
    page.get_by_label("I offer my expertise").check()
    page.get_by_label("I seek help for an SME").check()
    journey.step("onboarding-intents")
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("A few details")
    field(page, "Headline").fill("新能源汽车供应链顾问 · EV supply-chain adviser")
    page.get_by_label("Automotive").check()
    field(page, "City-region in Canada").select_option(label="Waterloo Region")
    field(page, "Areas of expertise").fill("电池回收, EV batteries")
    journey.step("onboarding-details")
    page.get_by_role("button", name="Finish").click()

    expect(heading(page)).to_have_text("Create an organisation")
    journey.step("create-organisation")
    field(page, "Name").fill("Grand River Batteries")
    page.get_by_label("Small or medium enterprise").check()
    page.get_by_label("Clean technology").check()
    page.get_by_role("button", name="Create").click()
    expect(heading(page)).to_contain_text("Grand River Batteries")
    journey.step("organisation")

    field(page, "Email address of the person to invite").fill("colleague@example.com")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was sent to colleague@example.com.")).to_be_visible()
    journey.step("invited")
    assert mailoutbox[-1].to == ["colleague@example.com"]
    assert "Grand River Batteries" in mailoutbox[-1].subject

    page.get_by_role("link", name="Directory").click()
    page.get_by_label("Keywords").fill("电池")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=DISPLAY_NAME)).to_be_visible()
    journey.step("found-by-chinese-keyword")

    page.get_by_role("link", name="Clear all filters").click()
    journey.step("directory")
    page.get_by_label("Automotive").check()
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"sector=automotive"))
    expect(page.get_by_role("link", name=DISPLAY_NAME)).to_be_visible()
    journey.step("found-by-sector")

    page.get_by_role("link", name=DISPLAY_NAME).click()
    expect(heading(page)).to_have_text(DISPLAY_NAME)
    expect(page.get_by_text("Grand River Batteries")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_have_count(0)
    journey.step("profile")
