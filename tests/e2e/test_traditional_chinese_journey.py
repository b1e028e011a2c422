"""A reader of Traditional Chinese switches the site to 繁體中文, reads it in Traditional characters
(its words, and the names of sectors and city-regions), and finds in the directory, typing 電池 and
廣州 in Traditional characters, a member who wrote her profile in Simplified ones."""

from django.utils import translation
from playwright.sync_api import expect

from members import services
from members.models import CityRegion
from tests.e2e.locators import field, heading
from tests.members.factories import SectorFactory, listed_member

MEMBER = "王芳"


def in_traditional(message: str) -> str:
    with translation.override("zh-hant"):
        return translation.gettext(message)


def test_a_visitor_reads_traditional_chinese_and_finds_a_simplified_profile(journey):
    profile = listed_member(MEMBER, headline="电池材料与供应链顾问")
    guangzhou, toronto = (CityRegion.objects.get(slug=slug) for slug in ("guangzhou", "toronto"))
    services.set_corridors(
        profile=profile, entries=[(guangzhou, toronto, SectorFactory(name_zh_hans="汽车制造"))]
    )
    listed_member("Someone Else", headline="Fintech product lead")

    page = journey.goto("/")
    journey.step("home")
    traditional = translation.get_language_info("zh-hant")["name_local"]
    assert traditional == "繁體中文"
    page.get_by_label("Language").select_option(label=traditional)
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    welcome = in_traditional("Knowledge travels through people.")
    assert "知識" in welcome, "the Traditional catalog is compiled"
    expect(heading(page)).to_have_text(welcome)
    journey.step("home-zh-hant")

    journey.goto("/directory/")
    expect(heading(page)).to_have_text(in_traditional("Find members"))
    expect(page.locator("#main")).not_to_contain_text("会员")  # Simplified: 會員 in Traditional
    journey.step("directory-zh-hant")
    field(page, in_traditional("Keywords")).fill("電池 廣州")
    page.get_by_role("button", name=in_traditional("Search")).click()
    results = page.locator(".results")
    expect(results.get_by_role("link", name=MEMBER, exact=True)).to_be_visible()
    expect(results).not_to_contain_text("Someone Else")
    journey.step("directory-found")

    results.get_by_role("link", name=MEMBER, exact=True).click()
    expect(heading(page)).to_have_text(MEMBER)
    expect(page.get_by_text("电池材料与供应链顾问")).to_be_visible()  # what she wrote, as written
    expect(page.locator("#main")).to_contain_text("廣州")  # reference data, in Traditional
    expect(page.locator("#main")).to_contain_text("汽車製造")
    journey.step("profile-zh-hant")
