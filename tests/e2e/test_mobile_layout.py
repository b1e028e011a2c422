"""Every page on a phone 390 px wide: nothing scrolls sideways, even with long unbroken words,
Chinese text and long addresses, and the directories show their first result on the first screen,
with their filters folded away behind a "Filters" disclosure (the economy updates show theirs
there too)."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from digests import services as digest_services
from digests.access import unsubscribe_token, view_token
from digests.models import Delivery, Subscription
from economy.models import Indicator, IndicatorValue
from forums.models import ReadPosition
from matchmaking import services as matchmaking_services
from matchmaking.models import FollowUp
from members import services
from members.models import Organisation, Sector
from notifications.services import notify
from tests.conversations.factories import add_message, conversation
from tests.digests.conftest import reader
from tests.digests.factories import make_due
from tests.digests.factories import update as digest_update
from tests.e2e.locators import field, heading
from tests.e2e.test_staff_mfa_journey import current_code
from tests.economy import factories as economy_factories
from tests.forums.factories import CategoryFactory, PostFactory, TagFactory, ThreadFactory
from tests.matchmaking import factories as matchmaking_factories
from tests.matchmaking.factories import ready_fields
from tests.members.factories import PASSWORD, MembershipFactory, UserFactory, listed_member
from tests.reports.factories import build_world

WIDTH, HEIGHT = 390, 844
pytestmark = pytest.mark.browser_context_args(viewport={"width": WIDTH, "height": HEIGHT})

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
CHINESE = "在深圳和多伦多之间从事跨境供应链金融与新能源汽车电池回收的咨询工作已有十五年之久"
LONG_URL = "https://example.com/" + "a-long-path-segment-without-any-break/" * 4 + "?q=" + "x" * 80
DISPLAY_NAME = "Lu Xun"

CUT_OFF = """() => [...document.querySelectorAll("body *:not(.skip-link)")]
  .filter((element) => {
    const box = element.getBoundingClientRect();
    return box.width > 1 && (box.right > window.innerWidth + 0.5 || box.left < -0.5);
  })
  .map((element) => `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}`
    + `${typeof element.className === "string" && element.className.trim()
        ? "." + element.className.trim().split(/\\s+/).join(".") : ""}`
    + ` (${Math.round(element.getBoundingClientRect().left)} to `
    + `${Math.round(element.getBoundingClientRect().right)} px)`)
  .slice(0, 12)"""


def check(journey, name: str, **step) -> None:
    """A journey step that also fails when the page is wider than the phone's screen or shows
    something past either edge (e.g. a menu cut off)."""
    page = journey.page
    page.wait_for_load_state()
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, (
        f"{name} ({page.url}) scrolls sideways: {scroll_width} px wide on a {inner_width} px "
        f"screen; past the edge: {page.evaluate(CUT_OFF)}"
    )
    assert page.evaluate(CUT_OFF) == [], f"{name} ({page.url}) is cut off at an edge"
    journey.step(name, **step)


def check_api_docs(journey, name: str) -> None:
    expect(journey.page.get_by_text("/api/v1/account/").first).to_be_visible()
    # Swagger UI nests its copy and expand buttons inside each operation's header button.
    check(journey, name, third_party=(".opblock-summary-control",))


def first_result_on_first_screen(page: Page, results: str = ".results .result h2") -> None:
    # Measured as the visitor sees it: with the page's own stylesheet, which a click's
    # navigation may still be loading when the rows are already in the DOM.
    page.wait_for_load_state()
    first = page.locator(results).first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= HEIGHT, f"the first result starts at {box['y']:.0f} px"


def people_with_long_words():
    sector = Sector.objects.get(slug="clean-technology")
    for number in range(6):
        listed_member(f"Member {number}", headline=f"Adviser {number}", sectors=[sector])
    profile = listed_member(
        DISPLAY_NAME,
        headline=f"{LONG_WORD} {CHINESE}",
        bio=f"{CHINESE}\n\n{LONG_WORD}\n\n{LONG_URL}\n\n<{LONG_URL}>",
        current_role=LONG_WORD,
        employer=CHINESE,
        sectors=[sector],
        expertise=[LONG_WORD[:60], CHINESE[:30]],
        advice_topics=[CHINESE[:40]],
    )
    services.set_designations(profile=profile, entries=[(LONG_WORD[:80], CHINESE[:40])])
    services.set_links(profile=profile, entries=[(LONG_WORD[:60], LONG_URL[:300])])
    organisation = services.create_organisation(
        creator=profile.user,
        name=f"{CHINESE[:20]} {LONG_WORD[:40]}",
        kind=Organisation.Kind.SME,
        description=f"{CHINESE}\n\n{LONG_WORD}\n\n{LONG_URL}",
        website=LONG_URL[:300],
        sectors=[sector],
    )
    for number in range(6):
        services.create_organisation(
            creator=UserFactory(), name=f"Harbour Works {number}", kind=Organisation.Kind.SME
        )
    return profile, organisation


def talk_with_long_words(profile):
    """A forum category, thread and replies, a conversation and a notification, all with long
    unbroken words, Chinese and long addresses; the thread bookmarked and partly read."""
    category = CategoryFactory(slug="long-words", name_en=f"{LONG_WORD[:60]} {CHINESE[:20]}")
    thread = ThreadFactory(
        category=category,
        author=profile.user,
        title=f"{LONG_WORD[:80]} {CHINESE[:30]}",
        tags=[TagFactory(name=LONG_WORD[:40].lower()), TagFactory(name=CHINESE[:20])],
        body=f"{CHINESE}\n\n{LONG_WORD}\n\n{LONG_URL}",
    )
    other = UserFactory(onboarded=True, display_name=LONG_WORD[:70])
    for number in range(3):
        PostFactory(thread=thread, author=other, body=f"{LONG_URL} {CHINESE} {number}")
    ReadPosition.objects.create(member=profile.user, thread=thread, last_read=1)
    chat = conversation(profile.user, other, subject=f"{LONG_WORD[:80]} {CHINESE[:20]}")
    add_message(chat, other, f"{LONG_WORD} {CHINESE} {LONG_URL}")
    notify(
        recipients=[profile.user],
        kind="forums.reply",
        actor=other,
        subject=thread.title,
        url=reverse("forums:thread", args=[thread.pk]),
        target=thread,
    )
    return category, thread, chat


def request_with_long_words(profile, organisation):
    """A published help request of the member's SME, its text and scope in long words."""
    return matchmaking_services.publish_request(
        request=matchmaking_services.create_request(
            author=profile.user,
            organisation=organisation,
            **ready_fields(
                title=f"{LONG_WORD[:80]} {CHINESE[:30]}",
                description=f"{CHINESE}\n\n{LONG_WORD}\n\n{LONG_URL}",
                deliverable=f"{LONG_WORD} {LONG_URL}",
                in_scope=CHINESE * 3,
                sensitive=True,
            ),
        ),
        actor=profile.user,
    )


