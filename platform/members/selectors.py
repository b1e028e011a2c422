"""The read side of members: profiles, organisations and what a viewer may see of them."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from members import reference
from members.models import (
    CityRegion,
    Corridor,
    CountryExperience,
    EngagementType,
    ExpertiseTag,
    Invitation,
    KnowledgeStage,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    Sector,
    User,
)


def api_token_for(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


# --- Profiles -------------------------------------------------------------------------------------


def profile_for_page(handle: str) -> Profile | None:
    """A profile with what its page shows; the many-to-many labels come from ``labels_of``."""
    return _with_page_parts(Profile.objects.filter(handle=handle, user__is_active=True)).first()


# What a profile's page (and its API) shows besides the many-to-many labels.
PAGE_PARTS = (
    "designations",
    "links",
    Prefetch("countries_worked", CountryExperience.objects.select_related("country")),
    Prefetch("spoken", ProfileLanguage.objects.select_related("language")),
    Prefetch(
        "corridors",
        Corridor.objects.select_related("china_region", "canada_region", "sector"),
    ),
    Prefetch(
        "user__memberships",
        Membership.objects.select_related("organisation").order_by("organisation__name"),
    ),
)


def _with_page_parts(profiles: QuerySet) -> QuerySet:
    return profiles.select_related("user", "canadian_region", "country_of_origin").prefetch_related(
        *PAGE_PARTS
    )


def photo_owner(name: str) -> Profile | None:
    return Profile.objects.select_related("user").filter(photo=name, user__is_active=True).first()


def share_an_organisation(viewer: User, member: User) -> bool:
    return Membership.objects.filter(user=viewer, organisation__memberships__user=member).exists()


# What the completeness meter reads, for pages that show it.
COMPLETENESS_PARTS = (
    "sectors",
    "expertise",
    "advice_topics",
    "corridors",
    "spoken",
    Prefetch("user__memberships", Membership.objects.select_related("organisation")),
)


def own_profile(user_id: int, *parts) -> Profile | None:
    """A member's own profile with just the related ``parts`` the page needs."""
    return (
        Profile.objects.select_related("user", "canadian_region", "country_of_origin")
        .prefetch_related(*parts)
        .filter(pk=user_id)
        .first()
    )


# Many-to-many relations shown as lists of names: reference data (named from the cache) and tags.
REFERENCE_RELATIONS = {
    "sectors": Sector,
    "home_regions": CityRegion,
    "engagement_types": EngagementType,
    "knowledge_stages": KnowledgeStage,
}
TAG_RELATIONS = ("expertise", "advice_topics")


def labels_of(profile: Profile) -> dict[str, list[str]]:
    """The names behind a profile's many-to-many relations, read in one query."""
    parts = []
    for relation, model in REFERENCE_RELATIONS.items():
        through = getattr(Profile, relation).through
        target = f"{model._meta.model_name}_id"
        parts.append(
            through.objects.filter(profile=profile).values_list(Value(relation), target, Value(""))
        )
    for relation in TAG_RELATIONS:
        through = getattr(Profile, relation).through
        parts.append(
            through.objects.filter(profile=profile).values_list(
                Value(relation), "expertisetag_id", "expertisetag__name"
            )
        )
    linked = {relation: {} for relation in (*REFERENCE_RELATIONS, *TAG_RELATIONS)}
    for relation, pk, name in parts[0].union(*parts[1:], all=True):
        linked[relation][pk] = name
    labels = {
        relation: [row["name"] for row in reference.rows(model) if row["pk"] in linked[relation]]
        for relation, model in REFERENCE_RELATIONS.items()
    }
    for relation in TAG_RELATIONS:
        labels[relation] = sorted(linked[relation].values(), key=str.casefold)
    return labels


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    weight: int


@dataclass(frozen=True)
class Completeness:
    percent: int
    next_step: Step | None


FACILITATOR_KINDS = (Organisation.Kind.PUBLIC_FACILITATOR, Organisation.Kind.PRIVATE_FACILITATOR)


