"""forums.presenters words a time as Django's ``timesince`` does, in every language."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.timesince import timesince

from forums.presenters import FOUND_HELPFUL, HELPFUL, NEW_SINCE, REPLIES, Ages, Counts

DELTAS = [
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=59, seconds=59),
    timedelta(hours=1),
    timedelta(hours=23),
    timedelta(days=1),
    timedelta(days=6, hours=23),
    timedelta(days=7),
    timedelta(days=20),
]


@pytest.mark.parametrize("language", ["en", "fr", "zh-hans"])
def test_a_time_reads_as_timesince_words_it(language):
    now = timezone.now()
    with translation.override(language):
        ago = Ages(now)
        for delta in DELTAS:
            expected = translation.gettext("%(when)s ago") % {
                "when": timesince(now - delta, now, depth=1)
            }
            assert ago(now - delta) == expected, delta


def test_months_and_years_count_whole_ones():
    now = timezone.now()
    ago = Ages(now)
    assert ago(now - timedelta(days=45)) == "1\xa0month ago"
    assert ago(now - timedelta(days=800)) == "2\xa0years ago"


def test_a_time_just_ahead_of_the_clock_reads_as_now():
    now = timezone.now()
    assert Ages(now)(now + timedelta(seconds=3)) == "0\xa0minutes ago"


@pytest.mark.parametrize("language", ["fr", "zh-hans"])
@pytest.mark.parametrize("text", [REPLIES, HELPFUL, NEW_SINCE, FOUND_HELPFUL])
def test_counted_texts_are_translated_with_their_plural(language, text):
    with translation.override("en"):
        english = [Counts()(number, text) for number in (1, 3)]
    with translation.override(language):
        said = [Counts()(number, text) for number in (1, 3)]
    assert said[0] != english[0]
    assert said[1] != english[1]
    assert "1" in said[0]
    assert "3" in said[1]


def test_a_french_count_agrees_with_its_number():
    with translation.override("fr"):
        assert Counts()(1, FOUND_HELPFUL) == "1 personne a trouvé ce message utile"
        assert Counts()(3, FOUND_HELPFUL) == "3 personnes ont trouvé ce message utile"
