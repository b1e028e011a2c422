"""The conversations API: the same access, selectors and services as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from conversations import access, selectors, serializers, services, uploads
from conversations.downloads import attachment_response
from conversations.models import AttachmentKind
from core.api import (
    documents_errors_of,
    id_parameter,
    page_data,
    path_id,
    path_text,
    read_query,
    service_errors,
)
from core.lists import join_list

TAGS = ["messages"]
REFUSALS = (
    "400 with `recipients` naming each member who does not accept messages from the caller "
    "(for whatever reason: their settings or a block read the same), and with `body` when the "
    "caller is over their trust level's limits (messages a day, pace, links, images)."
)
# What a member's trust level refuses in a message (members.trust).
BODY_REFUSALS = ["daily_limit", "too_fast", "too_many_links", "too_many_mentions", "no_images"]
# What the list of files and each file in it may be refused for, all reported on `attachments`.
ATTACHMENT_REFUSALS = [
    *("invalid", "no_name", "empty", "max_length", "not_a_list", "null", "required"),
    *uploads.ERROR_CODES,
]


def conversation_data(conversation) -> dict:
    return {
        "id": conversation.pk,
        "subject": conversation.subject,
        "created_at": conversation.created_at,
        "last_message_at": conversation.last_message_at,
        "participants": selectors.participants(conversation),
    }


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
@extend_validation_errors(
    # The list's own codes and its items' (reported on the list), and the services' refusals.
    [
        *("blank", "invalid", "max_length", "min_length", "not_a_list", "null"),
        *("null_characters_not_allowed", "required", "surrogate_characters_not_allowed"),
        *("not_accepted", "too_many_recipients", "unknown"),
    ],
    field_name="recipients",
    methods=["post"],
)
@extend_validation_errors(BODY_REFUSALS, field_name="body", methods=["post"])
@extend_validation_errors(["inactive"], field_name="non_field_errors", methods=["post"])
class ConversationList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_conversations_list",
        summary="My conversations",
        description="Most recent first, 20 a page, with the others in each and how many of "
        "their messages the caller has not read. Follow `next` until it is null.",
        parameters=[serializers.CursorQuerySerializer],
        responses=serializers.InboxPageSerializer,
    )
    def get(self, request):
        query = read_query(serializers.CursorQuerySerializer, request.query_params)
        page = selectors.inbox(member=request.user, cursor=query.get("cursor") or None)
        data = page_data(request, page.items, page.next_cursor)
        return Response(serializers.InboxPageSerializer(data).data)

    @extend_schema(
        tags=TAGS,
        summary="Start a conversation",
        description="Writes a first message to one or more members, by handle. " + REFUSALS,
        request=serializers.StartConversationSerializer,
        responses={201: serializers.ConversationSerializer},
    )
    def post(self, request):
        given = serializers.StartConversationSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        handles = given.validated_data["recipients"]
        found = selectors.members_by_handles(request.user, handles)
        with service_errors():
            missing = [handle for handle in handles if handle not in found]
            if missing:
                raise DjangoValidationError(
                    {
                        "recipients": DjangoValidationError(
                            _("No member has the handle %(handles)s.")
                            % {"handles": join_list(missing)},
                            code="unknown",
                        )
                    }
                )
        with service_errors():
            conversation = services.start_conversation(
                author=request.user,
                recipients=[found[handle] for handle in dict.fromkeys(handles)],
                subject=given.validated_data.get("subject", ""),
                body=given.validated_data["body"],
            )
        return Response(
            serializers.ConversationSerializer(conversation_data(conversation)).data,
            status=status.HTTP_201_CREATED,
        )


class ConversationDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A conversation",
        description="404 unless the caller takes part in it.",
        parameters=[id_parameter("conversation_id")],
        responses=serializers.ConversationSerializer,
    )
    def get(self, request, conversation_id: str):
        conversation = access.access_conversation(request.user, path_id(conversation_id))
        return Response(serializers.ConversationSerializer(conversation_data(conversation)).data)


@documents_errors_of(serializers.CursorQuerySerializer, methods=["get"])
@extend_validation_errors([*BODY_REFUSALS, "not_accepted"], field_name="body", methods=["post"])
@extend_validation_errors(ATTACHMENT_REFUSALS, field_name="attachments", methods=["post"])
@extend_validation_errors(["inactive"], field_name="non_field_errors", methods=["post"])
class MessageList(APIView):
    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        summary="A conversation's messages",
        description="Newest first, 30 a page; `next` leads to older ones. Reading the first "
        "page marks the conversation read. 404 unless the caller takes part in it.",
        parameters=[id_parameter("conversation_id"), serializers.CursorQuerySerializer],
        responses=serializers.MessagePageSerializer,
    )
    def get(self, request, conversation_id: str):
        conversation = access.access_conversation(request.user, path_id(conversation_id))
        query = read_query(serializers.CursorQuerySerializer, request.query_params)
        page = selectors.messages(conversation=conversation, cursor=query.get("cursor") or None)
        if not query.get("cursor"):
            services.mark_read(member=request.user, conversation=conversation)
        data = page_data(request, page.items, page.next_cursor)
        return Response(serializers.MessagePageSerializer(data, context={"request": request}).data)

    @extend_schema(
        tags=TAGS,
        summary="Write in a conversation",
        description="As JSON, or as a multipart form to attach files. 400 with `body` when the "
        "caller is over their limits or a block stands between the two members of a "
        "conversation, with `attachments` naming each file refused and why (its type found "
        "from its content, its name's extension, its size, how many). 404 unless the caller "
        "takes part in it.",
        parameters=[id_parameter("conversation_id")],
        request=serializers.SendMessageSerializer,
        responses={201: serializers.MessageSerializer},
    )
    def post(self, request, conversation_id: str):
        conversation = access.access_conversation(
            request.user, path_id(conversation_id), for_write=True
        )
        given = serializers.SendMessageSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            message = services.send_message(
                author=request.user,
                conversation=conversation,
                body=given.validated_data["body"],
                attachments=given.validated_data.get("attachments", []),
            )
        data = serializers.MessageSerializer(message, context={"request": request}).data
        return Response(data, status=201)


class WhateverIsAccepted(BaseContentNegotiation):
    """A download is the type it is, whatever the client says it accepts; errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class AttachmentDownload(APIView):
    permission_classes = [permissions.IsAuthenticated]
    content_negotiation_class = WhateverIsAccepted

    @extend_schema(
        tags=TAGS,
        summary="Download an attached file",
        description="The file, as an attachment under its sender's name, with the type its "
        "content was found to be. 404 unless the caller takes part in its conversation.",
        parameters=[id_parameter("attachment_id")],
        responses={
            (200, kind): OpenApiResponse({"type": "string", "format": "binary"})
            for kind in AttachmentKind.values
        },
    )
    def get(self, request, attachment_id: str):
        attachment = access.access_attachment(request.user, path_id(attachment_id))
        return attachment_response(request, attachment)