def facilitating() -> Q:
    """Members (users) who represent a facilitator on their profile or belong to a facilitator
    organisation: who reads facilitators' forums and refers help requests."""
    return Q(profile__represents_facilitator=True) | Q(
        memberships__organisation__kind__in=FACILITATOR_KINDS
    )


def is_facilitator(member) -> bool:
    return member.is_authenticated and User.objects.filter(facilitating(), pk=member.pk).exists()


def facilitator_organisations(member) -> QuerySet:
    """The facilitator organisations ``member`` belongs to."""
    return Organisation.objects.filter(kind__in=FACILITATOR_KINDS, memberships__user_id=member.pk)


def _everyone(profile):
    return True


def _experts(profile):
    return profile.offers_expertise


def _organisers(profile):
    return profile.seeks_help or profile.represents_facilitator


# (step, who it matters for, whether it is done), most useful first among equal weights.
COMPLETENESS_STEPS = (
    (Step("headline", _("Write a one-line headline"), 15), _everyone, lambda p: bool(p.headline)),
    (Step("sectors", _("Choose your sectors"), 15), _everyone, lambda p: bool(p.sectors.all())),
    (
        Step("expertise", _("Name your areas of expertise"), 15),
        _experts,
        lambda p: bool(p.expertise.all()),
    ),
    (
        Step("organisation", _("Create or join your organisation"), 15),
        _organisers,
        lambda p: bool(p.user.memberships.all()),
    ),
    (
        Step("advice_topics", _("Say which topics you are willing to advise on"), 10),
        _experts,
        lambda p: bool(p.advice_topics.all()),
    ),
    (
        Step("corridors", _("Add a corridor you have worked in"), 10),
        _experts,
        lambda p: bool(p.corridors.all()),
    ),
    (
        Step("languages", _("List the languages you speak"), 10),
        _everyone,
        lambda p: bool(p.spoken.all()),
    ),
    (
        Step("canadian_region", _("Say where you are in Canada"), 10),
        _everyone,
        lambda p: p.canadian_region_id is not None,
    ),
    (Step("photo", _("Add a photo"), 10), _everyone, lambda p: bool(p.photo)),
    (Step("bio", _("Tell members about yourself"), 10), _everyone, lambda p: bool(p.bio)),
    (
        Step("availability", _("Say how many hours a month you can give"), 5),
        _experts,
        lambda p: p.hours_per_month is not None,
    ),
)


def completeness(profile: Profile) -> Completeness:
    """How complete a profile is for what its member came for, and the most useful next step."""
    relevant = [(step, done) for step, applies, done in COMPLETENESS_STEPS if applies(profile)]
    total = sum(step.weight for step, _done in relevant)
    missing = [step for step, done in relevant if not done(profile)]
    filled = total - sum(step.weight for step in missing)
    return Completeness(
        percent=round(100 * filled / total) if total else 100,
        next_step=max(missing, key=lambda step: step.weight, default=None),
    )


# --- Organisations --------------------------------------------------------------------------------


