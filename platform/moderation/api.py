"""The moderation API: members flag what they can see; moderators work the queue, decide, note
and lift, through the same services as the pages."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer
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
from moderation import access, selectors, serializers, services, targets

TAGS = ["moderation"]
FORBIDDEN = {403: ErrorResponse403Serializer}
NOT_FOUND = {404: OpenApiResponse(description="No such case, or the caller is no moderator.")}


@documents_errors_of(serializers.FlagSerializer, methods=["post"])
class FlagList(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.FlagSerializer

    @extend_schema(
        tags=TAGS,
        summary="Flag something for the moderators",
        description="A thread, post, profile, organisation, help request or message the caller "
        "can see (404 otherwise, as on its page). Flagging the same thing again while the "
        "first flag is open changes its reason; one's own things cannot be flagged (400).",
        request=serializers.FlagSerializer,
        responses={
            201: serializers.FlagCreatedSerializer,
            404: OpenApiResponse(description="No such thing, or not one the caller can see."),
        },
    )
    def post(self, request):
        body = serializers.FlagSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fields = body.validated_data
        target = targets.resolve(request.user, fields["kind"], fields["key"])
        with service_errors():
            flag = services.flag(
                flagger=request.user, target=target, reason=fields["reason"], text=fields["text"]
            )
        data = serializers.FlagCreatedSerializer(flag).data
        return Response(data, status=status.HTTP_201_CREATED)


def case_data(cases) -> list:
    context = {"actions_for": lambda case: services.actions_for(case, hidden=case.shown.hidden)}
    return serializers.CaseSerializer(cases, many=True, context=context).data


def case_response(request, case_id: str) -> Response:
    """The case as moderators read it now, through the door."""
    case = access.access_case(request.user, path_id(case_id))
    selectors.annotate([case])
    return Response(case_data([case])[0])


@documents_errors_of(serializers.QueueQuerySerializer, methods=["get"])
class CaseList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_cases_list",
        summary="The moderation queue",
        description="Moderators only (403 for other members): cases waiting (or only those "
        "hidden by flags, or held first posts), or decided ones (`show`), newest first, with "
        "their flags, what the thing says now and its author's history.",
        parameters=[serializers.QueueQuerySerializer],
        responses={200: serializers.CasePageSerializer, **FORBIDDEN},
    )
    def get(self, request):
        access.require_moderator(request.user)
        query = read_query(serializers.QueueQuerySerializer, request.query_params)
        page = selectors.queue(show=query.get("show") or "waiting", cursor=query.get("cursor"))
        return Response(page_data(request, case_data(page.items), page.next_cursor))


class CaseDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_cases_retrieve",
        summary="A moderation case",
        parameters=[id_parameter("case_id")],
        responses={200: serializers.CaseSerializer, **NOT_FOUND},
    )
    def get(self, request, case_id: str):
        return case_response(request, case_id)


@documents_errors_of(serializers.DecisionSerializer, methods=["post"])
class DecisionList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_cases_decisions_create",
        summary="Decide on a case",
        description="Dismiss, hide, restore, delete, lock, unlock, move (`category`), edit "
        "(`body`), warn, suspend (`days`) or ban, with a reason kept in the audit log; the "
        "author is told. 400 names the field when the decision is not open on this case.",
        parameters=[id_parameter("case_id")],
        request=serializers.DecisionSerializer,
        responses={200: serializers.CaseSerializer, **FORBIDDEN, **NOT_FOUND},
    )
    def post(self, request, case_id: str):
        case = access.access_case(request.user, path_id(case_id))
        body = serializers.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.decide(moderator=request.user, case=case, **body.validated_data)
        return case_response(request, case_id)


@documents_errors_of(serializers.NoteSerializer, methods=["post"])
class NoteList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_members_notes_list",
        summary="Moderator notes on a member",
        description="Moderators only (404 for others), newest first (the latest 50).",
        parameters=[id_parameter("member_id")],
        responses={200: serializers.NoteSerializer(many=True), **NOT_FOUND},
    )
    def get(self, request, member_id: str):
        member = access.access_member(request.user, path_id(member_id))
        notes = selectors.member_record(member).notes
        return Response(serializers.NoteSerializer(notes, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_members_notes_create",
        summary="Write a moderator note on a member",
        parameters=[id_parameter("member_id")],
        request=serializers.NoteSerializer,
        responses={201: serializers.NoteSerializer, **NOT_FOUND},
    )
    def post(self, request, member_id: str):
        member = access.access_member(request.user, path_id(member_id))
        body = serializers.NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            note = services.add_note(moderator=request.user, member=member, **body.validated_data)
        return Response(serializers.NoteSerializer(note).data, status=status.HTTP_201_CREATED)


@documents_errors_of(serializers.LiftSerializer, methods=["post"])
class LiftSanction(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_moderation_sanctions_lift",
        summary="Lift a suspension or a ban",
        parameters=[id_parameter("sanction_id")],
        request=serializers.LiftSerializer,
        responses={
            200: serializers.SanctionSerializer,
            **FORBIDDEN,
            404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such sanction."),
        },
    )
    def post(self, request, sanction_id: str):
        sanction = access.access_sanction(request.user, path_id(sanction_id))
        body = serializers.LiftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            sanction = services.lift(
                moderator=request.user, sanction=sanction, **body.validated_data
            )
        return Response(serializers.SanctionSerializer(sanction).data)
