"""The one door to help requests, and every rule of who sees and changes them.

``access_request`` answers 404 when the viewer may not know a request exists and 403 when they
may read it but not change it. The rules:

- The SME's members (members of the organisation it was posted for) read all its requests,
  drafts included, and manage them: edit, publish, withdraw, resolve.
- Staff read every published request, and review those that touch a sensitive technology area.
- Other signed-in members read published requests meant for all members, once staff have
  cleared them when they needed clearing; a request for invited experts only stays with the SME,
  the experts it invited (or who offered before) and staff. Visitors who are not signed in read
  none.
- An invitation, offer or engagement is read by its expert, the SME's members and staff; the
  side that was asked answers it, the side that asked may take it back until then, and the SME
  marks it completed. Its conversation is the expert's and the SME members'; staff read it,
  and that reading is audited.
- Facilitators (members who represent one, or belong to a facilitator organisation) refer open
  requests meant for all members to a member or an organisation.
- An engagement's follow-ups are the SME's to answer; staff read them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from matchmaking.models import Engagement, FollowUp, HelpRequest, Referral
from members.models import Membership, Organisation
from members.selectors import is_facilitator


def _is_staff(viewer) -> bool:
    return viewer.is_authenticated and viewer.is_staff


def may_read(viewer, request: HelpRequest) -> bool:
    """``request`` as ``access_request`` gives it (``sme_side``: the viewer is one of the SME's
    members; ``engaged``: the viewer was invited or offered to help with it)."""
    if not viewer.is_authenticated:
        return False
    if request.sme_side or request.engaged:
        return True
    if request.status == HelpRequest.Status.DRAFT:
        return False
    if _is_staff(viewer):
        return True
    return request.audience == HelpRequest.Audience.MEMBERS and not request.awaits_review


def may_offer(viewer, request: HelpRequest) -> bool:
    """A member outside the SME, not yet asked about it, offers help on a request that takes
    experts and is meant for all members (the services check it again, with the expert's
    availability)."""
    return (
        viewer.is_authenticated
        and not request.sme_side
        and not request.engaged
        and request.matchable
        and request.audience == HelpRequest.Audience.MEMBERS
    )


def may_refer(viewer, request: HelpRequest) -> bool:
    """A facilitator outside the SME points a request that takes experts, meant for all members,
    to someone who may help."""
    return (
        not request.sme_side
        and request.matchable
        and request.audience == HelpRequest.Audience.MEMBERS
        and is_facilitator(viewer)
    )


def sees_referrals(viewer, request: HelpRequest) -> bool:
    """The SME's members and staff see whom facilitators referred ``request`` to."""
    return request.sme_side or _is_staff(viewer)


def may_review(viewer, request: HelpRequest) -> bool:
    return _is_staff(viewer) and request.awaits_review


def access_request(
    viewer, request_id: int, *, for_write: bool = False, for_page: bool = False
) -> HelpRequest:
    """The request, with ``sme_side`` set for ``viewer``; ``for_page`` also reads what its page
    lists (sectors, city-regions, languages) and whether facilitators referred it."""
    colleagues = Membership.objects.filter(
        user_id=viewer.pk, organisation_id=OuterRef("organisation_id")
    )
    rows = HelpRequest.objects.select_related(
        "organisation", "author", "contact", "knowledge_stage"
    ).annotate(
        sme_side=Exists(colleagues),
        engaged=Exists(Engagement.objects.filter(request=OuterRef("pk"), expert_id=viewer.pk)),
    )
    if for_page:
        rows = rows.prefetch_related("sectors", "city_regions", "languages").annotate(
            referred=Exists(Referral.objects.filter(request=OuterRef("pk")))
        )
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


# --- Engagements --------------------------------------------------------------------------------


def access_engagement(viewer, engagement_id: int) -> Engagement:
    """An invitation, offer or engagement: its expert, the SME's members and staff read it;
    404 for everyone else. ``sme_side`` says on which side the viewer is."""
    if not viewer.is_authenticated:
        raise Http404
    colleagues = Membership.objects.filter(
        user_id=viewer.pk, organisation_id=OuterRef("request__organisation_id")
    )
    engagement = (
        Engagement.objects.select_related("request__organisation", "expert__profile", "started_by")
        .annotate(sme_side=Exists(colleagues))
        .filter(pk=engagement_id)
        .first()
    )
    if engagement is None:
        raise Http404
    if not (engagement.sme_side or engagement.expert_id == viewer.pk or _is_staff(viewer)):
        raise Http404
    return engagement


def may_answer(viewer, engagement: Engagement) -> bool:
    """The side that was asked answers: the expert an invitation, the SME an offer."""
    if not engagement.is_pending:
        return False
    if engagement.answerer_is_expert:
        return engagement.expert_id == viewer.pk
    return engagement.sme_side


def may_withdraw(viewer, engagement: Engagement) -> bool:
    """The side that asked takes it back before an answer."""
    if not engagement.is_pending:
        return False
    if engagement.answerer_is_expert:
        return engagement.sme_side
    return engagement.expert_id == viewer.pk


def may_complete(viewer, engagement: Engagement) -> bool:
    return engagement.status == Engagement.Status.ACCEPTED and engagement.sme_side


def takes_part(viewer, engagement: Engagement) -> bool:
    """The expert and the SME's members talk in the engagement's conversation."""
    return engagement.sme_side or engagement.expert_id == viewer.pk


def may_give_feedback(viewer, engagement: Engagement) -> bool:
    """Each side once, on a completed engagement."""
    if engagement.status != Engagement.Status.COMPLETED or not takes_part(viewer, engagement):
        return False
    side = "expert" if engagement.expert_id == viewer.pk else "sme"
    return not engagement.feedback.filter(side=side).exists()


def sees_private_scores(viewer) -> bool:
    return _is_staff(viewer)


def reads_conversation_as_staff(viewer, engagement: Engagement) -> bool:
    """Staff who take no part in an engagement read its conversation through its page."""
    return _is_staff(viewer) and not takes_part(viewer, engagement)


def access_follow_up(viewer, follow_up_id: int) -> FollowUp:
    """A follow-up once it has been asked: the SME's members answer it, staff read it; 404 for
    everyone else, the expert included (it is the SME's own account)."""
    if not viewer.is_authenticated:
        raise Http404
    colleagues = Membership.objects.filter(
        user_id=viewer.pk, organisation_id=OuterRef("engagement__request__organisation_id")
    )
    follow_up = (
        FollowUp.objects.select_related("engagement__request", "engagement__expert")
        .annotate(sme_side=Exists(colleagues))
        .filter(pk=follow_up_id, asked_at__isnull=False)
        .first()
    )
    if follow_up is None or not (follow_up.sme_side or _is_staff(viewer)):
        raise Http404
    return follow_up


def may_answer_follow_up(viewer, follow_up: FollowUp) -> bool:
    return follow_up.sme_side and not follow_up.is_answered
