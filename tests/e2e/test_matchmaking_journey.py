"""An SME posts a help request in Chinese, sees a ranked expert with the reasons, invites them;
the expert accepts, they exchange messages (the expert attaches a PDF, which the SME downloads),
the SME marks the request resolved and both give feedback."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from members.trust import TrustLevel
from tests.conversations import attachment_files
from tests.e2e.locators import field, heading
from tests.e2e.test_messages_journey import log_out, open_menu_link
from tests.matchmaking.factories import expert, sector, sme_member

SME_OWNER = "Zhang Wei"
EXPERT = "Wang Fang"
TITLE = "寻找供应链审核专家"


def test_an_sme_finds_an_expert_works_with_them_and_both_give_feedback(journey):
    owner, sme = sme_member(display_name=SME_OWNER, trust_level=TrustLevel.MEMBER, onboarded=True)
    wang = expert(
        EXPERT,
        advice_topics=["供应链审核"],
        sectors=[sector("automotive")],
        languages=["cmn"],
        years_experience=12,
    ).user
    wang.trust_level = TrustLevel.MEMBER
    wang.save()
    expert("Sam Other", sectors=[sector("tourism")])  # fits nothing: never proposed

    page = journey.log_in(owner.email)
    journey.step("sme-dashboard")
    open_menu_link(page, SME_OWNER, "My help requests")
    expect(heading(page)).to_have_text("My help requests")
    journey.step("my-requests")
    page.get_by_role("link", name=f"New help request for {sme.name}").click()
    field(page, "Title").fill(TITLE)
    field(page, "What the SME needs").fill(
        "我们是苏州的刹车片制造商，需要供应链审核，以便向安大略的整车厂供货。请问认证需要多久？"
    )
    field(page, "Deliverable expected").fill("审核清单和时间表")
    field(page, "Kind of help").select_option(label="Market-entry guidance")
    field(page, "Size").select_option(label="A one-hour session")
    deadline = timezone.localdate() + timezone.timedelta(days=20)
    field(page, "Deadline").fill(deadline.isoformat())
    page.get_by_role("group", name="Sectors").get_by_label("Automotive").check()
    journey.step("new-request")
    page.get_by_role("button", name="Save the draft").click()
    expect(heading(page)).to_have_text(TITLE)
    expect(page.get_by_text("Everything an expert needs to decide is there.")).to_be_visible()
    journey.step("draft")
    page.get_by_role("button", name="Publish").click()

    matches = page.locator(".match")
    expect(matches).to_have_count(1)
    expect(matches.first).to_contain_text(EXPERT)
    expect(matches.first).to_contain_text("willing to advise on 供应链审核")
    expect(matches.first).to_contain_text("works in Automotive")
    expect(matches.first).to_contain_text("12 years of experience")
    journey.step("ranked-experts")
    matches.first.locator("summary", has_text="Add a word").click()
    field(matches.first, "A word for them").fill("您好，可以帮我们看看审核计划吗？")
    matches.first.get_by_role("button", name=f"Invite {EXPERT}").click()
    expect(page.get_by_text(f"{EXPERT} is invited")).to_be_visible()
    journey.step("invited")
    log_out(journey, SME_OWNER)

    page = journey.log_in(wang.email)
    journey.step("expert-dashboard")
    open_menu_link(page, EXPERT, "My engagements")
    journey.step("my-engagements")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("可以帮我们看看审核计划吗？")).to_be_visible()
    journey.step("invitation")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted: the work can start.")).to_be_visible()
    page.get_by_role("link", name="Open the conversation").click()
    field(page, "Message").fill("当然可以。请把工厂的 IATF 16949 证书发给我。附上审核清单。")
    field(page, "Attach files").set_input_files(
        [{"name": "审核清单.pdf", "mimeType": "application/pdf", "buffer": attachment_files.pdf()}]
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message-body", has_text="IATF 16949")).to_be_visible()
    expect(page.get_by_role("link", name="审核清单.pdf")).to_be_visible()
    journey.step("expert-writes")
    log_out(journey, EXPERT)

    page = journey.log_in(owner.email)
    journey.step("sme-back")
    open_menu_link(page, SME_OWNER, "Messages")
    journey.step("sme-inbox")
    page.locator(".conversation-item.unread").get_by_role("link").click()
    expect(page.locator(".message-body", has_text="IATF 16949")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="审核清单.pdf").click()
    assert download.value.suggested_filename == "审核清单.pdf"
    assert Path(download.value.path()).read_bytes() == attachment_files.pdf()
    field(page, "Message").fill("好的，今天发给您。")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".message-body", has_text="今天发给您")).to_be_visible()
    journey.step("sme-answers")
    open_menu_link(page, SME_OWNER, "My help requests")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".status").first).to_have_text("In progress")
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.locator(".status").first).to_have_text("Resolved")
    journey.step("resolved")
    page.get_by_role("link", name=EXPERT).click()
    page.get_by_role("group", name="Rating").get_by_label("5").check()
    page.get_by_role("group", name="Private score").get_by_label("4").check()
    field(page, "Comment").fill("专业、及时。")
    page.get_by_role("button", name="Send the feedback").click()
    expect(page.get_by_text("Thank you: your feedback is recorded.")).to_be_visible()
    journey.step("sme-feedback")
    log_out(journey, SME_OWNER)

    page = journey.log_in(wang.email)
    journey.step("expert-back")
    open_menu_link(page, EXPERT, "My engagements")
    journey.step("my-engagements-after")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".feedback")).to_contain_text("专业、及时。")
    page.get_by_role("group", name="Rating").get_by_label("5").check()
    page.get_by_role("group", name="Private score").get_by_label("5").check()
    field(page, "What came of it").fill("The SME passed the assembler's audit.")
    page.get_by_role("button", name="Send the feedback").click()
    expect(page.locator(".feedback")).to_have_count(2)
    journey.step("expert-feedback")
