"""The directory's read side: who a viewer may find, filtered, searched, sorted and counted.

Members: every profile is filed under tokens (``tokens_of``: its audience, sectors, languages,
city-regions, …) in one GIN-indexed column, so any mix of filters is one index lookup, with no
join. Counting is what costs at scale, so a search is counted by reading the tokens of its
matches, at most ``EXACT_UP_TO`` of them: up to that many matches every count is exact (and
keywords are ranked by relevance); beyond it the counts are estimated from a sample of the
matches (every profile is in one of ``BUCKETS`` buckets; the first 1, 2, 4 … are read whole), marked
approximate wherever they are shown, and the most recently active come first. A page therefore
reads a bounded number of rows, whatever the data. Visitors using the same filters share the
counts for a while (DIRECTORY_FACETS_CACHE_SECONDS); beat counts the unfiltered ones exactly.

Organisations are few (thousands): their filters are semi-joins and their counts grouped counts.
"""

import hashlib
import math
import re
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from core import search
from core.pagination import Page, paginate
from members import access, reference
from members.models import (
    CityRegion,
    Country,
    EngagementType,
    ExpertiseTag,
    Language,
    Organisation,
    Profile,
    Sector,
    Visibility,
)

PAGE_SIZE = 20
# What a result card never shows, left in the table: a page ranks every match before it keeps 20.
NOT_ON_CARDS = ("bio", "search_text", "tokens")
MEMBER_FACETS = ("sector", "region", "country", "language", "engagement")
ORGANISATION_FACETS = ("kind", "sector")
EXACT_UP_TO = 1000  # matches counted one by one; beyond, counts are estimated
BUCKETS = 64
SAMPLE_SIZE = 600  # matches an estimate aims to read (at least half as many)


