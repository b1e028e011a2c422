"""What the directory finds profiles and organisations by (their search text) and files profiles
under (their tokens), kept up to date by the services after every change those read.

Search text holds only what every reader may see, and names every city-region a member is tied to
in all three languages, so that 深圳 finds the member whose headline says Shenzhen.
"""

from django.db.models import Prefetch

from core.search import segment
from members import access, directory, reference
from members.models import Corridor, Membership, Organisation, Profile, Visibility


def reindex_profiles(user_ids) -> None:
    """Recompute the search text and directory tokens of these members' profiles."""
    profiles = (
        Profile.objects.filter(pk__in=list(user_ids))
        .select_related("user", "canadian_region")
        .prefetch_related(
            "sectors",
            "expertise",
            "advice_topics",
            "home_regions",
            "engagement_types",
            "spoken",
            Prefetch("corridors", Corridor.objects.select_related("china_region", "canada_region")),
            Prefetch("user__memberships", Membership.objects.select_related("organisation")),
        )
    )
    for profile in profiles:
        Profile.objects.filter(pk=profile.pk).update(
            search_text=segment(" ".join(filter(None, _search_parts(profile)))),
            findable_as=access.findable_listing(profile) or "",
            tokens=_tokens(profile),
        )


def _search_parts(profile: Profile) -> list[str]:
    corridors = list(profile.corridors.all())
    regions = [profile.canadian_region] if profile.canadian_region else []
    regions += [corridor.china_region for corridor in corridors]
    regions += [corridor.canada_region for corridor in corridors]
    if profile.home_regions_visibility == Visibility.PUBLIC:
        regions += list(profile.home_regions.all())
    return profile_search_parts(
        display_name=profile.user.display_name,
        headline=profile.headline,
        bio=profile.bio,
        current_role=profile.current_role,
        expertise=sorted(tag.name for tag in profile.expertise.all()),
        advice_topics=sorted(tag.name for tag in profile.advice_topics.all()),
        sectors=profile.sectors.all(),
        city_regions=regions,
    )


def _tokens(profile: Profile) -> str:
    corridors = list(profile.corridors.all())
    return directory.tokens_of(
        pk=profile.pk,
        sectors=[sector.pk for sector in profile.sectors.all()],
        languages=[spoken.language_id for spoken in profile.spoken.all()],
        engagement_types=[kind.pk for kind in profile.engagement_types.all()],
        canadian_region=profile.canadian_region_id,
        corridor_regions=[c.china_region_id for c in corridors]
        + [c.canada_region_id for c in corridors],
        country=profile.country_of_origin_id,
        country_visibility=profile.country_of_origin_visibility,
        available=profile.available,
        organisation_kinds=[m.organisation.kind for m in profile.user.memberships.all()],
    )


def profile_search_parts(
    *,
    display_name: str,
    headline: str,
    bio: str,
    current_role: str,
    expertise,
    advice_topics,
    sectors,
    city_regions=(),
) -> list[str]:
    """The texts a profile is found by, from plain values (tag names, reference rows); also used
    by the scale data set, which computes them without saving each profile. City-regions the
    member is tied to, and those their own words name, are added in every language."""
    written = [display_name, headline, bio, current_role, *expertise, *advice_topics]
    return [
        *written,
        *translated_names(sectors),
        *translated_names(city_regions),
        *reference.city_region_names_in(" ".join(written)),
    ]


def reindex_organisation(organisation: Organisation) -> None:
    reindex_organisations([organisation.pk])


def reindex_organisations(organisation_ids) -> None:
    organisations = Organisation.objects.filter(pk__in=list(organisation_ids)).prefetch_related(
        "sectors", "city_regions"
    )
    for organisation in organisations:
        parts = organisation_search_parts(
            name=organisation.name,
            description=organisation.description,
            sectors=organisation.sectors.all(),
            city_regions=organisation.city_regions.all(),
        )
        Organisation.objects.filter(pk=organisation.pk).update(
            search_text=segment(" ".join(filter(None, parts)))
        )


def organisation_search_parts(*, name: str, description: str, sectors, city_regions) -> list[str]:
    """The texts an organisation is found by, from plain values (see profile_search_parts)."""
    written = [name, description]
    return [
        *written,
        *translated_names(sectors),
        *translated_names(city_regions),
        *reference.city_region_names_in(" ".join(written)),
    ]


def translated_names(items) -> list[str]:
    return [name for item in items for name in (item.name_en, item.name_fr, item.name_zh_hans)]
