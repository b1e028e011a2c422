"""The write side of members: accounts, profiles and organisations."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core import audit
from members import access, indexing, selectors
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
from members.trust import TrustLevel

INVITATION_LIFETIME = timedelta(days=14)


@transaction.atomic
def update_account(*, user: User, display_name: str | None = None, language: str | None = None):
    if display_name is not None:
        user.display_name = display_name.strip()
    if language is not None:
        user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "language"])  # signals.reindex_profile follows
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
        indexing.reindex_profiles([profile.pk])
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
    indexing.reindex_profiles([profile.pk])
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
    indexing.reindex_profiles([profile.pk])
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
    indexing.reindex_profiles([profile.pk])


@transaction.atomic
def set_corridors(*, profile: Profile, entries: list[tuple]) -> None:
    """Replace the corridors with (China city-region, Canada city-region, sector) triples."""
    profile.corridors.all().delete()
    Corridor.objects.bulk_create(
        Corridor(profile=profile, china_region=china, canada_region=canada, sector=sector)
        for china, canada, sector in dict.fromkeys(entries)
    )
    indexing.reindex_profiles([profile.pk])


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


# --- Reference data -------------------------------------------------------------------------------


@transaction.atomic
def save_reference_item(*, item):
    """Save a row of reference data (a sector, a city-region, a tag …) as staff edit it; the
    members and organisations tied to it are then found by what it is now called."""
    stored = type(item).objects.filter(pk=item.pk).first() if item.pk else None
    item.full_clean()
    item.save()
    if stored is not None and _values(stored) != _values(item):
        refresh_search_texts(
            profiles=_tied_to(item, Profile), organisations=_tied_to(item, Organisation)
        )
    return item


@transaction.atomic
def delete_reference_item(*, item) -> None:
    """Delete a row of reference data; what was found by its names no longer is."""
    profiles = list(_tied_to(item, Profile).values_list("pk", flat=True))
    organisations = list(_tied_to(item, Organisation).values_list("pk", flat=True))
    item.delete()
    refresh_search_texts(
        profiles=Profile.objects.filter(pk__in=profiles),
        organisations=Organisation.objects.filter(pk__in=organisations),
    )


def _values(item) -> dict:
    return {field.attname: getattr(item, field.attname) for field in item._meta.concrete_fields}


def _tied_to(item, model):
    """The rows of ``model`` that point to ``item`` through any field of theirs."""
    ties = models.Q()
    for field in model._meta.get_fields():
        if field.is_relation and not field.auto_created and field.related_model is type(item):
            ties |= models.Q(**{field.name: item})
    if not ties:
        return model.objects.none()
    return model.objects.filter(pk__in=model.objects.filter(ties).values("pk"))


REINDEX_BATCH = 500


def refresh_search_texts(*, profiles, organisations) -> None:
    """Re-index many profiles and organisations (after reference data they name changed), a
    batch at a time."""
    for batch in _batches(profiles.values_list("pk", flat=True)):
        indexing.reindex_profiles(batch)
    for batch in _batches(organisations.values_list("pk", flat=True)):
        indexing.reindex_organisations(batch)


def _batches(pks) -> list[list]:
    pks = list(pks)
    return [pks[start : start + REINDEX_BATCH] for start in range(0, len(pks), REINDEX_BATCH)]


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
    indexing.reindex_organisation(organisation)
    indexing.reindex_profiles([creator.pk])
    return organisation


@transaction.atomic
def update_organisation(
    *, organisation: Organisation, sectors=None, city_regions=None, **fields
) -> Organisation:
    unknown = set(fields) - set(Organisation.EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not organisation fields: {sorted(unknown)}")
    kind_before = organisation.kind
    for field, value in fields.items():
        setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    if sectors is not None:
        organisation.sectors.set(sectors)
    if city_regions is not None:
        organisation.city_regions.set(city_regions)
    indexing.reindex_organisation(organisation)
    if organisation.kind != kind_before:  # members are found by the kinds of their organisations
        indexing.reindex_profiles(organisation.memberships.values_list("user_id", flat=True))
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
    indexing.reindex_profiles([user.pk])
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
def remove_member(*, membership: Membership, actor: User, reason: str = "") -> None:
    """Owners and staff remove members, members may leave; an organisation always keeps an
    owner. Removing someone else is audited."""
    organisation = membership.organisation
    if actor != membership.user and not _manages(organisation, actor):
        raise PermissionDenied(_("Only owners can remove members."))
    _keep_an_owner(membership)
    membership.delete()
    indexing.reindex_profiles([membership.user_id])
    if actor != membership.user:
        audit.record(
            actor=actor,
            action="membership.removed",
            target=organisation,
            reason=reason,
            member=membership.user_id,
            role=membership.role,
        )


@transaction.atomic
def set_member_role(*, membership: Membership, role: str, actor: User) -> Membership:
    """Owners and staff make members owners and owners members; an organisation always keeps an
    owner."""
    organisation = membership.organisation
    if not _manages(organisation, actor):
        raise PermissionDenied(_("Only owners can change roles."))
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if membership.role == role:
        return membership
    if role != Membership.Role.OWNER:
        _keep_an_owner(membership)
    before, membership.role = membership.role, role
    membership.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="membership.role_changed",
        target=organisation,
        member=membership.user_id,
        role=[before, role],
    )
    return membership


def _manages(organisation: Organisation, user: User) -> bool:
    return user.is_staff or access.is_owner(organisation, user)


def _keep_an_owner(membership: Membership) -> None:
    """Refuse to let ``membership`` stop being an owner when it is the organisation's last one;
    the owners stay locked until the transaction ends, so that two owners cannot both leave."""
    owners = membership.organisation.memberships.select_for_update().filter(
        role=Membership.Role.OWNER
    )
    if membership.role == Membership.Role.OWNER and owners.count() == 1:
        raise ValidationError(_("An organisation needs at least one owner."))


@transaction.atomic
def delete_organisation(*, organisation: Organisation, actor: User, reason: str) -> None:
    """Staff remove an organisation, with its memberships and invitations, saying why."""
    _require_staff(actor)
    _require_reason(reason)
    _delete_organisation(organisation, actor=actor, reason=reason)


def _delete_organisation(organisation: Organisation, *, actor: User, reason: str = "", **details):
    audit.record(
        actor=actor,
        action="organisation.deleted",
        target=organisation,
        reason=reason,
        name=organisation.name,
        slug=organisation.slug,
        **details,
    )
    organisation.delete()


@transaction.atomic
def update_organisation_as_staff(*, organisation: Organisation, actor: User, **changes):
    """Staff correct an organisation for its owners; the fields they changed are audited."""
    _require_staff(actor)
    update_organisation(organisation=organisation, **changes)
    if changes:
        audit.record(
            actor=actor, action="organisation.changed", target=organisation, fields=sorted(changes)
        )
    return organisation


# --- Leaving --------------------------------------------------------------------------------------

DELETED_DOMAIN = "deleted.invalid"


@transaction.atomic
def delete_account(*, user: User, actor: User | None = None, reason: str = "") -> None:
    """Remove everything personal; the account row stays, anonymous, so that what the member
    wrote stays attributed to "a deleted member". ``actor`` is the staff member deleting someone
    else's account, who says why; every step is audited."""
    actor = actor or user
    if actor != user:
        _require_standing_over(actor, user)
        _require_reason(reason)
    for membership in user.memberships.select_related("organisation"):
        _hand_over(membership, actor=actor)
    profiles = Profile.objects.filter(pk=user.pk)
    _delete_photo_file_on_commit(profiles.values_list("photo", flat=True).first())
    profiles.delete()
    user.emailaddress_set.all().delete()
    user.authenticator_set.all().delete()
    Token.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"member-{user.pk}@{DELETED_DOMAIN}"
    user.display_name = ""
    user.language = settings.LANGUAGE_CODE
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    audit.record(actor=actor, action="account.deleted", target=user, reason=reason)


