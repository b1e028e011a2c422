"""The one door to moderation: only moderators (the Moderators group's ``moderation.moderate``
permission, or superusers) see the queue, its cases, members' sanctions and moderator notes.

Members who are not moderators get a 403 on the queue (they know it exists) and a 404 on a case
or a member's moderation page (they may not know what was flagged, nor who)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.ids import as_id
from moderation.models import PERMISSION, Case, Sanction


def is_moderator(viewer) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active and viewer.has_perm(PERMISSION))


def require_moderator(viewer) -> None:
    if not is_moderator(viewer):
        raise PermissionDenied


def _moderated(viewer, queryset, key):
    """The row ``key`` names, for a moderator; 404 for anyone else, and for a broken key."""
    pk = as_id(key)
    found = queryset.filter(pk=pk).first() if pk and is_moderator(viewer) else None
    if found is None:
        raise Http404
    return found


def access_case(viewer, case_id) -> Case:
    return _moderated(viewer, Case.objects.select_related("author"), case_id)


def access_member(viewer, member_id):
    """A member as moderators see them (their history, sanctions and notes)."""
    return _moderated(viewer, get_user_model().objects.all(), member_id)


def access_sanction(viewer, sanction_id) -> Sanction:
    return _moderated(viewer, Sanction.objects.select_related("member"), sanction_id)
