"""The directory's read side: who a viewer may find, filtered, searched, sorted and counted.

Every filter is a column test or a semi-join (EXISTS), so no row repeats and no DISTINCT is
needed; facet counts group link tables by id and name the ids from the reference cache. Facets are
the dear part of a page at scale, so visitors using the same filters share them for a while.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core import search
from core.pagination import Page, paginate
from members import access, reference
from members.models import (
    CityRegion,
    Corridor,
    Country,
    EngagementType,
    ExpertiseTag,
    Language,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    Sector,
)

PAGE_SIZE = 20
MEMBER_FACETS = ("sector", "region", "country", "language", "engagement")
ORGANISATION_FACETS = ("kind", "sector")


class SortChoices(models.TextChoices):
    RELEVANCE = "relevance", _("Relevance")
    RECENT = "recent", _("Recent activity")


@dataclass(frozen=True)
class Results:
    page: Page
    total: int  # every match, not just this page
    facets: dict  # filter name → {option value → number of matches}, or a number for a flag


# --- Members --------------------------------------------------------------------------------------


def filter_profiles(queryset: QuerySet, filters: dict, viewer) -> QuerySet:
    if filters.get("sector"):
        sectors = reference.pks(Sector, filters["sector"])
        queryset = queryset.filter(
            Exists(_of_profile(Profile.sectors.through, sector_id__in=sectors))
        )
    if filters.get("region"):
        region = reference.pks(CityRegion, [filters["region"]])
        in_corridor = _of_profile(Corridor).filter(
            Q(china_region_id__in=region) | Q(canada_region_id__in=region)
        )
        queryset = queryset.filter(Q(canadian_region_id__in=region) | Exists(in_corridor))
    if filters.get("country"):
        queryset = queryset.filter(
            country_of_origin_id__in=reference.pks(Country, [filters["country"]]),
            country_of_origin_visibility__in=access.field_levels(viewer),
        )
    if filters.get("language"):
        languages = reference.pks(Language, [filters["language"]])
        queryset = queryset.filter(Exists(_of_profile(ProfileLanguage, language_id__in=languages)))
    if filters.get("available"):
        queryset = queryset.filter(open_to_requests=True, paused=False)
    if filters.get("engagement"):
        kinds = reference.pks(EngagementType, [filters["engagement"]])
        offered = _of_profile(Profile.engagement_types.through, engagementtype_id__in=kinds)
        queryset = queryset.filter(Exists(offered))
    if filters.get("organisation_kind"):
        in_kind = Membership.objects.filter(
            user=OuterRef("user"), organisation__kind=filters["organisation_kind"]
        )
        queryset = queryset.filter(Exists(in_kind))
    return queryset


def _of_profile(model, **conditions) -> QuerySet:
    """Rows of ``model`` belonging to the outer query's profile, for ``Exists``."""
    return model.objects.filter(profile_id=OuterRef("pk"), **conditions)


def find_members(viewer, filters: dict, *, cursor: str | None = None) -> Results:
    matching = filter_profiles(access.findable_profiles(viewer), filters, viewer)
    matching = search.search(matching, filters.get("q") or "")
    rows, order = _sorted(matching, filters)
    rows = rows.select_related("user", "canadian_region").prefetch_related(
        "sectors", Prefetch("expertise", ExpertiseTag.objects.order_by("name"))
    )
    page = paginate(rows, order=order, cursor=cursor, size=PAGE_SIZE, scope=filters)
    for profile in page.items:
        profile.show_photo = access.shows_photo(viewer, profile)
    if _nothing_found(page, cursor):
        return Results(
            page=page, total=0, facets={**{key: {} for key in MEMBER_FACETS}, "available": 0}
        )
    total, facets = _cached(
        "members", _audience(viewer), filters, lambda: member_counts(matching, viewer)
    )
    return Results(page=page, total=total, facets=facets)


def count_members(viewer, filters: dict) -> int:
    matching = filter_profiles(access.findable_profiles(viewer), filters, viewer)
    return search.search(matching, filters.get("q") or "").count()


def warm_facets() -> None:
    """Count the unfiltered directories' facets before visitors ask (beat runs this)."""
    for viewer in (AnonymousUser(), access.SignedInMember()):
        matching = access.findable_profiles(viewer)
        _store("members", _audience(viewer), {}, member_counts(matching, viewer))
    _store("organisations", "public", {}, organisation_counts(Organisation.objects.all()))


