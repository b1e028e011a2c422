"""The inline SVG sparkline: its markup (no inline style, escaped text, accessible name and
description), its geometry, and the cases with little or odd data."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from core.charts import describe, sparkline


def points(*values):
    return [(f"day {number}", value) for number, value in enumerate(values, start=1)]


def coordinates(svg: str) -> list[tuple[float, float]]:
    found = re.search(r'points="([^"]+)"', svg)
    return [tuple(map(float, pair.split(","))) for pair in found.group(1).split()]


def test_markup_is_an_accessible_image_without_inline_styles():
    svg = str(sparkline(points(1, 3, 2), title="GDP growth", chart_id="gdp"))
    assert svg.startswith('<svg class="sparkline" xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg
    assert 'aria-labelledby="gdp-title gdp-desc"' in svg
    assert '<title id="gdp-title">GDP growth</title>' in svg
    assert (
        '<desc id="gdp-desc">3 values from day 1 to day 3: first 1, last 2, lowest 1, highest 3.'
        "</desc>"
    ) in svg
    assert "style" not in svg
    assert "<script" not in svg
    assert 'stroke="currentColor"' in svg
    assert '<circle class="sparkline-last"' in svg
    assert svg.endswith("</svg>")


def test_the_highest_value_is_at_the_top_and_points_are_evenly_spread():
    svg = str(sparkline(points(0, 10, 5), title="t", width=100, height=20))
    (x1, y1), (x2, y2), (x3, y3) = coordinates(svg)
    assert (x1, x3) == (2.0, 98.0)
    assert x2 == 50.0
    assert y2 == 2.0  # the highest, at the top (padding aside)
    assert y1 == 18.0  # the lowest, at the bottom
    assert y3 == 10.0


def test_text_is_escaped():
    svg = str(
        sparkline(
            [("<b>Jan</b>", 1), ("Feb", 2)],
            title='<script>alert("x")</script>',
            chart_id='"><svg onload=alert(1)>',
        )
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert "onload=alert(1)>" not in svg


def test_no_points_gives_nothing_and_one_point_a_dot():
    assert sparkline([], title="empty") == ""
    assert sparkline([("a", None), ("b", float("nan")), ("c", "x")], title="nothing usable") == ""
    single = str(sparkline([("Jan", Decimal("5.20"))], title="one", width=100, height=20))
    assert "<polyline" not in single
    assert 'cx="50.0" cy="10.0"' in single
    assert "One value: 5.2 (Jan)." in single


def test_a_flat_series_sits_in_the_middle():
    svg = str(sparkline(points(3, 3, 3), title="flat", height=20))
    assert {y for _x, y in coordinates(svg)} == {10.0}


def test_decimals_keep_their_digits_and_follow_the_language():
    svg = str(sparkline(points(Decimal("5.031200"), Decimal("4.5")), title="CNY/CAD"))
    assert "first 5.0312, last 4.5" in svg
    with translation.override("fr"):
        svg = str(sparkline(points(Decimal("5.0312"), Decimal("4.5")), title="CNY/CAD"))
    assert "5,0312" in svg


def test_a_description_given_replaces_the_generated_one():
    svg = str(sparkline(points(1, 2), title="t", description="Rising", chart_id="c"))
    assert '<desc id="c-desc">Rising</desc>' in svg


def test_ids_differ_between_charts_when_none_is_given():
    first = str(sparkline(points(1, 2), title="a"))
    second = str(sparkline(points(2, 1), title="b"))
    ids = [re.search(r'<title id="([^"]+)"', svg).group(1) for svg in (first, second)]
    assert ids[0] != ids[1]


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), Decimal("NaN")])
def test_values_that_are_not_finite_are_left_out(value):
    svg = str(sparkline([("a", 1), ("b", value), ("c", 3)], title="t"))
    assert len(coordinates(svg)) == 2


def test_describe_says_what_the_chart_shows_for_a_caption():
    assert describe([]) == ""
    assert describe(points(Decimal("1.50"), 2), format_value=lambda value: f"{value} %") == (
        "2 values from day 1 to day 2: first 1.50 %, last 2 %, lowest 1.50 %, highest 2 %."
    )
