"""The one door to protected members' objects, and every rule of who sees what among members.

``access_<thing>`` answers 404 when the viewer may not know a thing exists and 403 when they may
see it but not change it. The rules:

- An account exists to others once it is active and onboarded (onboarding needs a verified
  address); before that, only its member sees their profile.
- A profile's listing says who may read it: everyone, signed-in members, or (hidden) only its
  member, the members of their organisations and staff. Hidden profiles are never in the directory.
- Each sensitive field has its own level (everyone, signed-in members, only me) within that.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import selectors
from members.models import Membership, Organisation, Profile, Visibility


class SignedInMember:
    """Any signed-in member with no tie to a profile: what "members" may see depends on nothing
    else about them. Stands in for them in the directory's shared counts and in previews."""

    is_authenticated = True
    is_staff = False
    pk = None


# How a member previews their own profile: as a visitor, or as any signed-in member.
PREVIEW_AUDIENCES = {"visitor": AnonymousUser, "member": SignedInMember}


def _is_self(viewer, profile: Profile) -> bool:
    return viewer.is_authenticated and viewer.pk == profile.pk


def _is_staff(viewer) -> bool:
    return viewer.is_authenticated and viewer.is_staff


def exists_to_others(profile: Profile) -> bool:
    return profile.onboarded_at is not None and profile.user.is_active


def may_see_profile(viewer, profile: Profile) -> bool:
    if _is_self(viewer, profile):
        return True
    if not exists_to_others(profile):
        return False
    if profile.listing == Profile.Listing.PUBLIC:
        return True
    if not viewer.is_authenticated:
        return False
    if profile.listing == Profile.Listing.MEMBERS:
        return True
    if _is_staff(viewer):
        return True
    return viewer.pk is not None and selectors.share_an_organisation(viewer, profile.user)


def field_levels(viewer) -> list[str]:
    """The field visibility levels shown to ``viewer`` on others' profiles."""
    if viewer.is_authenticated:
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def visible_fields(viewer, profile: Profile) -> set[str]:
    """The sensitive fields of ``profile`` that ``viewer`` may see."""
    if _is_self(viewer, profile):
        return set(Profile.SENSITIVE_FIELDS)
    levels = field_levels(viewer)
    return {field for field in Profile.SENSITIVE_FIELDS if profile.visibility_of(field) in levels}


def shows_photo(viewer, profile: Profile) -> bool:
    return bool(profile.photo) and "photo" in visible_fields(viewer, profile)


def findable_listings(viewer) -> list[str]:
    if viewer.is_authenticated:
        return [Profile.Listing.PUBLIC, Profile.Listing.MEMBERS]
    return [Profile.Listing.PUBLIC]


def findable_listing(profile: Profile) -> str | None:
    """The listing under which others may find ``profile`` in the directory; None if they may not
    (not onboarded, inactive, or hidden). The directory files profiles under it."""
    if not exists_to_others(profile) or profile.listing == Profile.Listing.HIDDEN:
        return None
    return profile.listing


def access_profile(viewer, handle: str, *, for_write: bool = False) -> Profile:
    profile = selectors.profile_for_page(handle)
    if profile is None or not may_see_profile(viewer, profile):
        raise Http404
    if for_write and not _is_self(viewer, profile):
        raise PermissionDenied
    return profile


def access_photo(viewer, name: str) -> Profile:
    """The profile whose photo is stored as ``name``, when the viewer may see both the profile
    and its photo; 404 otherwise, as for a file that does not exist."""
    profile = selectors.photo_owner(name) if name else None
    if profile is None or not may_see_profile(viewer, profile):
        raise Http404
    if not shows_photo(viewer, profile):
        raise Http404
    return profile


def access_own_profile(viewer, *parts) -> Profile:
    """The signed-in member's own profile, with the related ``parts`` a page needs."""
    profile = selectors.own_profile(viewer.pk, *parts) if viewer.is_authenticated else None
    if profile is None:
        raise Http404
    return profile


# --- Organisations --------------------------------------------------------------------------------


def is_owner(organisation: Organisation, viewer) -> bool:
    return viewer.is_authenticated and any(
        membership.user_id == viewer.pk and membership.role == Membership.Role.OWNER
        for membership in organisation.memberships.all()
    )


def is_member(organisation: Organisation, viewer) -> bool:
    return viewer.is_authenticated and any(
        membership.user_id == viewer.pk for membership in organisation.memberships.all()
    )


def visible_memberships(viewer, organisation: Organisation) -> list[Membership]:
    """Who belongs to an organisation, as ``viewer`` may know it: signed-in members only; its own
    members and staff see everyone, others only those whose profiles they may read."""
    if not viewer.is_authenticated:
        return []
    memberships = list(organisation.memberships.all())
    if is_member(organisation, viewer) or _is_staff(viewer):
        return memberships
    return [m for m in memberships if may_see_profile_of_stranger(viewer, m.user.profile)]


def may_see_profile_of_stranger(viewer, profile: Profile) -> bool:
    """``may_see_profile`` for a viewer known to share no organisation with the profile's member."""
    return exists_to_others(profile) and profile.listing in findable_listings(viewer)


def access_organisation(viewer, slug: str, *, for_write: bool = False) -> Organisation:
    organisation = selectors.organisation_for_page(slug)
    if organisation is None:
        raise Http404
    if for_write and not is_owner(organisation, viewer):
        raise PermissionDenied
    return organisation


def access_membership(viewer, organisation: Organisation, membership_id: int) -> Membership:
    """A membership the viewer may end: their own, or any in an organisation they own."""
    membership = next(
        (m for m in visible_memberships(viewer, organisation) if m.pk == membership_id), None
    )
    if membership is None:
        raise Http404
    if membership.user_id != viewer.pk and not is_owner(organisation, viewer):
        raise PermissionDenied
    return membership
