"""The read side of members: profiles, organisations and what a viewer may see of them."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from members.models import (
    Corridor,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    User,
    Visibility,
)


def api_token_for(user: User) -> Token | None:
    return Token.objects.filter(user=user).first()


# --- Profiles -------------------------------------------------------------------------------------


def profile_for_page(user_id: int) -> Profile | None:
    return (
        Profile.objects.select_related("user", "canadian_region", "country_of_origin")
        .prefetch_related(
            "sectors",
            "expertise",
            "advice_topics",
            "home_regions",
            "engagement_types",
            "knowledge_stages",
            "designations",
            "links",
            "countries_worked__country",
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
        .filter(pk=user_id, user__is_active=True)
        .first()
    )


def visible_fields(profile: Profile, viewer) -> set[str]:
    """The sensitive fields of ``profile`` that ``viewer`` may see."""
    if viewer.is_authenticated and viewer.pk == profile.pk:
        return set(Profile.SENSITIVE_FIELDS)
    allowed = {Visibility.PUBLIC} | ({Visibility.MEMBERS} if viewer.is_authenticated else set())
    return {field for field in Profile.SENSITIVE_FIELDS if profile.visibility_of(field) in allowed}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    weight: int


@dataclass(frozen=True)
class Completeness:
    percent: int
    next_step: Step | None


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
                Membership.objects.select_related("user").order_by("-role", "user__display_name"),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def is_owner(organisation: Organisation, user) -> bool:
    if not user.is_authenticated:
        return False
    return any(
        membership.user_id == user.pk and membership.role == Membership.Role.OWNER
        for membership in organisation.memberships.all()
    )


def organisations_of(user: User):
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def sme_organisations_of(user: User):
    return organisations_of(user).filter(kind=Organisation.Kind.SME)


def open_invitations(organisation: Organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).order_by("-created_at")
