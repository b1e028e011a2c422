import importlib
from collections import Counter
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from django.utils import translation

from members import reference
from members.models import (
    CityRegion,
    Country,
    EngagementType,
    KnowledgeStage,
    Language,
    Sector,
)

pytestmark = pytest.mark.django_db

REFERENCE_MODELS = (Sector, Country, CityRegion, Language, EngagementType, KnowledgeStage)


def test_sectors_cover_the_clusters_of_the_research():
    slugs = set(Sector.objects.values_list("slug", flat=True))
    assert len(slugs) >= 14
    assert {
        "telecommunications",
        "finance-banking",
        "automotive",
        "mining-energy",
        "ict-software",
        "clean-technology",
        "life-sciences-health",
        "agri-food",
        "education",
        "manufacturing",
        "transportation-logistics",
        "professional-services",
        "real-estate-construction",
        "tourism",
    } <= slugs


def region_slugs(code):
    return set(CityRegion.objects.filter(country__code=code).values_list("slug", flat=True))


def test_city_regions_in_canada_china_and_countries_of_origin():
    canada, china = region_slugs("CA"), region_slugs("CN")
    assert {"toronto", "waterloo-region", "ottawa", "montreal", "vancouver", "calgary"} <= canada
    assert {"beijing", "shanghai", "shenzhen", "guangzhou", "hong-kong", "suzhou"} <= china
    assert "greater-bay-area" in china
    others = Country.objects.exclude(code__in=["CA", "CN"]).filter(city_regions__isnull=False)
    assert others.distinct().count() >= 6
    assert CityRegion.objects.get(slug="london-uk").country.code == "GB"


def test_engagement_types_and_knowledge_stages_come_in_order():
    assert list(EngagementType.objects.values_list("slug", flat=True)) == [
        "advice-call",
        "mentoring",
        "market-entry",
        "introductions",
        "partnership",
    ]
    assert list(KnowledgeStage.objects.values_list("slug", flat=True)) == [
        "market-information",
        "business-practices",
        "knowledge-creation",
    ]
    assert {"eng", "fra", "cmn", "yue"} <= set(Language.objects.values_list("code", flat=True))


@pytest.mark.parametrize("model", REFERENCE_MODELS)
def test_every_row_is_named_in_the_three_languages(model):
    assert model.objects.exists()
    for row in model.objects.all():
        assert row.name_en.strip()
        assert row.name_fr.strip()
        assert row.name_zh_hans.strip()


@pytest.mark.parametrize(
    ("language", "sector", "region"),
    [
        ("en", "Clean technology", "Beijing"),
        ("fr", "Technologies propres", "Pékin"),
        ("zh-hans", "清洁技术", "北京"),
    ],
)
def test_name_follows_the_active_language(language, sector, region):
    clean_tech = Sector.objects.get(slug="clean-technology")
    beijing = CityRegion.objects.get(slug="beijing")
    with translation.override(language):
        assert clean_tech.name == sector
        assert str(beijing) == region


def test_seeding_again_changes_nothing():
    migration = importlib.import_module("members.migrations.0004_reference_data")
    before = {model: model.objects.count() for model in REFERENCE_MODELS}
    migration.seed_reference_data(apps, None)
    migration.seed_reference_data(apps, None)
    assert {model: model.objects.count() for model in REFERENCE_MODELS} == before


def count_cache_reads(monkeypatch) -> Counter:
    reads = Counter()
    read = reference.cache.get

    def counted(key, *args, **kwargs):
        reads[key] += 1
        return read(key, *args, **kwargs)

    monkeypatch.setattr(reference.cache, "get", counted)
    return reads


def test_a_directory_search_reads_each_reference_table_from_the_cache_once(client, monkeypatch):
    client.get(reverse("directory:members"))  # the cache filled
    reads = count_cache_reads(monkeypatch)

    response = client.get(reverse("directory:members"), {"sector": "fintech", "language": "cmn"})

    assert response.status_code == 200
    tables = {key: count for key, count in reads.items() if key.startswith("reference:2:")}
    assert len(tables) >= 5  # sectors, city-regions, countries, languages, engagement types
    assert set(tables.values()) == {1}


@contextmanager
def answering_a_request():
    """Between the signals Django sends around a request, as the test client sends them (without
    closing the test's database connection)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_reference_row_changed_during_a_request_is_read_anew():
    with answering_a_request():
        sector = Sector.objects.order_by("pk").first()
        assert sector.name_en in {row["name"] for row in reference.rows(Sector)}
        sector.name_en = "Space and satellites"
        sector.save()
        assert "Space and satellites" in {row["name"] for row in reference.rows(Sector)}


def test_outside_a_request_every_read_asks_the_cache(monkeypatch):
    reads = count_cache_reads(monkeypatch)
    reference.rows(Sector)
    reference.rows(Sector)
    assert sum(reads.values()) == 2
