"""The economy updates API: the public list with its filters and an update's page for everyone;
the Editor's desk, writing, publishing (now or scheduled), unpublishing and discarding for
Editors. Every update comes through ``economy.access`` (404 when the caller may not know it
exists, 403 when they may read it but not change it); every change goes through
``economy.services``, whose ValidationErrors become 400s naming the field at fault (or
``non_field_errors`` for a rule about the update's state)."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema
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
from economy import access, selectors, serializers, services
from economy.models import EconomyUpdate
from members.models import CityRegion, Sector

TAGS = ["economy updates"]
PAGE_SIZE = 20
UPDATE_ID = id_parameter("update_id")
# What services refuse for reasons a JSON schema cannot state, by field.
TEXT_CODES = ["min_length", "max_length", "null"]
FORBIDDEN = {403: ErrorResponse403Serializer}


def error_codes(methods: list[str], **codes_by_field: list[str]):
    def decorate(view):
        for field, codes in codes_by_field.items():
            view = extend_validation_errors(codes, field_name=field, methods=methods)(view)
        return view

    return decorate


def _editor(request) -> None:
    if not access.is_editor(request.user):
        raise PermissionDenied


def update_response(request, update_id: int, *, status_code=status.HTTP_200_OK) -> Response:
    """The update as its page shows it to the caller, read again through the door."""
    update = access.access_update(request.user, update_id)
    editor = access.is_editor(request.user)
    context = {
        "is_editor": editor,
        "missing": services.missing_for_publishing(update)
        if editor and update.status != EconomyUpdate.Status.PUBLISHED
        else {},
    }
    data = serializers.EconomyUpdateSerializer(update, context=context).data
    return Response(data, status=status_code)


def _filters(query: dict) -> selectors.UpdateFilters | None:
    """The list's filters with their keys read; None when a filter names nothing that exists
    (no update can match it)."""
    sectors = list(Sector.objects.filter(slug__in=query.get("sector") or []))
    regions = list(CityRegion.objects.filter(slug__in=query.get("region") or []))
    if (query.get("sector") and not sectors) or (query.get("region") and not regions):
        return None
    return selectors.UpdateFilters(
        query=query.get("q") or "",
        sectors=sectors,
        city_regions=regions,
        language=query.get("language") or "",
    )


@documents_errors_of(serializers.UpdateQuerySerializer, methods=["get"])
@error_codes(
    ["post"],
    title=TEXT_CODES,
    summary=TEXT_CODES,
    body=TEXT_CODES,
    source_name=TEXT_CODES,
    source_url=["invalid", *TEXT_CODES],
    language=["invalid"],
)
class EconomyUpdateList(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_economy_updates_list",
        summary="Economy updates",
        description="Published updates whose time has come, newest first, 20 a page: follow "
        "`next` until it is null. Filters: words (`q`), sectors and city-regions by key (any "
        "of those repeated), the language written in. Open to everyone.",
        parameters=[serializers.UpdateQuerySerializer],
        responses=serializers.EconomyUpdatePageSerializer,
    )
    def get(self, request):
        query = read_query(serializers.UpdateQuerySerializer, request.query_params)
        filters = _filters(query)
        rows = (
            selectors.published_updates(filters)
            if filters is not None
            else EconomyUpdate.objects.none()
        )
        filters = filters or selectors.UpdateFilters()
        page = paginate(
            rows,
            order=("-published_at", "-pk"),
            cursor=query.get("cursor") or None,
            size=PAGE_SIZE,
            scope=filters.scope(),
        )
        results = serializers.EconomyUpdateCardSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))

    @extend_schema(
        tags=TAGS,
        summary="Write an economy update",
        description="Editors only (403 for other members): a draft, which readers do not see "
        "until it is published. Sectors and city-regions are written as keys; any field left "
        "out stays empty.",
        request=serializers.NewEconomyUpdateSerializer,
        responses={201: serializers.EconomyUpdateSerializer, **FORBIDDEN},
    )
    def post(self, request):
        _editor(request)
        fields = serializers.NewEconomyUpdateSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        with service_errors():
            update = services.create_update(author=request.user, **fields.validated_data)
        return update_response(request, update.pk, status_code=status.HTTP_201_CREATED)


@documents_errors_of(serializers.DeskQuerySerializer, methods=["get"])
class EconomyUpdateDesk(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        operation_id="v1_economy_updates_desk",
        summary="The Editor's desk",
        description="Editors only (403 for other members): drafts, updates imported from feeds "
        "that wait for review, or scheduled ones (`tab`), latest changed first, 20 a page.",
        parameters=[serializers.DeskQuerySerializer],
        responses={200: serializers.DeskPageSerializer, **FORBIDDEN},
    )
    def get(self, request):
        _editor(request)
        query = read_query(serializers.DeskQuerySerializer, request.query_params)
        tab = query.get("tab") or selectors.DESK_TABS[0]
        page = paginate(
            selectors.desk_updates(tab),
            order=("-updated_at", "-pk"),
            cursor=query.get("cursor") or None,
            size=PAGE_SIZE,
            scope={"tab": tab},
        )
        results = serializers.DeskUpdateSerializer(page.items, many=True).data
        return Response(page_data(request, results, page.next_cursor))


@error_codes(
    ["patch"],
    title=TEXT_CODES,
    summary=[*TEXT_CODES, "missing"],
    body=TEXT_CODES,
    source_name=TEXT_CODES,
    source_url=["invalid", *TEXT_CODES],
    language=["invalid"],
)
class EconomyUpdateDetail(APIView):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=TAGS,
        summary="An economy update",
        description="Everyone reads published updates whose time has come; Editors also read "
        "drafts, scheduled updates and imports waiting for review (with `editorial`, null for "
        "other readers). 404 for anything else.",
        parameters=[UPDATE_ID],
        responses=serializers.EconomyUpdateSerializer,
    )
    def get(self, request, update_id: str):
        return update_response(request, path_id(update_id))

    @extend_schema(
        tags=TAGS,
        summary="Change an economy update",
        description="Editors only (403 for other readers), in any state. Only the fields sent "
        "change; lists replace what was there. A published update must keep a summary or a "
        "body.",
        parameters=[UPDATE_ID],
        request=serializers.EconomyUpdateInputSerializer,
        responses={200: serializers.EconomyUpdateSerializer, **FORBIDDEN},
    )
    def patch(self, request, update_id: str):
        update = access.access_update(request.user, path_id(update_id), for_write=True)
        changes = serializers.EconomyUpdateInputSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        with service_errors():
            services.change_update(update=update, actor=request.user, **changes.validated_data)
        return update_response(request, update.pk)


@error_codes(["post"], summary=["missing"], at=["past"], non_field_errors=["published"])
class PublishUpdate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Publish an economy update",
        description="Editors only (403 for other readers). A draft, an import waiting for "
        "review or a scheduled update goes out now, or at `at` (a time still to come "
        "schedules it). 400 `published` when it is already out, `past` for a time gone by, "
        "`missing` on `summary` when it has neither summary nor body.",
        parameters=[UPDATE_ID],
        request=serializers.PublishSerializer,
        responses={200: serializers.EconomyUpdateSerializer, **FORBIDDEN},
    )
    def post(self, request, update_id: str):
        update = access.access_update(request.user, path_id(update_id), for_write=True)
        fields = serializers.PublishSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        with service_errors():
            services.publish_update(
                update=update, actor=request.user, at=fields.validated_data.get("at")
            )
        return update_response(request, update.pk)


@error_codes(["post"], non_field_errors=["not_published"])
class UnpublishUpdate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Unpublish an economy update",
        description="Editors only (403 for other readers): a published or scheduled update "
        "becomes a draft again. 400 `not_published` otherwise.",
        parameters=[UPDATE_ID],
        request=None,
        responses={200: serializers.EconomyUpdateSerializer, **FORBIDDEN},
    )
    def post(self, request, update_id: str):
        update = access.access_update(request.user, path_id(update_id), for_write=True)
        with service_errors():
            services.unpublish_update(update=update, actor=request.user)
        return update_response(request, update.pk)


@error_codes(["post"], non_field_errors=["published"])
class DiscardUpdate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Discard an economy update",
        description="Editors only (403 for other readers): a draft, or an import waiting for "
        "review that should not be published, is deleted. 400 `published` for a published "
        "or scheduled one: unpublish it first.",
        parameters=[UPDATE_ID],
        request=serializers.DiscardSerializer,
        responses={204: OpenApiResponse(description="Discarded."), **FORBIDDEN},
    )
    def post(self, request, update_id: str):
        update = access.access_update(request.user, path_id(update_id), for_write=True)
        fields = serializers.DiscardSerializer(data=request.data)
        fields.is_valid(raise_exception=True)
        with service_errors():
            services.discard_update(
                update=update, actor=request.user, reason=fields.validated_data.get("reason", "")
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
