"""The digest API: the caller's own subscription, changed through the same service as the
settings page (which records a change of frequency as a consent change, source "api")."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import documents_errors_of, service_errors
from digests import selectors, serializers, services
from digests.models import ConsentEvent


@documents_errors_of(serializers.SubscriptionSerializer, methods=["put", "patch"])
class DigestSubscription(APIView):
    permission_classes = [permissions.IsAuthenticated]

    def respond(self, request):
        subscription = selectors.subscription_of(request.user)
        return Response(serializers.SubscriptionSerializer(subscription).data)

    @extend_schema(
        tags=["digests"],
        operation_id="v1_digest_subscription_retrieve",
        summary="My digest subscription",
        description="How often (`daily`, `weekly`, `monthly`, `off`), on which day and hour of "
        "my own time zone, about what, in which language.",
        responses=serializers.SubscriptionSerializer,
    )
    def get(self, request):
        services.subscribe_new_member(member=request.user)
        return self.respond(request)

    def change(self, request, *, partial: bool):
        subscription = services.subscribe_new_member(member=request.user)
        body = serializers.SubscriptionSerializer(subscription, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        with service_errors():
            services.change_subscription(
                member=request.user, source=ConsentEvent.Source.API, **body.validated_data
            )
        return self.respond(request)

    @extend_schema(
        tags=["digests"],
        summary="Change my digest subscription",
        description="Every field; `time_zone` is an IANA name such as `America/Vancouver`.",
        request=serializers.SubscriptionSerializer,
        responses=serializers.SubscriptionSerializer,
    )
    def put(self, request):
        return self.change(request, partial=False)

    @extend_schema(
        tags=["digests"],
        summary="Change part of my digest subscription",
        description='Only the fields sent change; `{"frequency": "off"}` unsubscribes.',
        request=serializers.SubscriptionSerializer,
        responses=serializers.SubscriptionSerializer,
    )
    def patch(self, request):
        return self.change(request, partial=True)