def _hand_over(membership: Membership, *, actor: User) -> None:
    """Leave an organisation; the longest-standing member takes over as owner if none is left,
    and an organisation nobody is left in goes."""
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    membership.delete()
    remaining = organisation.memberships.order_by("joined_at", "pk")
    successor = remaining.first()
    if successor is None:
        _delete_organisation(organisation, actor=actor, last_member=membership.user_id)
    elif not remaining.filter(role=Membership.Role.OWNER).exists():
        successor.role = Membership.Role.OWNER
        successor.save(update_fields=["role"])
        audit.record(
            actor=actor,
            action="organisation.handed_over",
            target=organisation,
            former_owner=membership.user_id,
            new_owner=successor.user_id,
        )


# --- Staff ----------------------------------------------------------------------------------------

STAFF_FLAGS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def set_staff_roles(
    *, user: User, actor: User, groups=None, user_permissions=None, **flags: bool
) -> User:
    """Change someone's standing: active, staff, superuser, groups and single permissions (None
    leaves a list as it is). Only superusers make superusers or hand out single permissions; what
    changed is audited, as ``{what: [before, after]}``."""
    unknown = set(flags) - set(STAFF_FLAGS)
    if unknown:
        raise TypeError(f"not staff flags: {sorted(unknown)}")
    stored = User.objects.select_for_update().get(pk=user.pk)
    _require_standing_over(actor, stored)
    before = _standing(stored)
    for flag, value in flags.items():
        setattr(user, flag, value)
    user.save(update_fields=[*flags])
    if groups is not None:
        user.groups.set(groups)
        _staff_groups_make_staff(user)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    after = _standing(user)
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if {"is_superuser", "user_permissions"} & set(changed) and not actor.is_superuser:
        raise PermissionDenied(_("Only superusers can change this."))
    if changed:
        audit.record(actor=actor, action="account.roles_changed", target=user, **changed)
    return user


