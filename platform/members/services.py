"""The write side of members: accounts, profiles and organisations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core import audit
from core.search import segment
from members import access, selectors
from members.models import (
    Corridor,
    CountryExperience,
    Designation,
    ExpertiseTag,
    Invitation,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    ProfileLink,
    User,
    Visibility,
)

INVITATION_LIFETIME = timedelta(days=14)


@transaction.atomic
def update_account(*, user: User, display_name: str | None = None, language: str | None = None):
    if display_name is not None:
        user.display_name = display_name.strip()
    if language is not None:
        user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "language"])
    return user


@transaction.atomic
def issue_api_token(*, user: User) -> Token:
    """Replace the member's API token with a new one; the old one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def revoke_api_token(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


# --- Profiles -------------------------------------------------------------------------------------


@transaction.atomic
def choose_intents(
    *, profile: Profile, offers_expertise: bool, seeks_help: bool, represents_facilitator: bool
) -> Profile:
    Profile.validate_intents(
        offers_expertise=offers_expertise,
        seeks_help=seeks_help,
        represents_facilitator=represents_facilitator,
    )
    profile.offers_expertise = offers_expertise
    profile.seeks_help = seeks_help
    profile.represents_facilitator = represents_facilitator
    profile.save(update_fields=list(Profile.INTENT_FIELDS))
    return profile


@transaction.atomic
def finish_onboarding(*, profile: Profile) -> Profile:
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at"])
    return profile


@transaction.atomic
def update_profile(*, profile: Profile, **changes) -> Profile:
    """Apply the changes a member made to their profile (``Profile.EDITABLE``); tags
    (``Profile.TAG_RELATIONS``) are given as lists of names."""
    unknown = set(changes) - set(Profile.EDITABLE) - set(Profile.TAG_RELATIONS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    tags = {
        relation: names
        for relation in Profile.TAG_RELATIONS
        if (names := changes.pop(relation, None)) is not None
    }
    _validate_profile_lists(changes, tags)
    for field in Profile.EDITABLE_FIELDS:
        if field in changes:
            setattr(profile, field, changes[field])
    profile.full_clean(exclude=["user", "photo"])
    profile.save()
    for relation in Profile.EDITABLE_RELATIONS:
        if relation in changes:
            getattr(profile, relation).set(changes[relation])
    for relation, names in tags.items():
        getattr(profile, relation).set(tags_named(names))
    refresh_profile_search_text(profile=profile)
    return profile


def _validate_profile_lists(changes: dict, tags: dict[str, list[str]]) -> None:
    """The rules on a profile's lists, which ``full_clean`` does not see."""
    errors = {}
    for relation, names in tags.items():
        try:
            ExpertiseTag.validate_names(names)
        except ValidationError as error:
            errors[relation] = error.error_list
    if "home_regions" in changes:
        try:
            Profile.validate_home_regions(changes["home_regions"])
        except ValidationError as error:
            errors |= error.error_dict
    if errors:
        raise ValidationError(errors)


def tags_named(names: list[str]) -> list[ExpertiseTag]:
    """The tags with these names, created when new; spelling variants map to one tag."""
    named = {}  # key → the name as first written
    for name in names:
        named.setdefault(ExpertiseTag.normalise(name), name)
    named.pop("", None)
    existing = {tag.key: tag for tag in ExpertiseTag.objects.filter(key__in=named)}
    return [
        existing.get(key) or ExpertiseTag.objects.create(name=name) for key, name in named.items()
    ]


@transaction.atomic
def set_field_visibility(*, profile: Profile, visibility: dict[str, str]) -> Profile:
    allowed = set(Visibility.values)
    for field, value in visibility.items():
        if field not in Profile.SENSITIVE_FIELDS or value not in allowed:
            raise ValidationError(_("Unknown field or visibility."))
    for field, value in visibility.items():
        setattr(profile, f"{field}_visibility", value)
    profile.save(update_fields=[f"{field}_visibility" for field in visibility])
    return profile


@transaction.atomic
def set_photo(*, profile: Profile, jpeg: bytes) -> Profile:
    """Store the portrait a form or serializer made (``core.images.portrait_jpeg``) under a new
    unguessable name; the previous photo's file goes once the change is committed."""
    old = profile.photo.name
    profile.photo.save("photo.jpg", ContentFile(jpeg), save=False)
    profile.save(update_fields=["photo", "updated_at"])
    _delete_photo_file_on_commit(old)
    return profile


@transaction.atomic
def remove_photo(*, profile: Profile) -> Profile:
    old = profile.photo.name
    profile.photo = ""
    profile.save(update_fields=["photo", "updated_at"])
    _delete_photo_file_on_commit(old)
    return profile


def _delete_photo_file_on_commit(name: str | None) -> None:
    if name:
        storage = Profile._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(name))


