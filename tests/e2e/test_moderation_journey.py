"""A member flags a post; a moderator logs in with their authenticator app, finds it in the queue
with the flag's reason, hides it with a reason; the author is told why, still reads their post,
and other members see only that it is hidden."""

import re

from playwright.sync_api import expect

from members.trust import TrustLevel
from tests.e2e.locators import field, heading
from tests.e2e.test_messages_journey import log_out, open_menu_link
from tests.e2e.test_staff_mfa_journey import staff_member_logs_in
from tests.forums.factories import PostFactory, ThreadFactory
from tests.members.factories import UserFactory

SPAM = "Guaranteed visas in a week, write to me privately"
READER, AUTHOR, MODERATOR = "Chen Yu", "Victor Spammer", "Mona Moderator"


def test_a_flagged_post_is_hidden_by_a_moderator_and_its_author_is_told(journey):
    reader = UserFactory(display_name=READER, onboarded=True, trust_level=TrustLevel.MEMBER)
    author = UserFactory(display_name=AUTHOR, onboarded=True)
    thread = ThreadFactory(title="Opening a business account in Vancouver")
    PostFactory(thread=thread, author=author, body=SPAM, html=f"<p>{SPAM}</p>")

    page = journey.log_in(reader.email)
    journey.step("reader-dashboard")
    journey.goto(f"/forums/t/{thread.pk}/")
    journey.step("thread")
    page.locator("#post-2").get_by_role("link", name="Flag").click()
    expect(heading(page)).to_have_text("Flag for the moderators")
    journey.step("flag-form")
    page.get_by_label("Spam").check()
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()
    journey.step("flagged")
    log_out(journey, READER)

    page = staff_member_logs_in(journey, MODERATOR, "Moderators")
    open_menu_link(page, MODERATOR, "Moderation queue")
    expect(heading(page)).to_have_text("Moderation queue")
    expect(page.get_by_text("Spam × 1")).to_be_visible()
    journey.step("queue")
    page.get_by_role("link", name=re.compile("Opening a business account")).click()
    expect(page.get_by_role("region", name="What it says now")).to_contain_text(SPAM)
    journey.step("case")
    page.get_by_label("Hide", exact=True).check()
    field(page, "Reason (kept in the audit log; the author reads it when told)").fill(
        "Selling visas breaks rule 3"
    )
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Done: the decision is in the audit log.")).to_be_visible()
    journey.step("decided")
    log_out(journey, MODERATOR)

    page = journey.log_in(author.email)
    journey.step("author-dashboard")
    page.get_by_role("navigation", name="Account").get_by_role(
        "link", name=re.compile(r"^Notifications")
    ).click()
    decision = page.get_by_role("button", name=re.compile("Selling visas breaks rule 3"))
    expect(decision).to_be_visible()
    journey.step("author-notifications")
    decision.click()
    expect(page.get_by_text("The moderators hid this post")).to_be_visible()
    expect(page.get_by_text(SPAM)).to_be_visible()
    journey.step("author-reads-hidden-post")
    log_out(journey, AUTHOR)

    journey.goto(f"/forums/t/{thread.pk}/")
    expect(page.get_by_text("This post is hidden while the moderators review it.")).to_be_visible()
    expect(page.get_by_text(SPAM)).to_have_count(0)
    journey.step("visitor-sees-it-hidden")
