"""The read side of matchmaking: who a request concerns, and the requests the beat tasks and the
pages list."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from conversations.models import Conversation
from core import search
from matchmaking import matching
from matchmaking.models import (
    Engagement,
    Feedback,
    FollowUp,
    HelpRequest,
    Referral,
    SensitiveTerm,
)
from members.access import SignedInMember, findable_listings
from members.models import Membership, Organisation, Profile
from members.selectors import facilitator_organisations

User = get_user_model()


def owners_of(request: HelpRequest) -> QuerySet:
    """The SME's side of a request: the member who posted it, its point of contact and the
    organisation's owners."""
    owners = Membership.objects.filter(
        organisation_id=request.organisation_id, role=Membership.Role.OWNER
    ).values("user_id")
    named = [pk for pk in (request.author_id, request.contact_id) if pk is not None]
    return User.objects.filter(pk__in=owners) | User.objects.filter(pk__in=named)


def reviewers() -> QuerySet:
    """Staff, who review requests that touch a sensitive technology area."""
    return User.objects.filter(is_staff=True, is_active=True)


def sensitive_terms_in(request: HelpRequest) -> list[str]:
    """The terms staff listed that the request's title, description or scope hold."""
    text = " ".join(
        (request.title, request.description, request.deliverable, request.in_scope)
    ).casefold()
    return [
        term
        for term in SensitiveTerm.objects.values_list("term", flat=True)
        if term.casefold() in text
    ]


def sme_organisations(member) -> QuerySet:
    """The SMEs ``member`` belongs to: those on whose behalf they may post requests."""
    if not member.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.SME, memberships__user=member
    ).order_by("name")


def past_deadline(today: date) -> list[int]:
    return list(
        HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, deadline__lt=today)
        .order_by("deadline")
        .values_list("pk", flat=True)
    )


def expiring(today: date, until: date) -> list[int]:
    return list(
        HelpRequest.objects.filter(
            status=HelpRequest.Status.OPEN,
            deadline__gte=today,
            deadline__lte=until,
            expiry_warned_at__isnull=True,
        )
        .order_by("deadline")
        .values_list("pk", flat=True)
    )


def requests_of_my_smes(member) -> QuerySet:
    """The requests of every SME ``member`` belongs to, drafts included, for "My requests"."""
    return HelpRequest.objects.filter(organisation__memberships__user=member).select_related(
        "organisation"
    )


def is_on_the_sme_side(member, request: HelpRequest) -> bool:
    return Membership.objects.filter(
        user_id=member.pk, organisation_id=request.organisation_id
    ).exists()


def sme_members(request: HelpRequest) -> QuerySet:
    return User.objects.filter(memberships__organisation_id=request.organisation_id)


def under_way(expert) -> int:
    """The engagements ``expert`` is carrying now."""
    return Engagement.objects.filter(expert=expert, status=Engagement.Status.ACCEPTED).count()


def why_not_available(expert) -> str | None:
    """Why ``expert`` takes no new engagement (closed to requests, paused, not offering their
    expertise, not someone members can find, at their cap), or None when they do."""
    profile = Profile.objects.select_related("user").get(pk=expert.pk)
    if not (profile.offers_expertise and profile.open_to_requests):
        return _("This member does not take help requests.")
    if profile.paused:
        return _("This member is taking a break.")
    if profile.findable_as not in findable_listings(SignedInMember()):
        return _("This member does not take help requests.")
    if under_way(expert) >= profile.max_open_engagements:
        return _("This member already carries as many engagements as they take on at once.")
    return None


def unanswered(now) -> list[int]:
    return list(
        Engagement.objects.filter(status=Engagement.Status.PENDING, expires_at__lte=now)
        .order_by("expires_at")
        .values_list("pk", flat=True)
    )


def answers_due(now, until) -> list[int]:
    return list(
        Engagement.objects.filter(
            status=Engagement.Status.PENDING,
            expires_at__gt=now,
            expires_at__lte=until,
            reminded_at__isnull=True,
        )
        .order_by("expires_at")
        .values_list("pk", flat=True)
    )


def engagements_of(expert) -> QuerySet:
    """The invitations, offers and engagements of ``expert``, for "My engagements"."""
    return Engagement.objects.filter(expert=expert).select_related("request__organisation")


def conversation_of(engagement: Engagement):
    return Conversation.objects.filter(
        owner_type=ContentType.objects.get_for_model(Engagement), owner_id=engagement.pk
    ).first()


def engagements_on(request: HelpRequest) -> list[Engagement]:
    """Who has been asked or has offered, for the SME on the request's page."""
    return list(
        request.engagements.select_related("expert__profile").order_by("-created_at", "-pk")
    )


