"""The one door to protected members' objects: 404 when the viewer may not know it exists,
403 when they may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members import selectors
from members.models import Membership, Organisation, Profile


def can_view_profile(viewer, profile: Profile) -> bool:
    if profile.listing == Profile.Listing.PUBLIC:
        return True
    return viewer.is_authenticated


def access_profile(viewer, user_id: int, *, for_write: bool = False) -> Profile:
    profile = selectors.profile_for_page(user_id)
    if profile is None or not (viewer.pk == profile.pk or can_view_profile(viewer, profile)):
        raise Http404
    if for_write and viewer.pk != profile.pk:
        raise PermissionDenied
    return profile


def access_photo(viewer, name: str) -> Profile:
    """The profile whose photo is stored as ``name``, when the viewer may see both the profile
    and its photo; 404 otherwise, as for a file that does not exist."""
    owners = Profile.objects.filter(photo=name).values_list("pk", flat=True)
    owner_id = owners.first() if name else None
    if owner_id is None:
        raise Http404
    profile = access_profile(viewer, owner_id)
    if "photo" not in selectors.visible_fields(profile, viewer):
        raise Http404
    return profile


def access_own_profile(viewer, *parts) -> Profile:
    """The signed-in member's own profile, with the related ``parts`` a page needs."""
    profile = selectors.own_profile(viewer.pk, *parts) if viewer.is_authenticated else None
    if profile is None:
        raise Http404
    return profile


def access_organisation(viewer, slug: str, *, for_write: bool = False) -> Organisation:
    organisation = selectors.organisation_for_page(slug)
    if organisation is None:
        raise Http404
    if for_write and not selectors.is_owner(organisation, viewer):
        raise PermissionDenied
    return organisation


def access_membership(viewer, organisation: Organisation, membership_id: int) -> Membership:
    """A membership the viewer may end: their own, or any in an organisation they own."""
    membership = organisation.memberships.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    if membership.user_id != viewer.pk and not selectors.is_owner(organisation, viewer):
        raise PermissionDenied
    return membership