def referral_and_follow_up(profile, organisation):
    """The member refers another SME's request for a facilitator organisation, with a note in
    long words; their own SME's other request was completed with an expert and its 30-day
    follow-up is due. Returns the follow-up."""
    MembershipFactory(
        user=profile.user,
        organisation__name=f"{LONG_WORD[:60]} {CHINESE[:10]}",
        organisation__kind=Organisation.Kind.PUBLIC_FACILITATOR,
    )
    helper = matchmaking_factories.expert(
        f"{LONG_WORD[:40]}", advice_topics=["supplier audits"], sectors=[automotive()]
    ).user
    other = matchmaking_factories.published(title=f"{LONG_WORD[:80]} {CHINESE[:30]}")
    matchmaking_services.refer(
        request=other,
        referred_by=profile.user,
        member=helper,
        note=f"{LONG_WORD} {LONG_URL} {CHINESE}",
    )
    own = matchmaking_factories.published(profile.user, organisation, title=LONG_WORD[:80])
    invitation = matchmaking_services.invite_expert(request=own, expert=helper, actor=profile.user)
    matchmaking_services.accept(engagement=invitation, actor=helper)
    matchmaking_services.complete_engagement(engagement=invitation, actor=profile.user)
    FollowUp.objects.filter(after_days=30).update(due_at=timezone.now())
    matchmaking_services.ask_follow_ups()
    return FollowUp.objects.get(after_days=30)


