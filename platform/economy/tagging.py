"""The sectors and city-regions a text names, in English, French or Chinese, for filing imported
economy updates without anyone reading them first.

City-regions come from ``members.reference.city_region_names_in`` (whole words for Latin names,
accents and case aside; anywhere for Chinese ones). Sectors are matched the same way, by their
names in the three languages and by the parts of a name joined by "and" / « et » / 与: "Mining and
energy" is named by a text about "energy" alone, 矿业与能源 by one about 能源. A Latin part also
matches with a plural "s" ("telecommunication" / "telecommunications"), and a Chinese part ending
in 业 (industry) also matches without it (旅游业 / 旅游).

Both read the reference data through ``members.reference.rows`` (cached per language, forgotten
when staff change a row), so tagging costs no query once the cache is warm.
"""

import functools
import re
from dataclasses import dataclass

from django.utils import translation

from members import reference
from members.models import CityRegion, Sector

# "Finance and banking", « Mines et énergie », 金融与银行业, 交通运输和物流, "A, B and C"
_PARTS = re.compile(r"\s*(?:,|\band\b|\bet\b|&|与|和|及|、)\s*", re.IGNORECASE)
# A part this short or this common names nothing by itself.
_MIN_LATIN_PART = 3
_MIN_CHINESE_PART = 2
LANGUAGE_CODES = ("en", "fr", "zh-hans")


@dataclass(frozen=True)
class Tags:
    sectors: list[int]  # primary keys, in the reference data's order
    city_regions: list[int]


def tags_in(text: str) -> Tags:
    return Tags(sectors=sectors_in(text), city_regions=city_regions_in(text))


def sectors_in(text: str) -> list[int]:
    """Primary keys of the sectors ``text`` names in any of the three languages."""
    spellings = _sector_spellings()
    if not spellings or not text:
        return []
    pattern = _pattern(tuple(sorted(spellings)))
    found = {spellings[match.group()] for match in pattern.finditer(reference.fold(text))}
    return sorted(found)


def city_regions_in(text: str) -> list[int]:
    """Primary keys of the city-regions ``text`` names in any of the three languages."""
    if not text:
        return []
    names = set(reference.city_region_names_in(text))
    if not names:
        return []
    with translation.override("en"):
        english = {row["name"]: row["pk"] for row in reference.rows(CityRegion)}
    return sorted({pk for name, pk in english.items() if name in names})


def _sector_spellings() -> dict[str, int]:
    """Every folded spelling that names a sector (its names and their parts) → its primary key.
    A spelling shared by two sectors names neither."""
    spellings: dict[str, set[int]] = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            for row in reference.rows(Sector):
                for spelling in _spellings_of(row["name"]):
                    spellings.setdefault(spelling, set()).add(row["pk"])
    return {spelling: pks.pop() for spelling, pks in spellings.items() if len(pks) == 1}


def _spellings_of(name: str) -> set[str]:
    folded = reference.fold(name).strip()
    spellings = {folded}
    spellings.update(part for part in _PARTS.split(folded) if part)
    for spelling in list(spellings):
        if _is_chinese(spelling) and spelling.endswith("业") and len(spelling) > 2:
            spellings.add(spelling[:-1])
    return {
        spelling
        for spelling in spellings
        if len(spelling) >= (_MIN_CHINESE_PART if _is_chinese(spelling) else _MIN_LATIN_PART)
    }


@functools.lru_cache(maxsize=8)
def _pattern(spellings: tuple[str, ...]) -> re.Pattern:
    """Chinese spellings anywhere; Latin ones as whole words, with an optional plural "s" (the
    match is then looked up without it). The longest spelling first where they overlap."""
    longest_first = sorted(spellings, key=len, reverse=True)
    chinese = [re.escape(spelling) for spelling in longest_first if _is_chinese(spelling)]
    latin = [re.escape(spelling) for spelling in longest_first if not _is_chinese(spelling)]
    alternatives = []
    if latin:
        alternatives.append(rf"(?<!\w)(?:{'|'.join(latin)})(?=s?(?!\w))")
    alternatives += chinese
    return re.compile("|".join(alternatives))


def _is_chinese(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in text)
