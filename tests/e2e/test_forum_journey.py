"""Two members in the forums: one asks in Chinese with Markdown, the other answers mentioning
them, and the asker accepts the answer, which then shows right under the question."""

import re

from playwright.sync_api import expect

from members.models import Profile
from members.trust import TrustLevel
from tests.e2e.locators import field, heading
from tests.forums.factories import CategoryFactory
from tests.members.factories import UserFactory

TITLE = "在多伦多设立子公司的经验"
LONG_WORD = "Verwaltungsgesellschaftsvertragsunterzeichnungsbevollmächtigter" * 3
LONG_LINE = "curl -X POST https://example.org/" + "a" * 200
BODY = "我们计划明年在多伦多设立子公司。\n\n- 银行开户\n- 会计和税务\n\n**最重要**的是什么？"


def forum_member(name: str, email: str):
    user = UserFactory(
        display_name=name, email=email, onboarded=True, trust_level=TrustLevel.MEMBER
    )
    Profile.objects.filter(pk=user.pk).update(listing=Profile.Listing.MEMBERS)
    return Profile.objects.get(pk=user.pk)


def test_a_question_answered_mentioned_and_accepted(journey):
    CategoryFactory(name_en="Doing business in Canada", slug="business-in-canada")
    asker = forum_member("Li Wei", "li.wei@example.com")
    helper = forum_member("Sophie Tremblay", "sophie@example.com")

    page = journey.log_in(asker.user.email)
    journey.step("dashboard")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Forums").click()
    expect(heading(page)).to_have_text("Forums")
    journey.step("forum-index")
    page.get_by_role("link", name="Doing business in Canada").click()
    expect(heading(page)).to_have_text("Doing business in Canada")
    journey.step("category")

    page.get_by_role("link", name="New thread").click()
    expect(heading(page)).to_have_text("New thread in Doing business in Canada")
    field(page, "Title").fill(TITLE)
    field(page, "Text").fill(BODY)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview-area strong")).to_have_text("最重要")
    journey.step("new-thread")
    page.get_by_role("button", name="Start the thread").click()

    expect(heading(page)).to_have_text(TITLE)
    question = page.locator("#post-1")
    expect(question.locator("li")).to_have_text(["银行开户", "会计和税务"])
    expect(question.locator("strong")).to_have_text("最重要")
    journey.step("thread-started")
    thread_url = page.url

    page.context.clear_cookies()
    page = journey.log_in(helper.user.email)
    journey.step("dashboard-helper")
    journey.goto("/forums/latest/")
    journey.step("latest")
    page.get_by_role("link", name=TITLE).click()
    expect(heading(page)).to_have_text(TITLE)
    journey.step("thread-as-helper")
    helpful = page.locator("#post-1").get_by_role("button", name="Helpful")
    helpful.click()  # swapped in place by htmx: the page stays where it is
    expect(helpful).to_have_attribute("aria-pressed", "true")
    expect(helpful).to_contain_text("1")
    page.locator("#post-1").get_by_role("link", name="Quote").click()
    expect(field(page, "Text")).to_have_value(re.compile(r"^> 我们计划明年在多伦多设立子公司。"))
    reply = field(page, "Text")
    reply.fill(
        reply.input_value()
        + f"@{asker.handle} 建议先开银行账户，**RBC** 和 TD 都有新移民方案。\n\n"
        + f"{LONG_WORD}\n\n```\n{LONG_LINE}\n```"
    )
    page.get_by_role("button", name="Reply", exact=True).click()
    answer = page.locator("#post-2")
    expect(answer.locator("blockquote")).to_contain_text("我们计划明年在多伦多设立子公司。")
    expect(answer.get_by_role("link", name="in reply to an earlier post")).to_be_visible()
    expect(answer.get_by_role("link", name="@Li Wei")).to_be_visible()
    expect(answer.locator("strong")).to_have_text("RBC")
    journey.step("replied")

    page.context.clear_cookies()
    page = journey.log_in(asker.user.email)
    journey.step("dashboard-again")
    journey.goto(thread_url.removeprefix(journey.base_url))
    journey.step("thread-with-answer")
    page.locator("#post-2").get_by_role("button", name="Accept as the answer").click()
    accepted = page.get_by_role("complementary", name="Accepted answer")
    expect(accepted).to_contain_text("建议先开银行账户")
    expect(accepted.get_by_role("link", name="Sophie Tremblay")).to_be_visible()
    expect(page.locator("#post-2").get_by_role("button", name="Accepted answer")).to_have_attribute(
        "aria-pressed", "true"
    )
    journey.step("answer-accepted")
    accepted.get_by_role("link", name="Go to the answer in the thread").click()
    expect(page.locator("#post-2")).to_be_in_viewport()
    journey.step("answer-in-place")

    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in (
        ("thread-on-a-phone", thread_url.removeprefix(journey.base_url)),
        ("latest-on-a-phone", "/forums/latest/"),
        ("index-on-a-phone", "/forums/"),
    ):
        journey.goto(path)
        widest = page.evaluate("document.documentElement.scrollWidth")
        assert widest <= 390, f"{path} scrolls sideways on a phone ({widest} px wide)"
        journey.step(name)