class SortChoices(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    RECENT = "recent", _("Recent activity")


@dataclass(frozen=True)
class Counts:
    total: int  # every match, not just one page
    facets: dict  # filter name → {option value → number of matches}, or a number for a flag
    approximate: bool = False


@dataclass(frozen=True)
class Results:
    page: Page
    counts: Counts

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def facets(self) -> dict:
        return self.counts.facets

    @property
    def approximate(self) -> bool:
        return self.counts.approximate


# --- What a profile is filed under ----------------------------------------------------------------

COUNTRY_TOKENS = {Visibility.PUBLIC: "cp", Visibility.MEMBERS: "cm"}
_TOKEN = re.compile(r"(cp|cm|[slerkaou])(.*)")


def bucket_of(pk: int) -> int:
    """A profile's sampling bucket: spread evenly, whatever order profiles came in."""
    return (pk * 2654435761) % 2**32 % BUCKETS


def sample_tokens(pk: int) -> list[str]:
    """``u<n>`` when the profile is in the first 2ⁿ buckets: a sample of 2ⁿ buckets is then one
    token to look up, not 2ⁿ."""
    bucket = bucket_of(pk)
    return [f"u{n}" for n in range(BUCKETS.bit_length() - 1) if bucket < 2**n]


def tokens_of(
    *,
    pk: int,
    sectors=(),
    languages=(),
    engagement_types=(),
    canadian_region: int | None = None,
    corridor_regions=(),
    country: int | None = None,
    country_visibility: str = Visibility.PRIVATE,
    available: bool = False,
    organisation_kinds=(),
) -> str:
    """The tokens a profile is filed under, from plain ids. (Who may find it at all is a column
    of its own, ``findable_as``: every search asks it, and as a token it would be the longest
    list in the index.)"""
    tokens = [f"s{pk}" for pk in sorted(set(sectors))]
    tokens += [f"l{pk}" for pk in sorted(set(languages))]
    tokens += [f"e{pk}" for pk in sorted(set(engagement_types))]
    if canadian_region:
        tokens.append(f"r{canadian_region}")
    ties = set(corridor_regions) | ({canadian_region} if canadian_region else set())
    tokens += [f"k{pk}" for pk in sorted(ties)]
    if country and country_visibility in COUNTRY_TOKENS:
        tokens.append(f"{COUNTRY_TOKENS[country_visibility]}{country}")
    if available:
        tokens.append("a")
    tokens += [f"o{kind}" for kind in sorted(set(organisation_kinds))]
    return " ".join(tokens + sample_tokens(pk))


# --- Members --------------------------------------------------------------------------------------


def member_token_groups(filters: dict, viewer) -> list[list[str]] | None:
    """The filters as groups of tokens: a profile matches when it holds one token of every
    group. None when a filter names nothing that exists (an unknown sector, say): then nobody
    matches."""
    groups = []
    levels = [COUNTRY_TOKENS[level] for level in access.field_levels(viewer)]
    for name, prefixes, model in (
        ("sector", ["s"], Sector),
        ("region", ["k"], CityRegion),
        ("country", levels, Country),
        ("language", ["l"], Language),
        ("engagement", ["e"], EngagementType),
    ):
        keys = filters.get(name)
        if not keys:
            continue
        pks = reference.pks(model, keys if isinstance(keys, list) else [keys])
        if not pks:
            return None
        groups.append([f"{prefix}{pk}" for prefix in prefixes for pk in pks])
    if filters.get("available"):
        groups.append(["a"])
    if filters.get("organisation_kind"):
        groups.append([f"o{filters['organisation_kind']}"])
    return groups


def matching_members(viewer, filters: dict) -> QuerySet:
    groups = member_token_groups(filters, viewer)
    if groups is None:
        return Profile.objects.none()
    findable = Profile.objects.filter(findable_as__in=access.findable_listings(viewer))
    matching = search.with_tokens(findable, groups)
    return search.search(matching, filters.get("q") or "")


def find_members(viewer, filters: dict, *, cursor: str | None = None) -> Results:
    matching = matching_members(viewer, filters)
    counts = _cached("members", _audience(viewer), filters, lambda: member_counts(matching, viewer))
    rows, order = _sorted(matching, filters, ranked=not counts.approximate)
    rows = rows.defer(*NOT_ON_CARDS).prefetch_related(
        "user",
        "canadian_region",
        "sectors",
        Prefetch("expertise", ExpertiseTag.objects.order_by("name")),
    )
    # Many matches come most recently active first: read them in that index's order.
    reading = search.read_in_index_order(rows.db) if counts.approximate else nullcontext()
    with reading:
        page = paginate(rows, order=order, cursor=cursor, size=PAGE_SIZE, scope=filters)
    for profile in page.items:
        profile.show_photo = access.shows_photo(viewer, profile)
    return Results(page=page, counts=counts)


def count_members(viewer, filters: dict) -> int:
    """How many members a search finds, counted up to EXACT_UP_TO (and one more, for "more")."""
    return matching_members(viewer, filters)[: EXACT_UP_TO + 1].count()


def member_counts(matching: QuerySet, viewer) -> Counts:
    """Exact counts when there are at most EXACT_UP_TO matches; estimates otherwise."""
    tokens = list(matching.values_list("tokens", flat=True)[: EXACT_UP_TO + 1])
    if len(tokens) <= EXACT_UP_TO:
        return Counts(len(tokens), _member_facets(Counter(_split(tokens)), viewer))
    level, last_level = 0, BUCKETS.bit_length() - 1
    while True:
        sample = list(_in_buckets(matching, level).values_list("tokens", flat=True))
        if level == last_level:
            return Counts(len(sample), _member_facets(Counter(_split(sample)), viewer))
        if len(sample) >= SAMPLE_SIZE // 2:
            break
        growth = math.ceil(math.log2(SAMPLE_SIZE / max(len(sample), 1)))
        level = min(last_level, level + max(growth, 1))
    scale = BUCKETS / 2**level
    counted = Counter(_split(sample))
    estimated = Counter({token: round(count * scale) for token, count in counted.items()})
    total = max(round(len(sample) * scale), EXACT_UP_TO + 1)
    return Counts(total, _member_facets(estimated, viewer), approximate=True)


def all_member_counts(viewer) -> Counts:
    """Exact counts over every profile ``viewer`` may find, however many (for beat)."""
    matching = matching_members(viewer, {})
    return Counts(
        matching.count(),
        _member_facets(Counter(_split(matching.values_list("tokens", flat=True))), viewer),
    )


def _in_buckets(matching: QuerySet, level: int) -> QuerySet:
    """The matches in the first 2**level buckets (all of them at the last level)."""
    if 2**level >= BUCKETS:
        return matching
    return search.with_tokens(matching, [[f"u{level}"]])


def _split(token_lists):
    for tokens in token_lists:
        yield from tokens.split()


def _member_facets(counted: Counter, viewer) -> dict:
    by_prefix: dict[str, Counter] = {}
    for token, count in counted.items():
        prefix, value = _TOKEN.fullmatch(token).groups()
        by_prefix.setdefault(prefix, Counter())[value] += count
    country = Counter()
    for level in access.field_levels(viewer):
        country.update(by_prefix.get(COUNTRY_TOKENS[level], {}))
    return {
        "sector": _by_key(Sector, by_prefix.get("s", {})),
        "region": _by_key(CityRegion, by_prefix.get("r", {})),
        "country": _by_key(Country, country),
        "language": _by_key(Language, by_prefix.get("l", {})),
        "engagement": _by_key(EngagementType, by_prefix.get("e", {})),
        "available": counted.get("a", 0),
    }


def warm_facets() -> None:
    """Count the unfiltered directories' facets before visitors ask (beat runs this)."""
    for viewer in (AnonymousUser(), access.SignedInMember()):
        _store("members", _audience(viewer), {}, all_member_counts(viewer))
    _store("organisations", "public", {}, organisation_counts(Organisation.objects.all()))


def _audience(viewer) -> str:
    return "members" if viewer.is_authenticated else "public"


# --- Organisations --------------------------------------------------------------------------------


def filter_organisations(queryset: QuerySet, filters: dict) -> QuerySet:
    if filters.get("sector"):
        sectors = reference.pks(Sector, filters["sector"])
        in_sector = Organisation.sectors.through.objects.filter(
            organisation_id=OuterRef("pk"), sector_id__in=sectors
        )
        queryset = queryset.filter(Exists(in_sector))
    if filters.get("region"):
        regions = reference.pks(CityRegion, [filters["region"]])
        in_region = Organisation.city_regions.through.objects.filter(
            organisation_id=OuterRef("pk"), cityregion_id__in=regions
        )
        queryset = queryset.filter(Exists(in_region))
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    return queryset


def find_organisations(filters: dict, *, cursor: str | None = None) -> Results:
    matching = filter_organisations(Organisation.objects.all(), filters)
    matching = search.search(matching, filters.get("q") or "")
    rows, order = _sorted(matching, filters)
    rows = rows.prefetch_related("sectors", "city_regions")
    page = paginate(rows, order=order, cursor=cursor, size=PAGE_SIZE, scope=filters)
    if not page.items and not cursor:  # an empty first page: every count is zero
        return Results(page, Counts(0, {key: {} for key in ORGANISATION_FACETS}))
    counts = _cached("organisations", "public", filters, lambda: organisation_counts(matching))
    return Results(page=page, counts=counts)


def count_organisations(filters: dict) -> int:
    matching = filter_organisations(Organisation.objects.all(), filters)
    return search.search(matching, filters.get("q") or "").count()


def organisation_counts(matching: QuerySet) -> Counts:
    kinds = matching.order_by().values("kind").annotate(count=Count("*"))
    links = Organisation.sectors.through.objects.filter(organisation_id__in=matching.values("pk"))
    sectors = links.values("sector_id").annotate(count=Count("*"))
    return Counts(
        matching.count(),
        {
            "kind": {row["kind"]: row["count"] for row in kinds},
            "sector": _by_key(Sector, {row["sector_id"]: row["count"] for row in sectors}),
        },
    )


# --- Shared ---------------------------------------------------------------------------------------


def _sorted(
    matching: QuerySet, filters: dict, *, ranked: bool = True
) -> tuple[QuerySet, tuple[str, ...]]:
    """By relevance when there are keywords (and few enough matches to rank them all), else by
    recent activity."""
    query = filters.get("q") or ""
    if query and ranked and filters.get("sort") != SortChoices.RECENT:
        return search.rank(matching, query), ("-search_rank", "-pk")
    return matching, ("-last_active_at", "-pk")


def _cached(kind: str, audience: str, filters: dict, compute) -> Counts:
    if not settings.DIRECTORY_FACETS_CACHE_SECONDS:
        return compute()
    facets = cache.get(_facets_key(kind, audience, filters))
    if facets is None:
        facets = compute()
        _store(kind, audience, filters, facets)
    return facets


def _store(kind: str, audience: str, filters: dict, facets: Counts) -> None:
    if settings.DIRECTORY_FACETS_CACHE_SECONDS:
        key = _facets_key(kind, audience, filters)
        cache.set(key, facets, settings.DIRECTORY_FACETS_CACHE_SECONDS)


def _facets_key(kind: str, audience: str, filters: dict) -> str:
    """Facets count slugs and codes, not names: one entry serves every language."""
    relevant = sorted((name, value) for name, value in filters.items() if name != "sort" and value)
    digest = hashlib.sha256(repr((audience, relevant)).encode()).hexdigest()[:32]
    return f"directory:facets:{kind}:{digest}"


def _by_key(model, counts: dict) -> dict:
    """Counts by primary key (as ints or digits) to counts by slug or code."""
    keys = reference.keys_by_pk(model)
    named = {keys.get(int(pk)): count for pk, count in counts.items()}
    named.pop(None, None)
    return named
