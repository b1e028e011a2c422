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


def access_case(viewer, case_id) -> Case:
    pk = as_id(case_id)
    case = Case.objects.select_related("author").filter(pk=pk).first() if pk else None
    if case is None or not is_moderator(viewer):
        raise Http404
    return case


def access_member(viewer, member_id):
    """A member as moderators see them (their history, sanctions and notes)."""
    pk = as_id(member_id)
    member = get_user_model().objects.filter(pk=pk).first() if pk else None
    if member is None or not is_moderator(viewer):
        raise Http404
    return member


def access_sanction(viewer, sanction_id) -> Sanction:
    pk = as_id(sanction_id)
    sanction = Sanction.objects.select_related("member").filter(pk=pk).first() if pk else None
    if sanction is None or not is_moderator(viewer):
        raise Http404
    return sanction
