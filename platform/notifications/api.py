"""The notifications API: the same selectors and services as the pages, for the caller only."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import documents_errors_of, page_data, read_query, service_errors
from notifications import registry, selectors, serializers, services

PAGE_SIZE = 30


@documents_errors_of(serializers.NotificationQuerySerializer, methods=["get"])
class NotificationList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["notifications"],
        operation_id="v1_notifications_list",
        summary="My notifications",
        description="Newest first, 30 a page: follow `next` until it is null.",
        parameters=[serializers.NotificationQuerySerializer],
        responses=serializers.NotificationPageSerializer,
    )
    def get(self, request):
        query = read_query(serializers.NotificationQuerySerializer, request.query_params)
        page = selectors.notifications_page(
            member=request.user,
            unread=query.get("unread"),
            cursor=query.get("cursor"),
            size=PAGE_SIZE,
        )
        data = page_data(request, page.items, page.next_cursor)
        return Response(serializers.NotificationPageSerializer(data).data)


@documents_errors_of(serializers.MarkReadSerializer, methods=["post"])
class MarkRead(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["notifications"],
        summary="Mark notifications read",
        description='`{"ids": [...]}` marks those of the caller\'s notifications; '
        '`{"all": true}` marks every one.',
        request=serializers.MarkReadSerializer,
        responses=serializers.MarkedSerializer,
    )
    def post(self, request):
        body = serializers.MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = None if body.validated_data["all"] else body.validated_data.get("ids", [])
        marked = services.mark_read(member=request.user, ids=ids)
        return Response({"marked": marked})


@documents_errors_of(serializers.SettingsSerializer, methods=["put"])
class NotificationSettings(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def respond(self, request):
        deliveries = selectors.deliveries_of(request.user)
        rows = [
            {"key": kind.key, "label": kind.label, "delivery": deliveries[kind.key]}
            for kind in registry.kinds()
        ]
        return Response(serializers.KindSettingSerializer(rows, many=True).data)

    @extend_schema(
        tags=["notifications"],
        operation_id="v1_notification_settings_retrieve",
        summary="How I hear of each kind of notification",
        description="`in_app`: on the site; `email`: on the site and by e-mail, batched; "
        "`off`: not at all.",
        responses=serializers.KindSettingSerializer(many=True),
    )
    def get(self, request):
        return self.respond(request)

    @extend_schema(
        tags=["notifications"],
        summary="Change how I hear of kinds of notification",
        description="Send `{kind: delivery}` for the kinds to change; the others stay as they are.",
        request=serializers.SettingsSerializer,
        responses=serializers.KindSettingSerializer(many=True),
    )
    def put(self, request):
        body = serializers.SettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.set_preferences(member=request.user, deliveries=dict(body.validated_data))
        return self.respond(request)
