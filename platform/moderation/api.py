"""The moderation API: members flag what they can see, through the same service as the page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import documents_errors_of, service_errors
from moderation import serializers, services, targets


@documents_errors_of(serializers.FlagSerializer, methods=["post"])
class FlagList(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.FlagSerializer

    @extend_schema(
        tags=["moderation"],
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
