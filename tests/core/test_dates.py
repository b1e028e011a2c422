"""core.dates writes a moment exactly as Django's date_format writes it, piece by piece."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.dates import DateTimes

# Every character DateFormat knows, and escaped letters.
EVERY_CHARACTER = " ".join("aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTuUwWyYzZ") + r" \Y\e\s"


def moments(count: int) -> list[datetime]:
    """Midnight, noon, month and year ends, leap days, and random moments over thirty years."""
    rng = random.Random(7)
    start = datetime(2000, 1, 1, tzinfo=UTC)
    chosen = [
        datetime(2024, 2, 29, 5, 0, tzinfo=UTC),  # midnight in Toronto
        datetime(2024, 7, 1, 16, 0, tzinfo=UTC),  # noon in Toronto
        datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # the hour clocks move forward in Toronto
        datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # the hour that repeats in Toronto
    ]
    seconds = 30 * 365 * 86400
    chosen += [start + timedelta(seconds=rng.randrange(seconds)) for _ in range(count)]
    return chosen


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
@pytest.mark.parametrize("zone", ["America/Toronto", "Asia/Shanghai", "UTC"])
def test_a_moment_reads_as_date_format_writes_it(language, zone):
    with translation.override(language), timezone.override(zone):
        for format_name in ("DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT"):
            when = DateTimes(format_name)
            for moment in moments(300):
                expected = date_format(timezone.localtime(moment), format_name)
                assert when(moment) == expected, (format_name, moment)


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_every_format_character_reads_as_django_writes_it(language):
    with translation.override(language), timezone.override("America/Toronto"):
        when = DateTimes(EVERY_CHARACTER)
        for moment in moments(200):
            expected = date_format(timezone.localtime(moment), EVERY_CHARACTER)
            assert when(moment) == expected, moment


def test_each_language_keeps_its_own_words():
    moment = datetime(2026, 5, 4, 18, 0, tzinfo=UTC)
    said = {}
    for language in ("en", "fr", "zh-hans", "en"):
        with translation.override(language), timezone.override("UTC"):
            said[language] = DateTimes()(moment)
    assert said == {
        "en": "May 4, 2026, 6 p.m.",
        "fr": "4 mai 2026 18:00",
        "zh-hans": "2026年5月4日 18:00",
    }