def automotive():
    return Sector.objects.get(slug="automotive")


def log_in(journey, user) -> Page:
    page = journey.goto(reverse("account_login"))
    field(page, "Email").fill(user.email)
    field(page, "Password").fill(PASSWORD)
    check(journey, "login")
    page.get_by_role("button", name="Log in", exact=True).click()
    return page


def filters_are_folded(page: Page) -> None:
    expect(page.get_by_role("group", name="Sectors")).to_be_hidden()
    expect(page.get_by_label("Keywords")).to_be_visible()
    first_result_on_first_screen(page)


def unfold_filters(page: Page) -> None:
    page.locator("summary", has_text="Filters").click()
    expect(page.get_by_role("group", name="Sectors")).to_be_visible()


def test_every_page_fits_a_phone(journey):
    profile, organisation = people_with_long_words()
    category, thread, chat = talk_with_long_words(profile)
    help_request = request_with_long_words(profile, organisation)
    follow_up = referral_and_follow_up(profile, organisation)

    page = journey.goto("/")
    check(journey, "home")

    page.get_by_role("link", name="Directory").click()
    filters_are_folded(page)
    check(journey, "member-directory")
    unfold_filters(page)
    check(journey, "member-directory-filters")
    page.get_by_role("group", name="Sectors").get_by_label(re.compile("Clean technology")).check()
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile("sector=clean-technology"))
    filters_are_folded(page)
    check(journey, "member-directory-filtered")
    page.get_by_role("link", name=DISPLAY_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DISPLAY_NAME)
    check(journey, "profile-with-long-words")

    page.get_by_role("link", name="Directory").click()
    page.get_by_role("link", name="Looking for an organisation instead?").click()
    filters_are_folded(page)
    check(journey, "organisation-directory")
    unfold_filters(page)
    check(journey, "organisation-directory-filters")
    page.get_by_role("link", name=organisation.name).click()
    check(journey, "organisation-with-long-words")

    for name, path in [
        ("signup", reverse("account_signup")),
        ("password-reset", reverse("account_reset_password")),
    ]:
        journey.goto(path)
        check(journey, name)

    log_in(journey, profile.user)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {DISPLAY_NAME}")
    check(journey, "dashboard")
    account = page.get_by_role("navigation", name="Account")
    account.locator("summary").click()
    expect(account.get_by_role("link", name="My profile")).to_be_visible()
    check(journey, "account-menu")
    account.get_by_role("link", name="My profile").click()
    expect(page.get_by_text(LONG_URL[:40]).first).to_be_visible()
    check(journey, "own-profile")
    page.get_by_role("link", name=organisation.name).click()
    expect(page.get_by_role("button", name="Send invitation")).to_be_visible()
    check(journey, "own-organisation")
    page.get_by_role("link", name="Edit", exact=True).click()
    check(journey, "organisation-edit")
    for name, path in [
        ("profile-edit", reverse("members:profile_edit")),
        ("experience", reverse("members:profile_experience")),
        ("photo", reverse("members:profile_photo")),
        ("privacy", reverse("members:profile_privacy")),
        ("account-data", reverse("members:account_data")),
        ("api-token", reverse("members:api_token")),
        ("email", reverse("account_email")),
        ("password-change", reverse("account_change_password")),
        ("two-factor", reverse("mfa_index")),
        ("organisation-create", reverse("organisations:create")),
        ("forums", reverse("forums:index")),
        ("forums-latest", reverse("forums:latest")),
        ("forum-category", reverse("forums:category", args=[category.slug])),
        ("forum-thread", reverse("forums:thread", args=[thread.pk])),
        ("forum-search", reverse("forums:search") + f"?q={CHINESE[:4]}"),
        ("forum-unread", reverse("forums:unread")),
        ("forum-bookmarks", reverse("forums:bookmarks")),
        ("forum-new-thread", reverse("forums:new_thread")),
        ("my-help-requests", reverse("matchmaking:my_requests")),
        ("new-help-request", reverse("matchmaking:new_request", args=[organisation.slug])),
        ("help-request", help_request.get_absolute_url()),
        ("help-request-edit", reverse("matchmaking:edit_request", args=[help_request.pk])),
        ("requests-for-you", reverse("matchmaking:for_you")),
        ("my-engagements", reverse("matchmaking:my_engagements")),
        ("ask-for-help", reverse("matchmaking:ask", args=[profile.handle])),
        ("my-referrals", reverse("matchmaking:referrals")),
        ("engagement", follow_up.engagement.get_absolute_url()),
        ("follow-up", follow_up.get_absolute_url()),
        ("messages", reverse("conversations:inbox")),
        ("conversation", reverse("conversations:detail", args=[chat.pk])),
        ("new-message", reverse("conversations:new")),
        ("messaging-settings", reverse("conversations:settings")),
        ("notifications", reverse("notifications:list")),
        ("notification-settings", reverse("notifications:settings")),
    ]:
        response = journey.page.goto(journey.url(path))
        assert response.ok, f"{name}: {path} answered {response.status}"
        check(journey, name)
    journey.goto(reverse("api-docs"))
    check_api_docs(journey, "api-docs")