def set_active(*, user: User, active: bool) -> User:
    """Let an account sign in, or stop it: an inactive account's sessions and API tokens fail
    from its next request on. The caller decides, and audits why (moderation's sanctions)."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user


def _staff_groups_make_staff(user: User) -> None:
    """A staff group's members are staff: they set up MFA and act through the staff services."""
    if not user.is_staff and user.groups.filter(name__in=settings.STAFF_GROUPS).exists():
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def record_password_set(*, user: User, actor: User) -> None:
    """Staff set someone's password (Django's admin page does the setting)."""
    _require_standing_over(actor, user)
    audit.record(
        actor=actor,
        action="account.password_set",
        target=user,
        usable=user.has_usable_password(),
    )


@transaction.atomic
def set_group_permissions(*, group, permissions, actor: User):
    """What the members of a staff group may do; only superusers change it, audited."""
    if not actor.is_superuser:
        raise PermissionDenied(_("Only superusers can change this."))
    before = _permission_names(group.permissions)
    group.permissions.set(permissions)
    after = _permission_names(group.permissions)
    if before != after:
        audit.record(
            actor=actor,
            action="group.permissions_changed",
            target=group,
            permissions=[before, after],
        )
    return group


def _permission_names(permissions) -> list[str]:
    return sorted(
        f"{app}.{codename}"
        for app, codename in permissions.values_list("content_type__app_label", "codename")
    )


def _standing(user: User) -> dict:
    return {
        **{flag: getattr(user, flag) for flag in STAFF_FLAGS},
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "user_permissions": _permission_names(user.user_permissions),
    }


def _require_staff(actor: User) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only staff can do this."))


def _require_standing_over(actor: User, user: User) -> None:
    """Staff act on members' accounts; a superuser's account only a superuser may touch."""
    _require_staff(actor)
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only superusers can change this."))


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why: it is kept in the audit log.")})


@transaction.atomic
def set_trust_level(*, user: User, level: int, actor: User | None, reason: str = "") -> User:
    """Set a member's trust level. Staff doing it is audited; the forums' promotions
    (actor None) are not someone's decision."""
    if actor is not None and not actor.is_staff:
        raise PermissionDenied(_("Only staff can set a trust level."))
    before = user.trust_level
    user.trust_level = TrustLevel(level)
    user.save(update_fields=["trust_level"])
    if actor is not None and before != user.trust_level:
        audit.record(
            actor=actor,
            action="account.trust_level_set",
            target=user,
            reason=reason,
            trust_level=[before, int(user.trust_level)],
        )
    return user
