"""Sectors and city-regions named in a text, in English, French and Chinese."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from economy import tagging
from members.models import CityRegion, Sector

pytestmark = pytest.mark.django_db


def sectors(text: str) -> set[str]:
    return set(
        Sector.objects.filter(pk__in=tagging.sectors_in(text)).values_list("slug", flat=True)
    )


def regions(text: str) -> set[str]:
    return set(
        CityRegion.objects.filter(pk__in=tagging.city_regions_in(text)).values_list(
            "slug", flat=True
        )
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Telecommunications carriers in Toronto", {"telecommunications"}),
        ("Banking rules change for foreign lenders", {"finance-banking"}),
        ("Energy prices and mining output", {"mining-energy"}),
        ("ICT firms hire; software exports grow", {"ict-software"}),
        ("A clean technology fund", {"clean-technology"}),
        ("Logistics costs fall as transportation recovers", {"transportation-logistics"}),
        ("Nothing here names a sector: refinancing, unrefined, telecom", set()),
        ("Public finances", {"finance-banking"}),
        ("Refinance is not finance", {"finance-banking"}),
        ("Unrefined oil", set()),
        # French, accents and case aside
        ("Les mines et l'ÉNERGIE au Québec", {"mining-energy"}),
        ("Technologies propres: un fonds de 2 milliards", {"clean-technology"}),
        ("L'agroalimentaire exporte davantage", {"agri-food"}),
        ("Sciences de la vie", {"life-sciences-health"}),
        # Chinese: anywhere in the text, with or without 业 (industry)
        ("深圳的制造业继续增长", {"manufacturing"}),
        ("今年制造订单增加", {"manufacturing"}),
        ("金融市场与银行业监管", {"finance-banking"}),
        ("旅游收入创新高", {"tourism"}),
        ("新能源汽车出口", {"automotive", "mining-energy"}),
        ("信息通信技术与软件服务", {"ict-software"}),
    ],
)
def test_sectors_in(text, expected):
    assert sectors(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shenzhen battery makers expand into Toronto", {"shenzhen", "toronto"}),
        ("Des PME de Montreal et de la Ville de Québec", {"montreal", "quebec-city"}),
        ("Pékin annonce des mesures", {"beijing"}),
        ("粤港澳大湾区与上海的合作", {"greater-bay-area", "shanghai"}),
        ("温哥华和多伦多的华人专业人士", {"vancouver", "toronto"}),
        ("Torontonians are not Toronto", {"toronto"}),
        ("Nothing named", set()),
    ],
)
def test_city_regions_in(text, expected):
    assert regions(text) == expected


def test_tags_in_gives_both():
    tags = tagging.tags_in("Clean technology in Waterloo Region")
    assert tags.sectors == [Sector.objects.get(slug="clean-technology").pk]
    assert tags.city_regions == [CityRegion.objects.get(slug="waterloo-region").pk]


def test_a_renamed_sector_is_found_by_its_new_name():
    tagging.sectors_in("warm the cache")
    sector = Sector.objects.get(slug="tourism")
    sector.name_en = "Tourism and hospitality"
    sector.save()
    assert sectors("Hospitality jobs return") == {"tourism"}


def test_no_query_once_the_reference_data_is_cached():
    tagging.tags_in("Toronto finance")
    with CaptureQueriesContext(connection) as captured:
        tags = tagging.tags_in("Shenzhen manufacturing and 上海金融")
    assert len(captured) == 0
    assert len(tags.sectors) == 2
    assert len(tags.city_regions) == 2


def test_empty_text_names_nothing():
    assert tagging.tags_in("") == tagging.Tags(sectors=[], city_regions=[])
