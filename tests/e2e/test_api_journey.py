"""A member who programs creates an API token and reads the interactive API documentation."""

from playwright.sync_api import expect

from members.services import finish_onboarding
from tests.members.factories import PASSWORD, UserFactory


def test_member_creates_a_token_and_reads_the_api_docs(journey, transactional_db):
    member = UserFactory(display_name="Rahul Verma")
    finish_onboarding(profile=member.profile)
    page = journey.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    journey.step("login")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome, Rahul Verma")).to_be_visible()
    journey.step("dashboard")

    page.get_by_role("navigation", name="Account").locator("summary").click()
    page.get_by_role("link", name="API token").click()
    expect(page.get_by_text("You have no API token.")).to_be_visible()
    journey.step("no-token")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("Your new token").input_value()
    assert len(token) == 40
    journey.step("new-token")

    page.get_by_role("link", name="Read the API documentation").click()
    # Swagger UI reads the whole schema first: seconds on a loaded two-core machine.
    expect(page.get_by_role("heading", name="KnowBridge API")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/account/").first).to_be_visible()
    # Swagger UI nests its copy and expand buttons inside each operation's header button.
    journey.step("api-docs", third_party=(".opblock-summary-control",))
