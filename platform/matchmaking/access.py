"""The one door to help requests, and every rule of who sees and changes them.

``access_request`` answers 404 when the viewer may not know a request exists and 403 when they
may read it but not change it. The rules:

- The SME's members (members of the organisation it was posted for) read all its requests,
  drafts included, and manage them: edit, publish, withdraw, resolve.
- Staff read every published request, and review those that touch a sensitive technology area.
- Other signed-in members read published requests meant for all members, once staff have
  cleared them when they needed clearing; a request for invited experts only stays with the SME
  and staff. Visitors who are not signed in read none.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from matchmaking.models import HelpRequest
from members.models import Membership, Organisation


def _is_staff(viewer) -> bool:
    return viewer.is_authenticated and viewer.is_staff


def may_read(viewer, request: HelpRequest) -> bool:
    """``request`` as ``access_request`` gives it (``sme_side`` says whether the viewer is one of
    the SME's members)."""
    if not viewer.is_authenticated:
        return False
    if request.sme_side:
        return True
    if request.status == HelpRequest.Status.DRAFT:
        return False
    if _is_staff(viewer):
        return True
    return request.audience == HelpRequest.Audience.MEMBERS and not request.awaits_review


def may_review(viewer, request: HelpRequest) -> bool:
    return _is_staff(viewer) and request.awaits_review


def access_request(
    viewer, request_id: int, *, for_write: bool = False, for_page: bool = False
) -> HelpRequest:
    """The request, with ``sme_side`` set for ``viewer``; ``for_page`` also reads what its page
    lists (sectors, city-regions, languages)."""
    colleagues = Membership.objects.filter(
        user_id=viewer.pk, organisation_id=OuterRef("organisation_id")
    )
    rows = HelpRequest.objects.select_related(
        "organisation", "author", "contact", "knowledge_stage"
    ).annotate(sme_side=Exists(colleagues))
    if for_page:
        rows = rows.prefetch_related("sectors", "city_regions", "languages")
    request = rows.filter(pk=request_id).first() if viewer.is_authenticated else None
    if request is None or not may_read(viewer, request):
        raise Http404
    if for_write and not request.sme_side:
        raise PermissionDenied
    return request


def access_sme(viewer, slug: str) -> Organisation:
    """An SME the viewer belongs to, to post a request for: 404 for any other organisation."""
    organisation = Organisation.objects.filter(
        slug=slug, kind=Organisation.Kind.SME, memberships__user_id=viewer.pk
    ).first()
    if organisation is None or not viewer.is_authenticated:
        raise Http404
    return organisation
