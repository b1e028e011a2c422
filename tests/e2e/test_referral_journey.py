"""A facilitator finds an SME's request among the requests for them and refers it to an expert
with a note; the expert hears of it and offers help; the SME accepts and resolves the request;
the facilitator's ledger shows the referral helped; a month later the SME answers the follow-up."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from matchmaking import services
from matchmaking.models import FollowUp
from members.models import Organisation
from members.trust import TrustLevel
from tests.e2e.locators import field, heading
from tests.e2e.test_messages_journey import log_out, open_menu_link
from tests.e2e.test_notifications_journey import bell
from tests.matchmaking.factories import expert, published, sector, sme_member
from tests.members.factories import MembershipFactory

FACILITATOR = "Olivia Brown"
EXPERT = "Wang Fang"
SME_OWNER = "Marie Tremblay"
TITLE = "Selling brake parts to an Ontario assembler"
NOTE = "Wang Fang audited three plants for Magna."


def test_a_facilitator_refers_a_request_and_follows_how_it_ended(journey):
    owner, sme = sme_member(display_name=SME_OWNER, onboarded=True)
    request = published(owner, sme, title=TITLE, sectors=[sector("automotive")])
    olivia = expert(FACILITATOR, sectors=[sector("automotive")]).user
    MembershipFactory(
        user=olivia,
        organisation__name="Ottawa Asia Trade Office",
        organisation__kind=Organisation.Kind.PUBLIC_FACILITATOR,
    )
    wang = expert(EXPERT, advice_topics=["supplier audits"], sectors=[sector("automotive")]).user
    wang.trust_level = TrustLevel.MEMBER
    wang.save()

    page = journey.log_in(olivia.email)
    journey.step("facilitator-dashboard")
    open_menu_link(page, FACILITATOR, "Requests for you")
    expect(page.locator(".request-row")).to_contain_text(TITLE)
    journey.step("requests-for-the-facilitator")
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_have_text(TITLE)
    field(page, "Refer to").fill(journey.url(f"/members/{wang.profile.handle}/"))
    field(page, "Note").fill(NOTE)
    journey.step("refer")
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_text("Referred: they and the SME have been told.")).to_be_visible()
    open_menu_link(page, FACILITATOR, "My referrals")
    expect(page.locator(".request-row")).to_contain_text("No engagement yet")
    journey.step("ledger-waiting")
    log_out(journey, FACILITATOR)

    page = journey.log_in(wang.email)
    bell(page).click()
    journey.step("expert-notifications")
    page.get_by_role("button", name=re.compile(f"{FACILITATOR} thinks you could help")).click()
    expect(heading(page)).to_have_text(TITLE)
    field(page, "A word for them").fill("Happy to help: I know their supplier portal.")
    page.get_by_role("button", name="Offer to help").click()
    expect(page.get_by_text("Offer sent")).to_be_visible()
    journey.step("expert-offers")
    log_out(journey, EXPERT)

    page = journey.log_in(owner.email)
    open_menu_link(page, SME_OWNER, "My help requests")
    journey.step("my-requests")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text(NOTE)).to_be_visible()
    journey.step("sme-sees-referral")
    page.get_by_role("region", name="Invitations and offers").get_by_role(
        "link", name=EXPERT
    ).click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted: the work can start.")).to_be_visible()
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.locator(".status").first).to_have_text("Resolved")
    log_out(journey, SME_OWNER)

    page = journey.log_in(olivia.email)
    open_menu_link(page, FACILITATOR, "My referrals")
    expect(page.locator(".request-row")).to_contain_text("Helped: the engagement was completed")
    journey.step("ledger-helped")
    log_out(journey, FACILITATOR)

    FollowUp.objects.filter(after_days=30).update(due_at=timezone.now() - timedelta(minutes=1))
    services.ask_follow_ups()
    page = journey.log_in(owner.email)
    bell(page).click()
    journey.step("sme-notifications")
    page.get_by_role("button", name=re.compile("What did your SME do with the help")).click()
    page.get_by_role("group", name="What the SME did with the help").get_by_label(
        "We put it to use"
    ).check()
    field(page, "What changed").fill("We passed the assembler's supplier audit.")
    journey.step("follow-up")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Thank you: it helps us help the next SME.")).to_be_visible()
    expect(page.locator("body")).to_contain_text("We put it to use")
    journey.step("follow-up-answered")
    assert request.engagements.get().follow_ups.get(after_days=30).story.startswith("We passed")
