"""An Editor logs in with their authenticator app, reviews an update imported from a feed and
publishes it from their desk, writes one of their own and publishes it; a visitor then finds both
in the public list, narrows it by sector, reads one and finds the Atom feed."""

from playwright.sync_api import Page, expect

from tests.e2e.locators import field, heading
from tests.e2e.test_messages_journey import log_out, open_menu_link
from tests.e2e.test_staff_mfa_journey import staff_member_logs_in
from tests.economy.factories import imported, sector

EDITOR = "Eddie Editor"
IMPORTED = "Suzhou lowers land prices for battery makers"
WRITTEN = "Shenzhen halves registration fees for foreign start-ups"


def editor_at_their_desk(journey) -> Page:
    """Eddie, an Editor, logs in with his authenticator app and opens the Editor's desk."""
    page = staff_member_logs_in(journey, EDITOR, "Editors")
    open_menu_link(page, EDITOR, "Editor's desk")
    expect(heading(page)).to_have_text("Editor's desk")
    journey.step("desk")
    return page


def test_an_editor_reviews_an_import_writes_an_update_and_readers_find_both(journey):
    imported(title=IMPORTED, sectors=[sector("mining-energy")], summary="Land for new plants.")
    page = editor_at_their_desk(journey)

    page.get_by_role("link", name="Imported, to review (1)").click()
    journey.step("desk-review")
    page.get_by_role("link", name=IMPORTED).click()
    expect(heading(page)).to_have_text(IMPORTED)
    journey.step("imported-update")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()
    journey.step("imported-published")

    page.get_by_role("link", name="Editor's desk").first.click()
    page.get_by_role("link", name="Write an update").click()
    journey.step("new-update")
    field(page, "Title").fill(WRITTEN)
    field(page, "Summary").fill("Foreign-invested start-ups pay half from next month.")
    field(page, "Body").fill("- Fees halved\n- One-window filing")
    page.get_by_label(sector("automotive").name).check()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved. Publish it when it is ready.")).to_be_visible()
    journey.step("draft")
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published.", exact=True)).to_be_visible()
    journey.step("published")
    log_out(journey, EDITOR)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Economy updates").click()
    expect(page.locator(".update-row")).to_have_count(2)
    journey.step("public-list")
    page.get_by_label("Sector").select_option(label=sector("automotive").name)
    page.get_by_label("Search").fill("registration")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".update-row")).to_have_count(1)
    journey.step("filtered-list")
    page.get_by_role("link", name=WRITTEN).click()
    expect(heading(page)).to_have_text(WRITTEN)
    expect(page.locator(".update-body li")).to_have_count(2)
    journey.step("update-page")
    feed = journey.page.request.get(journey.url("/economy/feed/?sector=automotive"))
    assert feed.ok
    assert WRITTEN in feed.text()
    assert IMPORTED not in feed.text()
