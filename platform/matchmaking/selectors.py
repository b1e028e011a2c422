"""The read side of matchmaking: who a request concerns, and the requests the beat tasks and the
pages list."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from matchmaking.models import HelpRequest, SensitiveTerm
from members.models import Membership, Organisation

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
