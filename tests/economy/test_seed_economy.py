"""The economy's scale data set, made small: counts, three languages, what the public sees, the
search text and tokens ``economy.indexing`` would give, indicators, and refusals."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import search
from economy import indexing
from economy.management.commands.seed_economy import INDICATORS, MONTHS_OF_VALUES
from economy.models import EconomyUpdate, Indicator, IndicatorValue

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def reference_data():
    call_command("seed_scale", members=20, organisations=2, verbosity=0, stdout=StringIO())


def seed(**options):
    options = {"updates": 200} | options
    call_command("seed_economy", verbosity=0, stdout=StringIO(), **options)


def test_counts_languages_and_states():
    seed()
    assert EconomyUpdate.objects.count() == 200
    assert set(EconomyUpdate.objects.values_list("language", flat=True)) == {"en", "fr", "zh-hans"}
    assert any(HAN.search(title) for title in EconomyUpdate.objects.values_list("title", flat=True))
    visible = EconomyUpdate.objects.visible()
    assert 150 < visible.count() < 200  # drafts, reviews and scheduled ones are not public
    assert not visible.filter(published_at__gt=timezone.now()).exists()
    assert EconomyUpdate.objects.filter(published_at__gt=timezone.now()).exists()  # scheduled
    assert EconomyUpdate.objects.filter(status="review", feed__isnull=False).exists()


def test_search_text_and_tokens_are_what_the_services_give():
    seed()
    for update in EconomyUpdate.objects.prefetch_related("sectors", "city_regions")[:30]:
        assert update.sectors.exists()
        assert update.city_regions.exists()
        assert update.tokens == indexing.tokens_of(update)
        stored = update.search_text
        indexing.index_update(update)
        assert update.search_text == stored
        assert "<p>" in update.body_html
        assert "<script" not in update.body_html


def test_the_search_finds_words_from_the_data():
    seed()
    update = EconomyUpdate.objects.filter(language="zh-hans").first()
    word = next(s.name_zh_hans for s in update.sectors.all() if s.name_zh_hans in update.title)
    assert update in search.search(EconomyUpdate.objects.all(), word)


def test_indicators_have_monthly_values():
    seed()
    assert Indicator.objects.count() == len(INDICATORS)
    dates = list(
        IndicatorValue.objects.filter(indicator__slug="pmi").values_list("date", flat=True)
    )
    assert len(dates) == len(set(dates)) == MONTHS_OF_VALUES
    assert all(day.day == 1 for day in dates)


def test_refusals():
    seed()
    with pytest.raises(CommandError, match="--force"):
        seed()
    seed(force=True)
    assert EconomyUpdate.objects.count() == 200
    assert Indicator.objects.count() == len(INDICATORS)  # replaced, not doubled
    with pytest.raises(CommandError, match="positive"):
        seed(updates=0, force=True)
