"""A visitor reads the economic indicators: the list with each one's latest value, change and
small chart, then one indicator's page with its larger chart and its values a page at a time; on
a phone too. Every page passes axe and shows its charts without inline styles or scripts."""

from datetime import date, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from economy.models import Indicator, IndicatorValue
from tests.e2e.locators import heading


def seed_indicators() -> None:
    rate = Indicator.objects.create(
        slug="cny-cad",
        name_en="CNY/CAD exchange rate",
        name_fr="Taux de change CNY/CAD",
        name_zh_hans="人民币兑加元汇率",
        unit="CNY",
    )
    pmi = Indicator.objects.create(
        slug="pmi",
        name_en="Manufacturing PMI",
        name_fr="PMI manufacturier",
        name_zh_hans="制造业采购经理指数",
    )
    start = date(2024, 1, 1)
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=rate,
            date=start + timedelta(days=7 * week),
            value=Decimal("5.1") + Decimal(week % 9) / 100,
        )
        for week in range(80)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=pmi, date=date(2024, month, 1), value=Decimal("49.5") + month / Decimal(10)
        )
        for month in range(1, 13)
    )


def test_visitor_reads_the_indicators_and_one_of_them(journey):
    seed_indicators()
    page = journey.goto("/economy/indicators/")
    expect(heading(page)).to_have_text("Economic indicators")
    expect(page.get_by_role("img", name="CNY/CAD exchange rate: recent values")).to_be_visible()
    expect(page.get_by_role("row", name="Manufacturing PMI")).to_contain_text("50.7")
    journey.step("indicators")

    page.get_by_role("link", name="CNY/CAD exchange rate").click()
    expect(heading(page)).to_have_text("CNY/CAD exchange rate")
    expect(page.get_by_role("img", name="CNY/CAD exchange rate: recent values")).to_be_visible()
    journey.step("indicator")

    page.get_by_role("link", name="Older values").click()
    expect(page.get_by_role("link", name="Latest values")).to_be_visible()
    journey.step("indicator-older-values")

    page.set_viewport_size({"width": 375, "height": 800})
    journey.goto("/economy/indicators/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px)"
    journey.step("indicators-phone")
