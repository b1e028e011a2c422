"""The directory's read side: who a viewer may find, filtered, searched, sorted and counted."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core import search
from core.pagination import Page, paginate
from members.models import (
    Corridor,
    ExpertiseTag,
    Membership,
    Organisation,
    Profile,
    Visibility,
)

PAGE_SIZE = 20


@dataclass(frozen=True)
class Facet:
    name: str
    counts: dict  # option value → number of matching rows


@dataclass(frozen=True)
class Results:
    page: Page
    facets: list[Facet]


def visible_listings(viewer) -> list[str]:
    if viewer.is_authenticated:
        return [Profile.Listing.PUBLIC, Profile.Listing.MEMBERS]
    return [Profile.Listing.PUBLIC]


def visible_levels(viewer) -> list[str]:
    if viewer.is_authenticated:
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


# --- Members --------------------------------------------------------------------------------------


def listed_profiles(viewer) -> QuerySet:
    return Profile.objects.filter(
        user__is_active=True, onboarded_at__isnull=False, listing__in=visible_listings(viewer)
    )


def filter_profiles(queryset: QuerySet, filters: dict, viewer) -> QuerySet:
    if filters.get("sector"):
        queryset = queryset.filter(sectors__slug__in=filters["sector"]).distinct()
    if filters.get("region"):
        region = filters["region"]
        in_corridor = Corridor.objects.filter(profile=OuterRef("pk")).filter(
            Q(china_region__slug=region) | Q(canada_region__slug=region)
        )
        queryset = queryset.filter(Q(canadian_region__slug=region) | Exists(in_corridor))
    if filters.get("country"):
        queryset = queryset.filter(
            country_of_origin__code=filters["country"],
            country_of_origin_visibility__in=visible_levels(viewer),
        )
    if filters.get("language"):
        queryset = queryset.filter(spoken__language__code=filters["language"])
    if filters.get("available"):
        queryset = queryset.filter(open_to_requests=True, paused=False)
    if filters.get("engagement"):
        queryset = queryset.filter(engagement_types__slug=filters["engagement"])
    if filters.get("organisation_kind"):
        in_kind = Membership.objects.filter(
            user=OuterRef("user"), organisation__kind=filters["organisation_kind"]
        )
        queryset = queryset.filter(Exists(in_kind))
    return queryset


def find_members(viewer, filters: dict, *, cursor: str | None = None) -> Results:
    matching = filter_profiles(listed_profiles(viewer), filters, viewer)
    matching = search.search(matching, filters.get("q") or "")
    rows, order = _sorted(matching, filters)
    rows = rows.select_related("user", "canadian_region").prefetch_related(
        "sectors", Prefetch("expertise", ExpertiseTag.objects.order_by("name"))
    )
    page = paginate(rows, order=order, cursor=cursor, size=PAGE_SIZE)
    levels = visible_levels(viewer)
    for profile in page.items:
        profile.show_photo = bool(profile.photo) and profile.photo_visibility in levels
    return Results(page=page, facets=member_facets(matching, viewer))


def member_facets(matching: QuerySet, viewer) -> list[Facet]:
    country_visible = matching.filter(country_of_origin_visibility__in=visible_levels(viewer))
    return [
        _facet("sector", matching, "sectors__slug"),
        _facet("region", matching, "canadian_region__slug"),
        _facet("country", country_visible, "country_of_origin__code"),
        _facet("language", matching, "spoken__language__code"),
        _facet("engagement", matching, "engagement_types__slug"),
        Facet(
            "available",
            {True: matching.filter(open_to_requests=True, paused=False).count()},
        ),
    ]


# --- Organisations --------------------------------------------------------------------------------


def filter_organisations(queryset: QuerySet, filters: dict) -> QuerySet:
    if filters.get("sector"):
        queryset = queryset.filter(sectors__slug__in=filters["sector"]).distinct()
    if filters.get("region"):
        queryset = queryset.filter(city_regions__slug=filters["region"])
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    return queryset


def find_organisations(filters: dict, *, cursor: str | None = None) -> Results:
    matching = filter_organisations(Organisation.objects.all(), filters)
    matching = search.search(matching, filters.get("q") or "")
    rows, order = _sorted(matching, filters)
    rows = rows.prefetch_related("sectors", "city_regions")
    page = paginate(rows, order=order, cursor=cursor, size=PAGE_SIZE)
    facets = [
        _facet("kind", matching, "kind"),
        _facet("sector", matching, "sectors__slug"),
    ]
    return Results(page=page, facets=facets)


# --- Shared ---------------------------------------------------------------------------------------


def _sorted(matching: QuerySet, filters: dict) -> tuple[QuerySet, tuple[str, ...]]:
    query = filters.get("q") or ""
    if query and filters.get("sort") != "recent":
        return search.rank(matching, query), ("-search_rank", "-pk")
    return matching, ("-last_active_at", "-pk")


def _facet(name: str, matching: QuerySet, path: str) -> Facet:
    rows = (
        matching.order_by()
        .values(path)
        .annotate(count=Count("pk", distinct=True))
        .filter(**{f"{path}__isnull": False})
    )
    return Facet(name, {row[path]: row["count"] for row in rows})
