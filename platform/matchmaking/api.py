"""The matchmaking API: help requests, the experts proposed for them, invitations, offers,
engagements and feedback, through the same access, selector, matching and service functions as
the pages. Every request and engagement comes through ``matchmaking.access`` (404 when the caller
may not know it exists, 403 when they may read it but not do this); every change goes through
``matchmaking.services``, whose ValidationErrors become 400s naming the field at fault (or
``non_field_errors`` for a rule about the request's or engagement's state)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import (
    documents_errors_of,
    id_parameter,
    page_data,
    path_id,
    read_query,
    service_errors,
)
from core.pagination import paginate
from matchmaking import access, matching, selectors, serializers, services
from matchmaking.models import HelpRequest
from members import access as member_access

TAGS = ["help requests"]
PAGE_SIZE = 20
REQUEST_ID = id_parameter("request_id")
ENGAGEMENT_ID = id_parameter("engagement_id")
FOLLOW_UP_ID = id_parameter("follow_up_id")
# What services refuse for reasons a JSON schema cannot state, by field, so that the schema lists
# every code an answer may hold.
TEXT_CODES = ["min_length", "max_length", "null"]
# The readiness check (services.missing_for_publishing): a published request must stay ready.
READINESS_FIELDS = ["description", "deliverable", "kind", "sectors", "size", "deadline", "contact"]
STARTING_CODES = ["not_matchable", "own", "unavailable", "already"]
ANSWERING_CODES = ["answered", "expired"]
# Signed-in callers only, so that drf-standardized-errors documents a 401 and no 403 by itself:
# the views that refuse some of those who read an object say so with FORBIDDEN.
FORBIDDEN = {403: ErrorResponse403Serializer}


def error_codes(methods: list[str], **codes_by_field: list[str]):
    def decorate(view):
        for field, codes in codes_by_field.items():
            view = extend_validation_errors(codes, field_name=field, methods=methods)(view)
        return view

    return decorate


def readiness_codes(methods: list[str]):
    return error_codes(methods, **{field: ["invalid"] for field in READINESS_FIELDS})


def _page(request, rows, newest_first: str):
    """A page of ``rows``, newest first, from the ``?cursor=`` of the page before."""
    query = read_query(serializers.CursorQuerySerializer, request.query_params)
    return paginate(
        rows, order=(newest_first, "-pk"), cursor=query.get("cursor") or None, size=PAGE_SIZE
    )


def _member_by_handle(viewer, handle: str, field: str):
    """The member a handle in the body names, when the caller may see their profile; a 400 on
    ``field`` otherwise, as for a handle that names nobody."""
    try:
        return member_access.access_profile(viewer, handle).user
    except Http404:
        raise DjangoValidationError(
            {field: DjangoValidationError(_("No member has this handle."), code="unknown")}
        ) from None


# --- Help requests ----------------------------------------------------------------------------


def request_response(request, request_id: int, *, status_code=status.HTTP_200_OK) -> Response:
    """The request as its page shows it to the caller, read again through the door."""
    help_request = access.access_request(request.user, request_id, for_page=True)
    sme_side = help_request.sme_side
    context = {
        "missing": services.missing_for_publishing(help_request)
        if sme_side and help_request.status == HelpRequest.Status.DRAFT
        else {},
        "may_offer": access.may_offer(request.user, help_request),
        "may_review": access.may_review(request.user, help_request),
        "may_refer": access.may_refer(request.user, help_request),
        "feedback": selectors.public_feedback(help_request),
        "referrals": selectors.referrals_on(help_request)
        if help_request.referred and access.sees_referrals(request.user, help_request)
        else [],
    }
    data = serializers.HelpRequestSerializer(help_request, context=context).data
    return Response(data, status=status_code)


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
@error_codes(
    ["post"],
    title=TEXT_CODES,
    description=TEXT_CODES,
    deliverable=TEXT_CODES,
    in_scope=TEXT_CODES,
    out_of_scope=TEXT_CODES,
    contact=["invalid"],
    first_expert=["unknown"],
    non_field_errors=["not_an_sme"],
)
class HelpRequestList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_help_requests_list",
        summary="My SMEs' help requests",
        description="The requests of every SME the caller belongs to, drafts included, newest "
        "first, 20 a page: follow `next` until it is null.",
        parameters=[serializers.CursorQuerySerializer],
        responses=serializers.HelpRequestPageSerializer,
    )
    def get(self, request):
        page = _page(request, selectors.requests_of_my_smes(request.user), "-created_at")
        results = serializers.HelpRequestCardSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))

    @extend_schema(
        tags=TAGS,
        summary="Draft a help request",
        description="For one of the caller's SMEs (`organisation`); any field left out stays "
        "empty, and `missing` in the answer says what it still needs before it is published. "
        "Reference data is written as keys (slugs, language codes), people as handles. "
        "`first_expert` (found in the directory) is invited once the request takes experts.",
        request=serializers.NewHelpRequestSerializer,
        responses={201: serializers.HelpRequestSerializer},
    )
    def post(self, request):
        fields = serializers.NewHelpRequestSerializer(
            data=request.data, context={"request": request}
        )
        fields.is_valid(raise_exception=True)
        data = dict(fields.validated_data)
        with service_errors():
            if "first_expert" in data:
                data["first_expert"] = _member_by_handle(
                    request.user, data["first_expert"], "first_expert"
                )
            help_request = services.create_request(author=request.user, **data)
        return request_response(request, help_request.pk, status_code=status.HTTP_201_CREATED)


@error_codes(
    ["patch"],
    title=TEXT_CODES,
    description=TEXT_CODES,
    deliverable=TEXT_CODES,
    in_scope=TEXT_CODES,
    out_of_scope=TEXT_CODES,
    non_field_errors=["ended"],
)
@readiness_codes(["patch"])
class HelpRequestDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A help request",
        description="As its page shows it: the SME's members read all of their SMEs' requests, "
        "drafts included; other members read published requests meant for all members (once "
        "staff cleared them when they needed it), invited experts theirs, staff every "
        "published one. 404 for anyone else.",
        parameters=[REQUEST_ID],
        responses=serializers.HelpRequestSerializer,
    )
    def get(self, request, request_id: str):
        return request_response(request, path_id(request_id))

    @extend_schema(
        tags=TAGS,
        summary="Change a help request",
        description="The SME's members (403 for other readers), until it is resolved or closed. "
        "Only the fields sent change; lists replace what was there. A published request must "
        "stay ready: 400 naming what it would lack.",
        parameters=[REQUEST_ID],
        request=serializers.HelpRequestInputSerializer,
        responses={200: serializers.HelpRequestSerializer, **FORBIDDEN},
    )
    def patch(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id), for_write=True)
        changes = serializers.HelpRequestInputSerializer(
            data=request.data,
            context={"request": request, "organisation": help_request.organisation},
        )
        changes.is_valid(raise_exception=True)
        with service_errors():
            services.update_request(request=help_request, **changes.validated_data)
        return request_response(request, help_request.pk)


# A button of a request's page: its SME's members press it (403 for other readers); a subclass
# names the service. (A comment: drf-spectacular would publish a docstring.)
class _RequestAction(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def post(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id), for_write=True)
        with service_errors():
            self.service(request=help_request, actor=request.user)
        return request_response(request, help_request.pk)


def _action(summary: str, description: str, *, on, answers, body=None):
    """The schema of a button of a request's or an engagement's page: a POST on the object
    the path parameter ``on`` names, which ``answers`` with the object as it is then."""
    return extend_schema_view(
        post=extend_schema(
            tags=TAGS,
            summary=summary,
            description=description,
            parameters=[on],
            request=body,
            responses={200: answers, **FORBIDDEN},
        )
    )


def _request_action(summary: str, description: str):
    return _action(summary, description, on=REQUEST_ID, answers=serializers.HelpRequestSerializer)


@_request_action(
    "Publish a help request",
    "A draft goes live for the members it is meant for, or waits for staff review when it "
    "touches a sensitive technology area. 400 naming each field the readiness check finds "
    "missing (the same as `missing` in the request), or `published` when it already is.",
)
@readiness_codes(["post"])
@error_codes(["post"], non_field_errors=["published"])
class PublishRequest(_RequestAction):
    service = staticmethod(services.publish_request)


@_request_action(
    "Withdraw a help request",
    "The SME no longer needs help: it closes, and what waits for an answer or is under way "
    "is taken back. 400 (`ended`) once resolved or closed.",
)
@error_codes(["post"], non_field_errors=["ended"])
class WithdrawRequest(_RequestAction):
    service = staticmethod(services.withdraw_request)


@_request_action(
    "Mark a help request resolved",
    "The SME got the help it needed: what was under way is completed. 400 (`not_live`) "
    "unless it is open or in progress.",
)
@error_codes(["post"], non_field_errors=["not_live"])
class ResolveRequest(_RequestAction):
    service = staticmethod(services.resolve_request)


@error_codes(["post"], non_field_errors=["not_pending"])
class ApproveRequest(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Clear a sensitive help request for matching",
        description="Staff, on a request waiting for their review (403 otherwise); the decision "
        "is written in the audit log.",
        parameters=[REQUEST_ID],
        request=None,
        responses={200: serializers.HelpRequestSerializer, **FORBIDDEN},
    )
    def post(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id))
        if not access.may_review(request.user, help_request):
            raise PermissionDenied
        with service_errors():
            services.approve_request(request=help_request, actor=request.user)
        return request_response(request, help_request.pk)


class MatchList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_help_requests_matches_list",
        summary="Experts who could help",
        description="The experts proposed for the request, best first, each with the reasons "
        "in plain words; for the SME's members (403 for other readers). Empty until the request "
        "takes experts (published, cleared by staff when it needed it, not ended). Not "
        "paginated: the ten best.",
        parameters=[REQUEST_ID],
        responses={200: serializers.MatchSerializer(many=True), **FORBIDDEN},
    )
    def get(self, request, request_id: str):
        # for_write: the door's 403 for readers who are not the SME's members, as on the page
        help_request = access.access_request(
            request.user, path_id(request_id), for_write=True, for_page=True
        )
        matches = matching.rank(help_request) if help_request.matchable else []
        return Response(serializers.MatchSerializer(matches, many=True).data)


class RequestEngagementList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_help_requests_engagements_list",
        summary="Who has been asked or has offered",
        description="The request's invitations, offers and engagements, newest first; for the "
        "SME's members (403 for other readers). Not paginated.",
        parameters=[REQUEST_ID],
        responses={200: serializers.RequestEngagementSerializer(many=True), **FORBIDDEN},
    )
    def get(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id), for_write=True)
        engagements = selectors.engagements_on(help_request)
        return Response(serializers.RequestEngagementSerializer(engagements, many=True).data)


@error_codes(
    ["post"],
    expert=["unknown"],
    non_field_errors=["too_many_pending", *STARTING_CODES],
)
class InvitationList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Invite an expert",
        description="The SME's members (403 for other readers) ask an expert, by handle, to "
        "help; they have three days to answer. 400 when the request takes no experts now, when "
        "three invitations already wait for an answer, or when the expert cannot be asked "
        "(one of the SME's own, paused, closed to requests, at their cap, asked before).",
        parameters=[REQUEST_ID],
        request=serializers.InviteExpertSerializer,
        responses={201: serializers.EngagementSerializer, **FORBIDDEN},
    )
    def post(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id), for_write=True)
        given = serializers.InviteExpertSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            expert = _member_by_handle(request.user, given.validated_data["expert"], "expert")
            engagement = services.invite_expert(
                request=help_request,
                expert=expert,
                actor=request.user,
                message=given.validated_data.get("message", ""),
            )
        return engagement_response(request, engagement.pk, status_code=status.HTTP_201_CREATED)


@error_codes(["post"], non_field_errors=["invited_only", *STARTING_CODES])
class OfferList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Offer to help",
        description="A member who reads the request offers their help; the SME has three days "
        "to answer. 400 when the request takes invited experts only or no experts now, when "
        "the caller is one of the SME's own, cannot take requests now or was asked before.",
        parameters=[REQUEST_ID],
        request=serializers.MessageSerializer,
        responses={201: serializers.EngagementSerializer},
    )
    def post(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id))
        given = serializers.MessageSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            engagement = services.offer_help(
                request=help_request,
                expert=request.user,
                message=given.validated_data.get("message", ""),
            )
        return engagement_response(request, engagement.pk, status_code=status.HTTP_201_CREATED)


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
class RequestsForYou(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_help_requests_for_you_list",
        summary="Requests for you",
        description="Open requests meant for all members in the caller's sectors or naming the "
        "topics they advise on or know, most recently published first, with why; never their "
        "own SMEs' nor those they were already asked about. 20 a page: follow `next`.",
        parameters=[serializers.CursorQuerySerializer],
        responses=serializers.RequestForYouPageSerializer,
    )
    def get(self, request):
        page = _page(request, selectors.requests_for(request.user), "-published_at")
        for help_request, why in zip(
            page.items, matching.why_for(request.user, page.items), strict=True
        ):
            help_request.why = why
        results = serializers.RequestForYouSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))


# --- Engagements ------------------------------------------------------------------------------


def engagement_response(request, engagement_id: int, *, status_code=status.HTTP_200_OK) -> Response:
    """The engagement as its page shows it to the caller, read again through the door."""
    viewer = request.user
    engagement = access.access_engagement(viewer, engagement_id)
    takes_part = access.takes_part(viewer, engagement)
    context = {
        "may_answer": access.may_answer(viewer, engagement),
        "may_withdraw": access.may_withdraw(viewer, engagement),
        "may_complete": access.may_complete(viewer, engagement),
        "may_give_feedback": access.may_give_feedback(viewer, engagement),
        "conversation": selectors.conversation_of(engagement) if takes_part else None,
        "feedback": list(engagement.feedback.select_related("knowledge_stage")),
        "private_scores": access.sees_private_scores(viewer),
    }
    data = serializers.EngagementSerializer(engagement, context=context).data
    return Response(data, status=status_code)


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
class EngagementList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_engagements_list",
        summary="My engagements",
        description="The invitations the caller received as an expert, the offers they made "
        "and the engagements that came of them, newest first, 20 a page: follow `next`. (The "
        "SME's side finds its own on each request: help-requests/{id}/engagements/.)",
        parameters=[serializers.CursorQuerySerializer],
        responses=serializers.MyEngagementPageSerializer,
    )
    def get(self, request):
        page = _page(request, selectors.engagements_of(request.user), "-created_at")
        results = serializers.MyEngagementSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))


class EngagementDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="An invitation, offer or engagement",
        description="Its expert, the SME's members and staff; 404 for anyone else.",
        parameters=[ENGAGEMENT_ID],
        responses=serializers.EngagementSerializer,
    )
    def get(self, request, engagement_id: str):
        return engagement_response(request, path_id(engagement_id))


# A button of an engagement's page: ``allowed`` says who may press it (403 for the others who
# read it), ``service`` what it does; ``body`` the input it takes, if any.
class _EngagementAction(APIView):
    permission_classes = [permissions.IsAuthenticated]
    body = None

    def post(self, request, engagement_id: str):
        engagement = access.access_engagement(request.user, path_id(engagement_id))
        if not self.allowed(request.user, engagement):
            raise PermissionDenied
        options = {}
        if self.body is not None:
            given = self.body(data=request.data)
            given.is_valid(raise_exception=True)
            options = given.validated_data
        with service_errors():
            self.service(engagement=engagement, actor=request.user, **options)
        return engagement_response(request, engagement.pk)


def _engagement_action(summary: str, description: str, *, body=None):
    return _action(
        summary, description, on=ENGAGEMENT_ID, answers=serializers.EngagementSerializer, body=body
    )


@_engagement_action(
    "Accept",
    "The side that was asked (the expert an invitation, the SME's members an offer; 403 for "
    "others) says yes: the engagement is under way, the request in progress, and a private "
    "conversation opens. 400 once answered or expired, or when the expert can no longer take it.",
)
@error_codes(["post"], non_field_errors=[*ANSWERING_CODES, "unavailable"])
class AcceptEngagement(_EngagementAction):
    allowed = staticmethod(access.may_answer)
    service = staticmethod(services.accept)


@_engagement_action(
    "Decline",
    "The side that was asked says no, with a reason if it likes (403 for others). 400 once "
    "answered or expired.",
    body=serializers.ReasonSerializer,
)
@error_codes(["post"], non_field_errors=ANSWERING_CODES)
class DeclineEngagement(_EngagementAction):
    allowed = staticmethod(access.may_answer)
    service = staticmethod(services.decline)
    body = serializers.ReasonSerializer


@_engagement_action(
    "Take back an invitation or offer",
    "The side that asked, before an answer (403 for others). 400 once answered or expired.",
)
@error_codes(["post"], non_field_errors=ANSWERING_CODES)
class WithdrawEngagement(_EngagementAction):
    allowed = staticmethod(access.may_withdraw)
    service = staticmethod(services.withdraw_engagement)


@_engagement_action(
    "Mark an engagement completed",
    "The SME's members, once it is under way (403 otherwise): both sides may then give feedback.",
)
@error_codes(["post"], non_field_errors=["state"])
class CompleteEngagement(_EngagementAction):
    allowed = staticmethod(access.may_complete)
    service = staticmethod(services.complete_engagement)


@error_codes(
    ["post"],
    rating=["min_value", "max_value"],
    private_score=["min_value", "max_value"],
    hours=["max_value"],
    comment=TEXT_CODES,
    outcome=TEXT_CODES,
    non_field_errors=["state", "not_a_side", "given"],
)
class GiveFeedback(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Give feedback",
        description="Each side of a completed engagement once: the expert, or one of the SME's "
        "members for the SME (403 for others, before completion and once given). The rating "
        "and comment are shown to the request's readers; the private score to staff only.",
        parameters=[ENGAGEMENT_ID],
        request=serializers.GiveFeedbackSerializer,
        responses={201: serializers.EngagementSerializer, **FORBIDDEN},
    )
    def post(self, request, engagement_id: str):
        engagement = access.access_engagement(request.user, path_id(engagement_id))
        if not access.may_give_feedback(request.user, engagement):
            raise PermissionDenied
        given = serializers.GiveFeedbackSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            services.give_feedback(
                engagement=engagement, author=request.user, **given.validated_data
            )
        return engagement_response(request, engagement.pk, status_code=status.HTTP_201_CREATED)


# --- Referrals and follow-ups -----------------------------------------------------------------


@error_codes(
    ["post"],
    member=["unknown"],
    organisation=["unknown"],
    note=TEXT_CODES,
    non_field_errors=[
        "one_target",
        "not_a_facilitator",
        "not_open",
        "own_sme",
        "already",
        "self",
        "unavailable",
    ],
)
class ReferralList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Refer a request",
        description="A facilitator (403 for other readers) points an open request meant for all "
        "members to a member (`member`, a handle) or an organisation (`organisation`, a slug), "
        "one of the two, with a note; they and the SME are told. 400 when the request takes no "
        "experts now, when the member belongs to the SME or cannot take requests, when it is "
        "the SME itself, or when the caller referred it there before.",
        parameters=[REQUEST_ID],
        request=serializers.ReferSerializer,
        responses={201: serializers.ReferralSerializer, **FORBIDDEN},
    )
    def post(self, request, request_id: str):
        help_request = access.access_request(request.user, path_id(request_id))
        if not access.may_refer(request.user, help_request):
            raise PermissionDenied
        given = serializers.ReferSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        with service_errors():
            referral = services.refer(
                request=help_request,
                referred_by=request.user,
                note=data.get("note", ""),
                **_referral_target(request.user, data),
            )
        row = selectors.referral_ledger(request.user).get(pk=referral.pk)
        return Response(serializers.ReferralSerializer(row).data, status=status.HTTP_201_CREATED)


def _referral_target(viewer, data: dict) -> dict:
    if "member" in data:
        return {"member": _member_by_handle(viewer, data["member"], "member")}
    try:
        return {"organisation": member_access.access_organisation(viewer, data["organisation"])}
    except Http404:
        raise DjangoValidationError(
            {
                "organisation": DjangoValidationError(
                    _("No organisation has this address."), code="unknown"
                )
            }
        ) from None


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
class ReferralLedger(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_referrals_list",
        summary="My referrals",
        description="The referrals the caller and their colleagues in facilitator "
        "organisations made, newest first, each with how it ended (`outcome`): from the "
        "engagement the member (or a member of the organisation) took on, else from the "
        "request. 20 a page: follow `next`.",
        parameters=[serializers.CursorQuerySerializer],
        responses=serializers.ReferralPageSerializer,
    )
    def get(self, request):
        page = _page(request, selectors.referral_ledger(request.user), "-created_at")
        results = serializers.ReferralSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))


@error_codes(["post"], story=TEXT_CODES, non_field_errors=["answered", "not_due"])
class FollowUpDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A follow-up",
        description="A check-in 30 or 90 days after an engagement was completed, once it has "
        "been asked: the SME's members and staff; 404 for anyone else, the expert included.",
        parameters=[FOLLOW_UP_ID],
        responses=serializers.FollowUpSerializer,
    )
    def get(self, request, follow_up_id: str):
        follow_up = access.access_follow_up(request.user, path_id(follow_up_id))
        return Response(serializers.FollowUpSerializer(follow_up).data)

    @extend_schema(
        tags=TAGS,
        summary="Answer a follow-up",
        description="One of the SME's members says what it did with the help, once (403 for "
        "staff and once answered).",
        parameters=[FOLLOW_UP_ID],
        request=serializers.AnswerFollowUpSerializer,
        responses={200: serializers.FollowUpSerializer, **FORBIDDEN},
    )
    def post(self, request, follow_up_id: str):
        follow_up = access.access_follow_up(request.user, path_id(follow_up_id))
        if not access.may_answer_follow_up(request.user, follow_up):
            raise PermissionDenied
        given = serializers.AnswerFollowUpSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            answered = services.answer_follow_up(
                follow_up=follow_up, author=request.user, **given.validated_data
            )
        return Response(serializers.FollowUpSerializer(answered).data)
