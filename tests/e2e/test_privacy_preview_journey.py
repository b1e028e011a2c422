"""A member decides who sees what, then previews their profile as a signed-in member and as a
visitor sees it, and the preview matches what a real visitor gets."""

import re

from playwright.sync_api import expect

from members import services
from members.models import Country, Profile, Sector
from tests.members.factories import listed_member

EMPLOYER = "Maple Harbour Trading"


def test_member_previews_their_profile_as_a_member_and_as_a_visitor(journey, browser):
    profile = listed_member(
        "Sam Preview",
        listing=Profile.Listing.MEMBERS,
        headline="Cross-border supply chains",
        employer=EMPLOYER,
        country_of_origin=Country.objects.get(code="CN"),
        sectors=[Sector.objects.get(slug="ict-software")],
    )
    page = journey.log_in(profile.user.email)
    journey.step("dashboard")

    journey.goto("/members/profile/privacy/")
    page.get_by_label("Employer").select_option(label="Only me")
    page.get_by_label("Country of origin").select_option(label="Signed-in members")
    journey.step("privacy")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your privacy settings were saved.")).to_be_visible()

    page.get_by_role("link", name="See my profile as others do").click()
    expect(page.get_by_text("This is your profile as a logged-in member sees it.")).to_be_visible()
    expect(page.get_by_role("heading", name="Sam Preview")).to_be_visible()
    expect(page.get_by_text("Country of origin")).to_be_visible()
    expect(page.get_by_text(EMPLOYER)).to_have_count(0)
    journey.step("preview-as-member")

    page.get_by_role("link", name="As a visitor").click()
    expect(page.get_by_text("Visitors cannot open your profile")).to_be_visible()
    expect(page.get_by_text("Cross-border supply chains")).to_have_count(0)
    journey.step("preview-as-visitor-members-only")

    page.get_by_role("link", name="Back to my own view").click()
    expect(page.get_by_text(EMPLOYER)).to_be_visible()  # the member always sees it all
    journey.step("own-view")

    services.update_profile(profile=profile, listing=Profile.Listing.PUBLIC)
    page.goto(journey.url(f"/members/{profile.handle}/?as=visitor"))
    expect(page.get_by_text("This is your profile as a visitor")).to_be_visible()
    expect(page.get_by_text("Cross-border supply chains")).to_be_visible()
    expect(page.get_by_text("Country of origin")).to_have_count(0)
    expect(page.get_by_text(EMPLOYER)).to_have_count(0)
    journey.step("preview-as-visitor-public")
    preview_facts = page.locator("dl.facts").inner_text()

    visitor = browser.new_page()
    visitor.goto(journey.url(f"/members/{profile.handle}/"))
    expect(visitor.get_by_role("heading", name="Sam Preview")).to_be_visible()
    assert visitor.locator("dl.facts").inner_text() == preview_facts
    assert re.search(EMPLOYER, visitor.content()) is None
    visitor.close()