EDITOR = "Eddie Editor"
MEMBER = "Li Wei"
LONG_TITLE = f"{LONG_WORD[:80]} {CHINESE[:30]}"
INDICATOR = f"{LONG_WORD[:70]} {CHINESE[:20]}"
# An update's Markdown: a long word, Chinese, a long address, a table wider than a phone and a
# code block with a long line.
UPDATE_BODY = f"""{CHINESE}

{LONG_WORD}

<{LONG_URL}>

| {LONG_WORD[:30]} | 2024 | 2025 | {CHINESE[:6]} | Source |
| --- | ---: | ---: | --- | --- |
| {CHINESE[:20]} | 1,234.5 | 2,345.6 | +90.0% | {LONG_URL} |
| {LONG_WORD} | 12.5 | 13.1 | +4.8% | {LONG_URL[:80]} |

```
{LONG_URL} {LONG_WORD}
    {CHINESE}
```
"""


def staff_log_in(journey, user, secret: str) -> Page:
    """Staff log in with their authenticator app, as editor_at_their_desk does, every page
    checked on the phone."""
    page = log_in(journey, user)
    check(journey, "two-factor")
    page.get_by_label("Code").fill(current_code(secret))
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(journey.url(reverse("members:staff_home")))
    check(journey, "staff-home")
    return page


def staff_with_authenticator(**fields):
    """Staff with the authenticator app set up, and its secret to type the codes from."""
    user = UserFactory(is_staff=True, **fields)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def long_indicator(**fields) -> Indicator:
    """An indicator whose name and unit do not fit a phone's line."""
    return Indicator.objects.create(
        slug="long-words",
        name_en=INDICATOR,
        name_fr=INDICATOR,
        name_zh_hans=CHINESE[:40],
        unit="CNY per 100 kWh",
        **fields,
    )