def _audience(viewer) -> str:
    return "members" if viewer.is_authenticated else "public"


def member_counts(matching: QuerySet, viewer) -> tuple[int, dict]:
    ids = matching.values("pk")
    country_visible = matching.filter(country_of_origin_visibility__in=access.field_levels(viewer))
    engagement_links = Profile.engagement_types.through.objects
    return matching.count(), {
        "sector": _link_facet(Profile.sectors.through.objects, "sector_id", Sector, ids),
        "region": _column_facet(matching, "canadian_region_id", CityRegion),
        "country": _column_facet(country_visible, "country_of_origin_id", Country),
        "language": _link_facet(ProfileLanguage.objects, "language_id", Language, ids),
        "engagement": _link_facet(engagement_links, "engagementtype_id", EngagementType, ids),
        "available": matching.filter(open_to_requests=True, paused=False).count(),
    }


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
    if _nothing_found(page, cursor):
        return Results(page=page, total=0, facets={key: {} for key in ORGANISATION_FACETS})
    total, facets = _cached(
        "organisations", "public", filters, lambda: organisation_counts(matching)
    )
    return Results(page=page, total=total, facets=facets)


def count_organisations(filters: dict) -> int:
    matching = filter_organisations(Organisation.objects.all(), filters)
    return search.search(matching, filters.get("q") or "").count()


def organisation_counts(matching: QuerySet) -> tuple[int, dict]:
    kinds = matching.order_by().values("kind").annotate(count=Count("*"))
    links = Organisation.sectors.through.objects
    return matching.count(), {
        "kind": {row["kind"]: row["count"] for row in kinds},
        "sector": _link_facet(links, "sector_id", Sector, matching.values("pk")),
    }


# --- Shared ---------------------------------------------------------------------------------------


def _sorted(matching: QuerySet, filters: dict) -> tuple[QuerySet, tuple[str, ...]]:
    query = filters.get("q") or ""
    if query and filters.get("sort") != "recent":
        return search.rank(matching, query), ("-search_rank", "-pk")
    return matching, ("-last_active_at", "-pk")


def _nothing_found(page: Page, cursor: str | None) -> bool:
    """An empty first page: every count is zero, no need to ask."""
    return not page.items and not cursor


def _cached(kind: str, audience: str, filters: dict, compute) -> tuple[int, dict]:
    if not settings.DIRECTORY_FACETS_CACHE_SECONDS:
        return compute()
    facets = cache.get(_facets_key(kind, audience, filters))
    if facets is None:
        facets = compute()
        _store(kind, audience, filters, facets)
    return facets


def _store(kind: str, audience: str, filters: dict, facets: tuple[int, dict]) -> None:
    if settings.DIRECTORY_FACETS_CACHE_SECONDS:
        key = _facets_key(kind, audience, filters)
        cache.set(key, facets, settings.DIRECTORY_FACETS_CACHE_SECONDS)


def _facets_key(kind: str, audience: str, filters: dict) -> str:
    """Facets count slugs and codes, not names: one entry serves every language."""
    relevant = sorted((name, value) for name, value in filters.items() if name != "sort" and value)
    digest = hashlib.sha256(repr((audience, relevant)).encode()).hexdigest()[:32]
    return f"directory:facets:{kind}:{digest}"


def _column_facet(matching: QuerySet, column: str, model) -> dict:
    rows = matching.order_by().values(column).annotate(count=Count("*"))
    return _by_key(model, ((row[column], row["count"]) for row in rows))


def _link_facet(links: QuerySet, column: str, model, ids: QuerySet) -> dict:
    """Counts per value of a many-to-many link, among the owners whose ids are ``ids``."""
    owner = "organisation_id" if hasattr(links.model, "organisation_id") else "profile_id"
    rows = links.filter(**{f"{owner}__in": ids}).values(column).annotate(count=Count("*"))
    return _by_key(model, ((row[column], row["count"]) for row in rows))


def _by_key(model, counts) -> dict:
    keys = reference.keys_by_pk(model)
    return {keys[pk]: count for pk, count in counts if pk in keys}
