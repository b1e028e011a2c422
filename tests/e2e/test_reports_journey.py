"""An administrator logs in with their authenticator app, opens the reports, picks March 2026,
reads the funnel and the knowledge network, and downloads a table as CSV: the file holds what
the page shows."""

import csv
import io
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.locators import field, heading
from tests.e2e.test_messages_journey import open_menu_link
from tests.e2e.test_staff_mfa_journey import staff_member_logs_in
from tests.reports.factories import build_world

ADMINISTRATOR = "Alma Administrator"


def test_an_administrator_picks_a_range_and_downloads_a_table(journey):
    build_world()
    page = staff_member_logs_in(journey, ADMINISTRATOR, "Administrators")
    open_menu_link(page, ADMINISTRATOR, "Reports")
    expect(heading(page)).to_have_text("Reports")
    journey.step("dashboard-default")
    field(page, "From").fill("2026-03-01")
    field(page, "To").fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Figures from March 1, 2026 to March 31, 2026")).to_be_visible()
    funnel = page.locator("#table-requests-funnel")
    expect(funnel.get_by_role("row", name="Posted 4 100.0%")).to_be_visible()
    expect(funnel.get_by_role("img")).to_be_visible()
    network = page.locator("#table-network-edges")
    expect(network.get_by_role("row", name="Waterloo Region Suzhou 1 1 1")).to_be_visible()
    journey.step("dashboard-march")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download “From request to resolution” (CSV)").click()
    download = waiting.value
    assert download.suggested_filename == ("knowbridge-requests-funnel-2026-03-01-2026-03-31.csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert rows == [
        ["key", "Stage", "Requests", "Share (%)"],
        ["posted", "Posted", "4", "100.0"],
        ["matched", "Matched (an invitation or an offer)", "3", "75.0"],
        ["engaged", "Engaged (one was accepted)", "2", "50.0"],
        ["resolved", "Resolved", "1", "25.0"],
    ]