def requests_for(member) -> QuerySet:
    """Open requests meant for all members that ``member`` is able to help with (filed under
    one of their sectors or topics), not their own SMEs' nor those they were already asked
    about, for "Requests for you"."""
    profile = Profile.objects.prefetch_related("sectors", "advice_topics", "expertise").get(
        pk=member.pk
    )
    able = matching.able_tokens(profile)
    if not able:
        return HelpRequest.objects.none()
    live = HelpRequest.objects.filter(
        status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.IN_PROGRESS],
        audience=HelpRequest.Audience.MEMBERS,
    ).exclude(review=HelpRequest.Review.PENDING)
    return (
        search.with_tokens(live, [able])
        .exclude(organisation__memberships__user=member)
        .exclude(engagements__expert=member)
        .select_related("organisation")
    )


def requests_taking_experts(member) -> QuerySet:
    """The requests of ``member``'s SMEs that experts can be invited to now."""
    return (
        requests_of_my_smes(member)
        .filter(status__in=[HelpRequest.Status.OPEN, HelpRequest.Status.IN_PROGRESS])
        .exclude(review=HelpRequest.Review.PENDING)
        .order_by("-published_at")
    )


def public_feedback(request: HelpRequest) -> list[Feedback]:
    """The ratings and comments given on the request's engagements, for its page."""
    return list(
        Feedback.objects.filter(engagement__request=request)
        .select_related("engagement__expert")
        .order_by("created_at", "pk")
    )


def organisation_owners(organisation: Organisation) -> QuerySet:
    return User.objects.filter(
        memberships__organisation=organisation, memberships__role=Membership.Role.OWNER
    )


def follow_ups_due(now) -> list[int]:
    return list(
        FollowUp.objects.filter(asked_at__isnull=True, due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)
    )


def follow_ups_of(engagement: Engagement) -> list[FollowUp]:
    """The check-ins already asked, for the engagement's page."""
    return list(engagement.follow_ups.filter(asked_at__isnull=False).order_by("after_days"))


# --- Referrals ------------------------------------------------------------------------------------


def referrals_on(request: HelpRequest) -> list[Referral]:
    """Who facilitators pointed the request to, for the SME on its page."""
    return list(
        request.referrals.select_related("referred_by", "member__profile", "organisation").order_by(
            "-created_at", "-pk"
        )
    )


Outcome = Referral.Outcome


def referral_ledger(member) -> QuerySet:
    """The referrals ``member`` made, and those of their colleagues in facilitator
    organisations, each with its ``outcome`` (an ``Outcome``), newest first."""
    colleagues = Membership.objects.filter(
        organisation__in=facilitator_organisations(member)
    ).values("user_id")
    return (
        _with_outcome(
            Referral.objects.filter(Q(referred_by_id=member.pk) | Q(referred_by_id__in=colleagues))
        )
        .select_related("request__organisation", "referred_by", "member", "organisation")
        .order_by("-created_at", "-pk")
    )


def ledger_summary(ledger: QuerySet) -> list[tuple[str, str, int]]:
    """How many referrals of the ledger ended each way: (outcome, label, count), in the
    ``Outcome`` order, for the ledger's chart."""
    counts = dict(ledger.order_by().values_list("outcome").annotate(number=Count("pk")))
    return [(key, label, counts.get(key, 0)) for key, label in Outcome.choices]


def _with_outcome(referrals: QuerySet) -> QuerySet:
    latest = Engagement.objects.filter(request_id=OuterRef("request_id")).order_by(
        "-created_at", "-pk"
    )
    members_of = Membership.objects.filter(organisation_id=OuterRef(OuterRef("organisation_id")))
    engaged = Coalesce(
        Subquery(latest.filter(expert_id=OuterRef("member_id")).values("status")[:1]),
        Subquery(latest.filter(expert_id__in=members_of.values("user_id")).values("status")[:1]),
    )
    engagement, request = Engagement.Status, HelpRequest.Status
    outcome = Case(
        When(engaged=engagement.COMPLETED, then=Value(Outcome.HELPED)),
        When(engaged=engagement.ACCEPTED, then=Value(Outcome.UNDER_WAY)),
        When(engaged=engagement.PENDING, then=Value(Outcome.ASKED)),
        When(engaged__isnull=False, then=Value(Outcome.NOT_TAKEN)),
        When(request__status=request.RESOLVED, then=Value(Outcome.RESOLVED_OTHERWISE)),
        When(request__status=request.CLOSED, then=Value(Outcome.CLOSED)),
        default=Value(Outcome.WAITING),
        output_field=CharField(),
    )
    return referrals.annotate(engaged=engaged).annotate(outcome=outcome)