def organisation_for_page(slug: str) -> Organisation | None:
    return (
        Organisation.objects.prefetch_related(
            "sectors",
            "city_regions",
            Prefetch(
                "memberships",
                Membership.objects.select_related("user__profile").order_by(
                    "-role", "user__display_name"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def open_invitations(organisation: Organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")


# --- Account data ---------------------------------------------------------------------------------


def account_data(user: User) -> dict:
    """Everything KnowBridge holds about a member, for them to download."""
    profile = _with_page_parts(Profile.objects.filter(pk=user.pk)).get()
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in user.emailaddress_set.all()
            ],
            "two_factor_methods": list(user.authenticator_set.values_list("type", flat=True)),
            "has_api_token": Token.objects.filter(user=user).exists(),
        },
        "profile": _profile_data(profile),
        "organisations": [
            {
                "name": membership.organisation.name,
                "role": membership.role,
                "joined_at": membership.joined_at.isoformat(),
            }
            for membership in profile.user.memberships.all()
        ],
    }


def _profile_data(profile: Profile) -> dict:
    references = {"canadian_region", "country_of_origin"}  # written as slug and code below
    data = {
        field: getattr(profile, field)
        for field in (*Profile.INTENT_FIELDS, *Profile.EDITABLE_FIELDS)
        if field not in references
    }
    return data | {
        "handle": profile.handle,
        "photo": f"{settings.SITE_URL}{profile.photo_url}" if profile.photo else None,
        "canadian_region": profile.canadian_region.slug if profile.canadian_region else None,
        "country_of_origin": profile.country_of_origin.code if profile.country_of_origin else None,
        **{
            relation: [item.slug for item in getattr(profile, relation).all()]
            for relation in Profile.EDITABLE_RELATIONS
        },
        **{
            relation: [tag.name for tag in getattr(profile, relation).all()]
            for relation in Profile.TAG_RELATIONS
        },
        "languages": [
            {"language": s.language.code, "level": s.level} for s in profile.spoken.all()
        ],
        "corridors": [
            {
                "china_region": c.china_region.slug,
                "canada_region": c.canada_region.slug,
                "sector": c.sector.slug,
            }
            for c in profile.corridors.all()
        ],
        "countries_worked": [
            {"country": c.country.code, "years": c.years} for c in profile.countries_worked.all()
        ],
        "designations": [
            {"title": d.title, "jurisdiction": d.jurisdiction} for d in profile.designations.all()
        ],
        "links": [{"label": link.label, "url": link.url} for link in profile.links.all()],
        "visibility": {field: profile.visibility_of(field) for field in Profile.SENSITIVE_FIELDS},
    }


# --- Reference data (for the API; pages read reference.choices) -----------------------------------


def reference_items(model) -> QuerySet:
    """Every row of a reference model (sectors, countries, languages …), in the model's order."""
    return model.objects.all()


def city_regions(*, country: str | None = None) -> QuerySet:
    regions = CityRegion.objects.select_related("country")
    return regions.filter(country__code=country) if country else regions


def expertise_tag_suggestions(text: str, *, limit: int = 20) -> QuerySet:
    """Tags whose normalised key starts like ``text`` does, in key order: one range scan on the
    unique key, whatever the number of tags or members."""
    key = ExpertiseTag.normalise(text)
    return ExpertiseTag.objects.filter(key__startswith=key).order_by("key")[:limit]


# --- Invitations and staff ------------------------------------------------------------------------


def has_verified_address(user: User, email: str) -> bool:
    return user.emailaddress_set.filter(email__iexact=email, verified=True).exists()


def invitations_for(user: User) -> list[Invitation]:
    """Open invitations to any of the member's verified addresses, to organisations they are not
    in yet, newest first."""
    addresses = (
        EmailAddress.objects.filter(user=user, verified=True)
        .annotate(address=Lower("email"))
        .values("address")
    )
    return list(
        Invitation.objects.annotate(address=Lower("email"))
        .filter(
            address__in=addresses,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(organisation__memberships__user=user)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def staff_groups(user: User) -> list[str]:
    """The staff roles (groups) of an account, by name."""
    return list(
        user.groups.filter(name__in=settings.STAFF_GROUPS)
        .order_by("name")
        .values_list("name", flat=True)
    )


def is_staff_account(user: User) -> bool:
    """Staff work for the platform: Django staff, or members of one of the staff groups."""
    return user.is_staff or user.groups.filter(name__in=settings.STAFF_GROUPS).exists()


MAX_MENTION_LOOKUPS = 50  # handles looked up per post: a text full of "@x" costs one small query


# --- Rendering and limits -------------------------------------------------------------------------


def mentionable(handles) -> dict[str, tuple[str, str]]:
    """The members ``handles`` name who may be mentioned in a post or a message: active,
    onboarded and not hidden (a hidden profile's name is not for every reader).
    {handle: (display name, url)}."""
    handles = list(dict.fromkeys(handles))[:MAX_MENTION_LOOKUPS]
    found = (
        Profile.objects.filter(handle__in=handles, user__is_active=True, onboarded_at__isnull=False)
        .exclude(listing=Profile.Listing.HIDDEN)
        .values_list("handle", "user__display_name")
    )
    return {
        handle: (name, reverse("members:profile", kwargs={"handle": handle}))
        for handle, name in found
    }