def economy_with_long_words():
    """An Editor; published updates, the newest with a long title, a long source link (its
    own name) and Markdown with a long word, a table and a code block; an import with a long
    feed name waiting for review; an indicator with a long name, unit and source link, and a
    year of values for its chart. Returns the Editor and their authenticator's secret."""
    eddie, secret = staff_with_authenticator(display_name=EDITOR)
    eddie.groups.add(Group.objects.get(name="Editors"))
    sectors = [automotive(), Sector.objects.get(slug="clean-technology")]
    regions = [economy_factories.region("shenzhen"), economy_factories.region("toronto")]
    for number in range(4):
        economy_factories.published(
            eddie,
            at=timezone.now() - timedelta(days=number + 1),
            title=f"Update {number}: {CHINESE[:12]}",
            sectors=sectors,
        )
    economy_factories.published(
        eddie,
        title=LONG_TITLE,
        summary=f"{LONG_WORD} {CHINESE} {LONG_URL}",
        body=UPDATE_BODY,
        source_name="",
        source_url=LONG_URL,
        sectors=sectors,
        city_regions=regions,
    )
    economy_factories.published(
        eddie,
        at=timezone.now() - timedelta(days=9),
        title=CHINESE,
        summary=CHINESE * 3,
        source_name=LONG_WORD,
        language="zh-hans",
        sectors=sectors,
        city_regions=regions,
    )
    economy_factories.imported(
        economy_factories.feed(name=f"{LONG_WORD} {CHINESE[:20]}"),
        title=LONG_TITLE,
        summary=f"{LONG_URL} {CHINESE}",
    )
    economy_factories.draft(eddie, title=f"{CHINESE[:20]} {LONG_WORD[:60]}", summary=LONG_WORD)
    indicator = long_indicator(source_url=LONG_URL)
    indicator.sectors.set(sectors)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            date=date(2024, 1, 1) + timedelta(days=7 * week),
            value=Decimal("123456.5") + Decimal(week % 9) * 1000,
        )
        for week in range(52)
    )
    pmi = Indicator.objects.create(
        slug="pmi", name_en="Manufacturing PMI", name_fr="PMI", name_zh_hans="采购经理指数"
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=pmi, date=date(2024, month, 1), value=Decimal("49.5") + month)
        for month in range(1, 13)
    )
    return eddie, secret


def updates_first(page: Page) -> None:
    """The economy updates, like the directories, fold their filters (but the search) away."""
    expect(page.get_by_label("Sector")).to_be_hidden()
    expect(page.get_by_label("Search")).to_be_visible()
    first_result_on_first_screen(page, ".update-list .update-row h2")


def test_economy_pages_fit_a_phone(journey):
    eddie, secret = economy_with_long_words()

    page = journey.goto("/")
    check(journey, "home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Economy updates").click()
    expect(page.locator(".update-row")).to_have_count(6)
    updates_first(page)
    check(journey, "economy-updates")
    page.locator("summary", has_text="Filters").click()
    expect(page.get_by_label("Sector")).to_be_visible()
    check(journey, "economy-updates-filters")
    page.get_by_label("Sector").select_option(label=automotive().name)
    page.get_by_label("City-region").select_option(label="Shenzhen")
    page.get_by_label("Search").fill("深圳")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".update-row")).to_have_count(2)
    updates_first(page)
    check(journey, "economy-updates-filtered")
    page.get_by_role("link", name=LONG_TITLE).click()
    expect(heading(page)).to_have_text(LONG_TITLE)
    expect(page.locator(".update-body table")).to_be_visible()
    expect(page.locator(".update-body pre")).to_be_visible()
    expect(page.get_by_role("link", name=LONG_URL).first).to_be_visible()
    check(journey, "economy-update")

    journey.goto(reverse("economy:indicators"))
    chart = page.get_by_role("img", name=f"{INDICATOR}: recent values")
    expect(chart).to_be_visible()
    check(journey, "indicators")
    page.get_by_role("link", name=INDICATOR).click()
    expect(heading(page)).to_have_text(INDICATOR)
    expect(chart).to_be_visible()
    check(journey, "indicator")

    staff_log_in(journey, eddie, secret)
    account = page.get_by_role("navigation", name="Account")
    account.locator("summary", has_text=EDITOR).click()
    expect(account.get_by_role("link", name="Editor's desk")).to_be_visible()
    check(journey, "editor-menu")
    account.get_by_role("link", name="Editor's desk").click()
    expect(heading(page)).to_have_text("Editor's desk")
    check(journey, "economy-desk")
    page.get_by_role("link", name="Imported, to review (1)").click()
    expect(page.get_by_role("link", name=LONG_TITLE)).to_be_visible()
    check(journey, "economy-desk-review")
    page.get_by_role("link", name=LONG_TITLE).click()
    expect(page.get_by_role("button", name="Approve and publish")).to_be_visible()
    check(journey, "economy-import")
    journey.goto(reverse("economy:new"))
    expect(heading(page)).to_have_text("Write an update")
    check(journey, "economy-new-update")
    field(page, "Title").fill(LONG_TITLE)
    field(page, "Summary").fill(f"{LONG_WORD} {CHINESE}")
    field(page, "Body").fill(UPDATE_BODY)
    page.get_by_label(automotive().name).check()
    page.get_by_label("Source link").fill(LONG_URL)
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Draft saved. Publish it when it is ready.")).to_be_visible()
    check(journey, "economy-draft")
    page.get_by_role("link", name="Edit", exact=True).click()
    check(journey, "economy-edit-update")


