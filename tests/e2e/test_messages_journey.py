"""Two members talk privately: one finds the other in the directory and writes from the profile;
the other sees it unread in their messages, answers, and the first reads the answer."""

import pytest
from playwright.sync_api import Page, expect

from conversations import services
from members.trust import TrustLevel
from tests.conversations.factories import add_message, conversation
from tests.e2e.locators import field, heading
from tests.e2e.test_mobile_layout import (
    CHINESE,
    DISPLAY_NAME,
    HEIGHT,
    LONG_URL,
    LONG_WORD,
    WIDTH,
    check,
)
from tests.members.factories import UserFactory

WRITER = "Lin Yue"
READER = "Marc Gagnon"


def log_out(journey, name: str) -> None:
    page = journey.page
    account = page.get_by_role("navigation", name="Account")
    account.locator("summary", has_text=name).click()
    account.get_by_role("link", name="Log out").click()
    journey.step("logout")
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(journey.url("/"))
    journey.step("logged-out")


def open_menu_link(page: Page, name: str, link: str) -> None:
    account = page.get_by_role("navigation", name="Account")
    account.locator("summary", has_text=name).click()
    account.get_by_role("link", name=link).click()


def test_a_member_writes_to_another_found_in_the_directory(journey):
    writer = UserFactory(display_name=WRITER, onboarded=True, trust_level=TrustLevel.MEMBER)
    reader = UserFactory(display_name=READER, onboarded=True, trust_level=TrustLevel.MEMBER)

    page = journey.log_in(writer.email)
    journey.step("dashboard")
    journey.goto("/directory/")
    journey.step("directory-start")
    field(page, "Keywords").fill("Gagnon")
    page.get_by_role("button", name="Search").click()
    journey.step("directory")
    page.get_by_role("link", name=READER, exact=True).click()
    expect(heading(page)).to_have_text(READER)
    journey.step("profile")

    page.get_by_role("link", name="Write a message").click()
    expect(heading(page)).to_have_text("New message")
    expect(field(page, "To")).to_have_value(reader.profile.handle)
    field(page, "Subject").fill("Battery suppliers in Suzhou")
    field(page, "Message").fill("Hello Marc, could we talk about **cell suppliers**?")
    journey.step("new-message")
    page.get_by_role("button", name="Send").click()
    expect(heading(page)).to_have_text("Battery suppliers in Suzhou")
    expect(page.locator(".message-body strong")).to_have_text("cell suppliers")
    journey.step("sent")
    log_out(journey, WRITER)

    page = journey.log_in(reader.email)
    journey.step("reader-dashboard")
    open_menu_link(page, READER, "Messages")
    expect(heading(page)).to_have_text("Messages")
    unread = page.locator(".conversation-item.unread")
    expect(unread).to_contain_text(WRITER)
    expect(unread).to_contain_text("1 unread message")
    journey.step("inbox-unread")
    unread.get_by_role("link").click()
    expect(page.get_by_text("could we talk about")).to_be_visible()
    journey.step("conversation")
    field(page, "Message").fill("Of course, Lin. Tuesday at 10?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Tuesday at 10?")).to_be_visible()
    journey.step("answered")
    log_out(journey, READER)

    page = journey.log_in(writer.email)
    journey.step("writer-back")
    journey.goto("/messages/")
    expect(page.locator(".conversation-item.unread")).to_contain_text(READER)
    journey.step("writer-inbox")
    page.locator(".conversation-item.unread").get_by_role("link").click()
    expect(page.get_by_text("Tuesday at 10?")).to_be_visible()
    journey.step("writer-reads-answer")


@pytest.mark.browser_context_args(viewport={"width": WIDTH, "height": HEIGHT})
def test_messages_pages_fit_a_phone(journey):
    me = UserFactory(display_name=DISPLAY_NAME, onboarded=True, trust_level=TrustLevel.MEMBER)
    other = UserFactory(display_name=LONG_WORD[:80], onboarded=True)
    chat = conversation(other, me, subject=CHINESE[:120], messages=0)
    for body in (LONG_WORD, CHINESE, LONG_URL, f"```\n{LONG_URL}\n```"):
        add_message(chat, other, body)
    services.block_member(member=me, blocked=UserFactory(display_name=LONG_WORD[:80]))

    page = journey.log_in(me.email)
    check(journey, "dashboard")
    for name, path in (
        ("inbox", "/messages/"),
        ("conversation", f"/messages/{chat.pk}/"),
        ("new", f"/messages/new/?to={other.profile.handle}"),
        ("settings", "/messages/settings/"),
    ):
        journey.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(journey, name)