def refresh_profile_search_text(*, profile: Profile) -> None:
    """What the directory's keyword search looks in: only what every reader may see."""
    parts = profile_search_parts(
        display_name=profile.user.display_name,
        headline=profile.headline,
        bio=profile.bio,
        current_role=profile.current_role,
        expertise=profile.expertise.values_list("name", flat=True),
        advice_topics=profile.advice_topics.values_list("name", flat=True),
        sectors=profile.sectors.all(),
        canadian_region=profile.canadian_region if profile.canadian_region_id else None,
    )
    Profile.objects.filter(pk=profile.pk).update(search_text=segment(" ".join(filter(None, parts))))


def profile_search_parts(
    *,
    display_name: str,
    headline: str,
    bio: str,
    current_role: str,
    expertise,
    advice_topics,
    sectors,
    canadian_region=None,
) -> list[str]:
    """The texts a profile is found by, from plain values (tag names, reference rows); also used
    by the scale data set, which computes them without saving each profile."""
    parts = [
        display_name,
        headline,
        bio,
        current_role,
        *expertise,
        *advice_topics,
        *translated_names(sectors),
    ]
    if canadian_region is not None:
        parts += translated_names([canadian_region])
    return parts


def translated_names(items) -> list[str]:
    return [name for item in items for name in (item.name_en, item.name_fr, item.name_zh_hans)]


def record_activity(*, user: User) -> None:
    Profile.objects.filter(pk=user.pk).update(last_active_at=timezone.now())


@transaction.atomic
def set_spoken_languages(*, profile: Profile, entries: list[tuple]) -> None:
    """Replace the languages a member speaks with (language, level) pairs."""
    profile.spoken.all().delete()
    ProfileLanguage.objects.bulk_create(
        ProfileLanguage(profile=profile, language=language, level=level)
        for language, level in dict(entries).items()
    )


@transaction.atomic
def set_corridors(*, profile: Profile, entries: list[tuple]) -> None:
    """Replace the corridors with (China city-region, Canada city-region, sector) triples."""
    profile.corridors.all().delete()
    Corridor.objects.bulk_create(
        Corridor(profile=profile, china_region=china, canada_region=canada, sector=sector)
        for china, canada, sector in dict.fromkeys(entries)
    )


@transaction.atomic
def set_countries_worked(*, profile: Profile, entries: list[tuple]) -> None:
    profile.countries_worked.all().delete()
    CountryExperience.objects.bulk_create(
        CountryExperience(profile=profile, country=country, years=years)
        for country, years in dict(entries).items()
    )


@transaction.atomic
def set_designations(*, profile: Profile, entries: list[tuple[str, str]]) -> None:
    profile.designations.all().delete()
    Designation.objects.bulk_create(
        Designation(profile=profile, title=title.strip(), jurisdiction=jurisdiction.strip())
        for title, jurisdiction in entries
    )


@transaction.atomic
def set_links(*, profile: Profile, entries: list[tuple[str, str]]) -> None:
    profile.links.all().delete()
    ProfileLink.objects.bulk_create(
        ProfileLink(profile=profile, label=label.strip(), url=url) for label, url in entries
    )


# --- Organisations --------------------------------------------------------------------------------


@transaction.atomic
def create_organisation(*, creator: User, sectors=(), city_regions=(), **fields) -> Organisation:
    organisation = Organisation(**fields)
    organisation.slug = unique_slug(fields["name"])
    organisation.full_clean()
    organisation.save()
    organisation.sectors.set(sectors)
    organisation.city_regions.set(city_regions)
    Membership.objects.create(organisation=organisation, user=creator, role=Membership.Role.OWNER)
    refresh_organisation_search_text(organisation=organisation)
    return organisation


