"""The reports API: the dashboard's figures for a date range, as the page and its CSV exports
hold them, for those who may read the reports (401 for visitors, 403 for other members)."""

from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_serializers import ErrorResponse403Serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import documents_errors_of, read_query
from reports import access, selectors, serializers


@documents_errors_of(serializers.ReportQuerySerializer, methods=["get"])
@extend_validation_errors(["out_of_range", "before_start", "too_long"], field_name="to")
@extend_validation_errors(["out_of_range"], field_name="from")
@extend_validation_errors(["invalid"], field_name="sector")
class ReportFigures(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["reports"],
        operation_id="v1_reports_retrieve",
        summary="The administrators' report",
        description="Every table of the dashboard for a date range (`from`, `to`, both "
        "included; the last 90 days by default) and the knowledge network for one sector or "
        "all: members, forum activity, help requests, fairness, digests, moderation. Each table "
        "names its columns and what their values are; durations are in seconds. Administrators "
        "only (403 for other members).",
        parameters=[serializers.ReportQuerySerializer],
        responses={200: serializers.ReportSerializer, 403: ErrorResponse403Serializer},
    )
    def get(self, request):
        access.require_reports(request.user)
        query = read_query(serializers.ReportQuerySerializer, request.query_params)
        report = selectors.report(query["period"], sector=query["sector"])
        return Response(serializers.ReportSerializer(report).data)