def digests_with_long_words():
    """A member following automotive in Toronto and an indicator with a long name; enough
    updates with long titles, summaries and sources for a digest; the staff's delivery log with
    a member of a long name whose digest failed with a long error."""
    li = reader(display_name=MEMBER, onboarded=True)
    for number in range(3):
        digest_update(
            f"{LONG_TITLE} {number}",
            sectors=[automotive()],
            summary=f"{LONG_WORD} {CHINESE} {LONG_URL}",
            source_name=f"{LONG_WORD} {CHINESE[:20]}",
        )
    indicator = long_indicator()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator, date=timezone.localdate() - timedelta(days=days), value=value
        )
        for days, value in [(1, Decimal("123456789.25")), (8, Decimal("98765432.5"))]
    )
    Subscription.objects.get(pk=li.pk).indicators.add(indicator)
    other = UserFactory(display_name=LONG_WORD[:70])
    Delivery.objects.create(
        member=other,
        period="w2026-49",
        frequency="weekly",
        status=Delivery.Status.FAILED,
        reason=Delivery.Reason.SMTP,
        error=f"{LONG_WORD} {LONG_URL} {CHINESE}",
        item_count=12345,
    )
    return li


def test_digest_pages_fit_a_phone(journey):
    li = digests_with_long_words()

    page = log_in(journey, li)
    expect(heading(page)).to_have_text(f"Welcome, {MEMBER}")
    check(journey, "dashboard")
    account = page.get_by_role("navigation", name="Account")
    account.locator("summary", has_text=MEMBER).click()
    account.get_by_role("link", name="Digest settings").click()
    expect(heading(page)).to_have_text("Digest settings")
    expect(page.get_by_label(INDICATOR)).to_be_visible()
    check(journey, "digest-settings")
    page.get_by_label("Daily").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your digest settings are saved.")).to_be_visible()
    check(journey, "digest-settings-saved")
    page.get_by_role("link", name="Preview your next digest").click()
    expect(page.get_by_role("link", name=f"{LONG_TITLE} 0")).to_be_visible()
    expect(page.get_by_text(INDICATOR)).to_be_visible()
    check(journey, "digest-preview")

    page.context.clear_cookies()  # the mail's links work logged out
    make_due(li, frequency="daily")
    digest_services.claim_batch(member_ids=[li.pk])
    delivery = Delivery.objects.get(member=li)
    journey.goto(reverse("digests:view", args=[view_token(delivery)]))
    expect(page.get_by_role("link", name=f"{LONG_TITLE} 0")).to_be_visible()
    check(journey, "digest-in-browser")
    journey.goto(reverse("digests:unsubscribe", args=[unsubscribe_token(li)]))
    expect(heading(page)).to_have_text("Unsubscribe from the digest")
    check(journey, "digest-unsubscribe")
    page.get_by_role("button", name="Less often: weekly").click()
    expect(heading(page)).to_have_text("Your choice is saved")
    check(journey, "digest-unsubscribed")

    staff, secret = staff_with_authenticator(display_name="Sam Staff")
    staff_log_in(journey, staff, secret)
    journey.goto(reverse("digests:deliveries"))
    expect(page.get_by_role("cell", name=LONG_WORD[:70], exact=True)).to_be_visible()
    check(journey, "digest-deliveries")
    field(page, "Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".delivery-log tbody tr")).to_have_count(1)
    check(journey, "digest-deliveries-failed")


@pytest.mark.browser_context_args(viewport={"width": 1280, "height": 800})
def test_filters_are_open_on_wide_screens_and_fold_when_the_screen_narrows(journey):
    people_with_long_words()
    page = journey.goto(reverse("directory:members"))
    expect(page.get_by_role("group", name="Sectors")).to_be_visible()
    expect(page.locator("summary", has_text="Filters")).to_be_hidden()
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    journey.step("member-directory-wide")

    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    filters_are_folded(page)
    check(journey, "member-directory-narrowed")


@pytest.mark.parametrize(
    ("width", "filters_shown"), [(WIDTH, False), (1280, True)], ids=["phone", "wide"]
)
def test_filters_fold_on_a_phone_without_javascript(browser, live_server, width, filters_shown):
    people_with_long_words()
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": width, "height": HEIGHT}
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("directory:organisations"))
    sectors = page.get_by_role("group", name="Sectors")
    summary = page.locator("summary", has_text="Filters")
    if filters_shown:
        expect(sectors).to_be_visible()
        expect(summary).to_be_hidden()
    else:
        expect(sectors).to_be_hidden()
        first_result_on_first_screen(page)
        summary.click()
        expect(sectors).to_be_visible()
    context.close()