@documents_errors_of(serializers.MessagingSettingsSerializer, methods=["put"])
class MessagingSettingsView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "put", "head", "options"]

    @extend_schema(
        tags=TAGS,
        summary="Who may write to me",
        responses=serializers.MessagingSettingsSerializer,
    )
    def get(self, request):
        settings = selectors.messaging_settings(request.user)
        return Response(serializers.MessagingSettingsSerializer(settings).data)

    @extend_schema(
        tags=TAGS,
        summary="Choose who may write to me",
        description="Any member, only members of my organisations, or nobody. Conversations "
        "that belong to an engagement stay open whatever the choice.",
        request=serializers.MessagingSettingsSerializer,
        responses=serializers.MessagingSettingsSerializer,
    )
    def put(self, request):
        given = serializers.MessagingSettingsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        with service_errors():
            settings = services.set_who_may_write(
                member=request.user, who=given.validated_data["who_may_write"]
            )
        return Response(serializers.MessagingSettingsSerializer(settings).data)


@extend_validation_errors(["unknown", "self"], field_name="handle", methods=["post"])
class BlockList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Members I blocked",
        description="Most recent first; not paginated.",
        responses=serializers.MemberSerializer(many=True),
    )
    def get(self, request):
        blocked = selectors.blocked_members(request.user)
        return Response(serializers.MemberSerializer(blocked, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Block a member",
        description="They can no longer start conversations with the caller nor reply in a "
        "conversation between the two; they are not told. Blocking twice changes nothing.",
        request=serializers.BlockInputSerializer,
        responses={201: serializers.MemberSerializer},
    )
    def post(self, request):
        given = serializers.BlockInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        handle = given.validated_data["handle"]
        member = selectors.members_by_handles(request.user, [handle]).get(handle)
        with service_errors():
            if member is None:
                raise DjangoValidationError(
                    {"handle": DjangoValidationError(_("No member has this handle."), "unknown")}
                )
            services.block_member(member=request.user, blocked=member)
        return Response(serializers.MemberSerializer(member).data, status=201)


class BlockDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Unblock a member",
        description="404 when the caller has not blocked them.",
        responses={204: None},
    )
    def delete(self, request, handle: str):
        member = selectors.blocked_member(request.user, path_text(handle))
        if member is None:
            raise Http404
        services.unblock_member(member=request.user, blocked=member)
        return Response(status=status.HTTP_204_NO_CONTENT)