@transaction.atomic
def update_organisation(
    *, organisation: Organisation, sectors=None, city_regions=None, **fields
) -> Organisation:
    unknown = set(fields) - set(Organisation.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not organisation fields: {sorted(unknown)}")
    for field, value in fields.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if sectors is not None:
        organisation.sectors.set(sectors)
    if city_regions is not None:
        organisation.city_regions.set(city_regions)
    refresh_organisation_search_text(organisation=organisation)
    return organisation


@transaction.atomic
def set_verified(*, organisation: Organisation, verified: bool, actor: User) -> Organisation:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff can verify organisations."))
    organisation.verified = verified
    organisation.save(update_fields=["verified"])
    audit.record(
        actor=actor,
        action="organisation.verified" if verified else "organisation.unverified",
        target=organisation,
    )
    return organisation


def unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:160] or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def refresh_organisation_search_text(*, organisation: Organisation) -> None:
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
    return [name, description, *translated_names(sectors), *translated_names(city_regions)]


@transaction.atomic
def invite_member(
    *, organisation: Organisation, email: str, invited_by: User, role: str = Membership.Role.MEMBER
) -> Invitation:
    email = email.strip()
    if organisation.members.filter(emailaddress__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member."))
    organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True).delete()
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=invited_by,
        token=secrets.token_urlsafe(32),
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    transaction.on_commit(lambda: send_invitation(invitation, language=invited_by.language))
    return invitation


def send_invitation(invitation: Invitation, *, language: str) -> None:
    with translation.override(language):
        context = {"invitation": invitation, "url": invitation_url(invitation)}
        message = EmailMultiAlternatives(
            subject=_("[KnowBridge] %(name)s invites you to join %(organisation)s")
            % {"name": invitation.invited_by, "organisation": invitation.organisation},
            body=render_to_string("members/email/invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("members/email/invitation.html", context), "text/html"
        )
    message.send()


def invitation_url(invitation: Invitation) -> str:
    path = reverse("members:accept_invitation", args=[invitation.token])
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    invitation = open_invitation(invitation)
    if not selectors.has_verified_address(user, invitation.email):
        # Whoever holds the link may not own the address: it is not named to them.
        raise ValidationError(
            _(
                "This invitation was sent to another email address. "
                "Log in with that address to accept it."
            )
        )
    membership, _created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def decline_invitation(*, invitation: Invitation) -> Invitation:
    """Whoever holds the link may decline; the owners then see the invitation as declined."""
    invitation = open_invitation(invitation)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    return invitation


def open_invitation(invitation: Invitation) -> Invitation:
    """The invitation, locked until the transaction ends, so that it is answered only once."""
    locked = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("This invitation has expired or was already answered."))
    return locked


@transaction.atomic
def remove_member(*, membership: Membership, actor: User) -> None:
    """Owners remove members; members may leave; an organisation always keeps an owner."""
    organisation = membership.organisation
    if actor != membership.user and not access.is_owner(organisation, actor):
        raise PermissionDenied(_("Only owners can remove members."))
    owners = organisation.memberships.select_for_update().filter(role=Membership.Role.OWNER)
    if membership.role == Membership.Role.OWNER and owners.count() == 1:
        raise ValidationError(_("An organisation needs at least one owner."))
    membership.delete()


# --- Leaving --------------------------------------------------------------------------------------

DELETED_DOMAIN = "deleted.invalid"


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove everything personal; the account row stays, anonymous, so that what the member
    wrote stays attributed to "a deleted member"."""
    for membership in user.memberships.select_related("organisation"):
        _hand_over(membership)
    profiles = Profile.objects.filter(pk=user.pk)
    _delete_photo_file_on_commit(profiles.values_list("photo", flat=True).first())
    profiles.delete()
    user.emailaddress_set.all().delete()
    user.authenticator_set.all().delete()
    Token.objects.filter(user=user).delete()
    user.groups.clear()
    user.email = f"member-{user.pk}@{DELETED_DOMAIN}"
    user.display_name = ""
    user.language = settings.LANGUAGE_CODE
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()


def _hand_over(membership: Membership) -> None:
    """Leave an organisation; the longest-standing member takes over as owner if none is left."""
    organisation = membership.organisation
    membership.delete()
    remaining = organisation.memberships.order_by("joined_at")
    if not remaining.exists():
        organisation.delete()
    elif not remaining.filter(role=Membership.Role.OWNER).exists():
        remaining.filter(pk=remaining.first().pk).update(role=Membership.Role.OWNER)
