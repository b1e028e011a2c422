"""An expert follows the dashboard's next step to the experience page, adds a language, two
corridors and a designation in one save, saves again with a blank row, deletes a row, and reads it
all on their profile."""

import re

from playwright.sync_api import Page, expect

from members import services
from members.models import Sector
from tests.e2e.locators import field
from tests.members.factories import UserFactory

SAVED = "Your experience was saved."


def expert_without_corridors():
    user = UserFactory(display_name="Lin Yue")
    profile = user.profile
    services.choose_intents(
        profile=profile, offers_expertise=True, seeks_help=False, represents_facilitator=False
    )
    services.update_profile(
        profile=profile,
        headline="Cross-border payments adviser",
        sectors=[Sector.objects.get(slug="finance-banking")],
        expertise=["payments"],
        advice_topics=["market entry"],
    )
    services.finish_onboarding(profile=profile)
    return user


def add_row(page: Page, section: str, index: int):
    """Press the section's "Add a row" and return the new row, checking it came without a reload."""
    page.evaluate("window.sameDocument = true")
    page.locator(f"#{section}").get_by_role("button", name="Add a row").click()
    row = page.locator(f"#{section}-{index}")
    expect(row).to_be_visible()
    expect(row.locator("select, input").first).to_be_focused()
    assert page.evaluate("window.sameDocument") is True, "the row was added without a round trip"
    return row


def fill_corridor(row, china: str, canada: str, sector: str):
    field(row, "City-region in China").select_option(label=china)
    field(row, "City-region in Canada").select_option(label=canada)
    field(row, "Sector").select_option(label=sector)


def test_expert_adds_several_rows_in_one_save_then_deletes_one(journey):
    page = journey.log_in(expert_without_corridors().email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Lin Yue")
    journey.step("dashboard")

    page.get_by_role("link", name="Add a corridor you have worked in").click()
    expect(page).to_have_url(re.compile(r"/members/profile/experience/#corridors$"))
    expect(page.locator("#corridors")).to_be_in_viewport()
    journey.step("experience")

    language = page.locator("#languages-0")
    field(language, "Language").select_option(label="Mandarin")
    expect(field(language, "Level")).to_have_value("professional")
    field(language, "Level").select_option(label="Native or bilingual")
    fill_corridor(page.locator("#corridors-0"), "Shenzhen", "Toronto", "Finance and banking")
    fill_corridor(add_row(page, "corridors", 1), "Shanghai", "Vancouver", "ICT and software")
    designation = page.locator("#designations-0")
    field(designation, "Designation").fill("Chartered Financial Analyst")
    field(designation, "Jurisdiction").fill("CFA Institute")
    journey.step("experience-filled")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text(SAVED)).to_be_visible()
    journey.step("experience-saved")

    add_row(page, "languages", 2)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    journey.step("saved-with-a-blank-row")

    corridors = page.locator("#corridors .entry")
    expect(corridors).to_have_count(3)
    shanghai = corridors.filter(has=page.locator("option[selected]", has_text="Shanghai"))
    field(shanghai, "Delete").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    journey.step("deleted-a-corridor")

    page.get_by_role("link", name="See my profile as others do").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lin Yue")
    expect(page.get_by_text("Mandarin (Native or bilingual)")).to_be_visible()
    expect(page.get_by_text("Shenzhen ↔ Toronto · Finance and banking")).to_be_visible()
    expect(page.get_by_text("Shanghai ↔ Vancouver")).to_have_count(0)
    expect(page.get_by_text("Chartered Financial Analyst (CFA Institute)")).to_be_visible()
    journey.step("profile")


def test_a_bad_row_keeps_everything_typed_and_says_what_is_wrong(journey):
    page = journey.log_in(expert_without_corridors().email)
    journey.step("dashboard")
    page.get_by_role("link", name="Experience and languages").click()
    corridor = page.locator("#corridors-0")
    field(corridor, "City-region in China").select_option(label="Chengdu")
    field(corridor, "City-region in Canada").select_option(label="Calgary")
    link = add_row(page, "links", 1)
    field(page.locator("#links-0"), "Label").fill("Blog")
    field(page.locator("#links-0"), "Address").fill("blog.example.com/成都")
    field(link, "Label").fill("Talk")
    journey.step("experience-filled")
    page.get_by_role("button", name="Save", exact=True).click()

    corridor = page.locator("#corridors-0")
    expect(corridor.get_by_text("This field is required.")).to_be_visible()
    expect(field(corridor, "Sector")).to_have_attribute("aria-invalid", "true")
    expect(field(corridor, "City-region in Canada")).to_have_value(
        page.locator("#corridors-0 option", has_text="Calgary").get_attribute("value")
    )
    expect(page.locator("#links-1").get_by_text("This field is required.")).to_be_visible()
    expect(field(page.locator("#links-1"), "Label")).to_have_value("Talk")
    expect(field(page.locator("#links-0"), "Address")).to_have_value("blog.example.com/成都")
    journey.step("experience-errors")