def test_moderation_pages_fit_a_phone(journey):
    """The flag page, the queue, a case with its decision form and a member's record, with long
    words in the post, the flag's text and a moderator note."""
    author = UserFactory(display_name=LONG_WORD[:60], onboarded=True)
    thread = ThreadFactory(title=f"{LONG_WORD} {CHINESE}")
    post = PostFactory(thread=thread, author=author, body=LONG_URL, html=f"<p>{LONG_URL}</p>")
    flagger = UserFactory(display_name=DISPLAY_NAME, onboarded=True, trust_level=1)

    page = log_in(journey, flagger)
    check(journey, "dashboard")
    journey.goto(reverse("moderation:flag_post", args=[post.pk]))
    check(journey, "flag-form")
    page.get_by_role("radio", name="Other").check()
    field(page, "What is wrong (required for “Other”)").fill(f"{LONG_WORD} {CHINESE}")
    page.get_by_role("button", name="Send to the moderators").click()
    expect(page.get_by_text("Thank you: the moderators will look at it.")).to_be_visible()
    check(journey, "flagged-thread")
    page.context.clear_cookies()

    mona, secret = staff_with_authenticator(display_name="Mona Moderator")
    mona.groups.add(Group.objects.get(name="Moderators"))
    staff_log_in(journey, mona, secret)
    journey.goto(reverse("moderation:queue"))
    expect(heading(page)).to_have_text("Moderation queue")
    check(journey, "moderation-queue")
    page.get_by_role("link", name=re.compile("Pneumono")).click()
    check(journey, "moderation-case")
    page.get_by_role("link", name=LONG_WORD[:60]).click()
    field(page, "Note for the other moderators").fill(f"{LONG_URL} {CHINESE}")
    page.get_by_role("button", name="Add the note").click()
    expect(page.get_by_text(CHINESE).first).to_be_visible()
    check(journey, "moderation-member")


def test_the_reports_dashboard_fits_a_phone(journey):
    """The dashboard with a month of figures, its charts, tables and the knowledge network."""
    build_world()
    ada, secret = staff_with_authenticator(display_name="Ada Administrator")
    ada.groups.add(Group.objects.get(name="Administrators"))
    page = staff_log_in(journey, ada, secret)
    journey.goto(reverse("reports:dashboard") + "?from=2026-03-01&to=2026-03-31")
    expect(heading(page)).to_have_text("Reports")
    check(journey, "reports-dashboard")
