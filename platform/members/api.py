"""The members API: thin views over the same access, selector, presenter and service functions
as the pages. Serializers validate input and shape output; the rules live in services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core import images
from core.api import (
    documents_errors_of,
    id_parameter,
    path_id,
    path_text,
    read_query,
    service_errors,
)
from members import access, presenters, selectors, serializers, services
from members.models import (
    CityRegion,
    Country,
    EngagementType,
    KnowledgeStage,
    Language,
    Profile,
    Sector,
)

PAGINATION = (
    "Keyset pagination, 20 results a page: follow `next` (it keeps the filters) until it is null. "
    "`facets` count every match, so that filters can show how many results each value gives. "
)

# --- Account --------------------------------------------------------------------------------------


class AccountView(generics.RetrieveUpdateAPIView):
    """The signed-in member's account."""

    serializer_class = serializers.AccountSerializer
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = services.update_account(
            user=self.request.user, **serializer.validated_data
        )


# --- Reference data -------------------------------------------------------------------------------


class ReferenceList(generics.ListAPIView):
    """Reference data with names in the request's language (Accept-Language); not paginated."""

    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []
    model = None

    def get_queryset(self):
        return selectors.reference_items(self.model)


@extend_schema(tags=["reference data"], summary="Sectors (clusters), by English name")
class SectorList(ReferenceList):
    model = Sector
    serializer_class = serializers.SectorSerializer


@extend_schema(tags=["reference data"], summary="Countries, by English name")
class CountryList(ReferenceList):
    model = Country
    serializer_class = serializers.CountrySerializer


@extend_schema(tags=["reference data"], summary="Languages, by English name")
class LanguageList(ReferenceList):
    model = Language
    serializer_class = serializers.LanguageSerializer


@extend_schema(tags=["reference data"], summary="Engagement types, in the order they are offered")
class EngagementTypeList(ReferenceList):
    model = EngagementType
    serializer_class = serializers.EngagementTypeSerializer


@extend_schema(tags=["reference data"], summary="Knowledge stages, in order")
class KnowledgeStageList(ReferenceList):
    model = KnowledgeStage
    serializer_class = serializers.KnowledgeStageSerializer


@documents_errors_of(serializers.CityRegionQuerySerializer, methods=["get"])
@extend_schema(
    tags=["reference data"],
    summary="City-regions, by English name",
    parameters=[serializers.CityRegionQuerySerializer],
)
class CityRegionList(ReferenceList):
    model = CityRegion
    serializer_class = serializers.CityRegionSerializer

    def get_queryset(self):
        query = read_query(serializers.CityRegionQuerySerializer, self.request.query_params)
        return selectors.city_regions(country=query.get("country"))


@documents_errors_of(serializers.ExpertiseTagQuerySerializer, methods=["get"])
@extend_schema(
    tags=["reference data"],
    summary="Expertise tag suggestions",
    description="At most 20 tags whose normalised spelling starts with `q`, in that order.",
    parameters=[serializers.ExpertiseTagQuerySerializer],
)
class ExpertiseTagList(ReferenceList):
    serializer_class = serializers.ExpertiseTagSerializer

    def get_queryset(self):
        query = read_query(serializers.ExpertiseTagQuerySerializer, self.request.query_params)
        return selectors.expertise_tag_suggestions(query.get("q", ""))


# --- Members --------------------------------------------------------------------------------------


@documents_errors_of(serializers.MemberQuerySerializer, methods=["get"])
class MemberList(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["members"],
        operation_id="v1_members_list",
        summary="Find members",
        description="The directory: the members this caller may find, with the same filters as "
        "its page. Unknown keys in filters match nobody. " + PAGINATION,
        parameters=[serializers.MemberQuerySerializer],
        responses=serializers.MemberPageSerializer,
    )
    def get(self, request):
        page = presenters.member_search(request).for_api()
        return Response(serializers.MemberPageSerializer(page, context={"request": request}).data)


class MemberDetail(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        tags=["members"],
        summary="A member's profile",
        description="Sensitive fields ("
        + ", ".join(Profile.SENSITIVE_FIELDS)
        + ") are null unless their owner lets this caller see them. "
        "404 when the caller may not see the profile.",
        responses=serializers.PublicProfileSerializer,
    )
    def get(self, request, handle: str):
        profile = access.access_profile(request.user, path_text(handle))
        context = {"request": request, "visible": access.visible_fields(request.user, profile)}
        return Response(serializers.PublicProfileSerializer(profile, context=context).data)


@documents_errors_of(serializers.OwnProfileSerializer, methods=["patch"])
@extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["patch"])
@extend_validation_errors(["null"], field_name="visibility", methods=["patch"])
class OwnProfile(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.OwnProfileSerializer

    def profile(self, request):
        return access.access_own_profile(request.user, *selectors.PAGE_PARTS)

    def respond(self, request, profile):
        return Response(
            serializers.OwnProfileSerializer(profile, context={"request": request}).data
        )

    @extend_schema(
        tags=["members"], summary="My profile", responses=serializers.OwnProfileSerializer
    )
    def get(self, request):
        return self.respond(request, self.profile(request))

    @extend_schema(
        tags=["members"],
        summary="Change my profile",
        description="Only the fields sent change; lists replace what was there. Reference data "
        "is written as keys (slugs, codes), expertise and advice topics as lists of names.",
        request=serializers.OwnProfileSerializer,
        responses=serializers.OwnProfileSerializer,
    )
    def patch(self, request):
        profile = self.profile(request)
        changes = serializers.OwnProfileSerializer(
            profile, data=request.data, partial=True, context={"request": request}
        )
        changes.is_valid(raise_exception=True)
        data = dict(changes.validated_data)
        visibility = data.pop("visibility", None)
        with transaction.atomic(), service_errors():
            services.update_profile(profile=profile, **data)
            if visibility:
                services.set_field_visibility(profile=profile, visibility=visibility)
        return self.respond(request, self.profile(request))


# --- Organisations --------------------------------------------------------------------------------


@documents_errors_of(serializers.OrganisationQuerySerializer, methods=["get"])
@extend_validation_errors(["invalid"], field_name="category", methods=["post"])
@extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["post"])
class OrganisationList(APIView):
    serializer_class = serializers.OrganisationSerializer

    @extend_schema(
        tags=["organisations"],
        operation_id="v1_organisations_list",
        summary="Find organisations",
        description="The organisation directory, with the same filters as its page. " + PAGINATION,
        parameters=[serializers.OrganisationQuerySerializer],
        responses=serializers.OrganisationPageSerializer,
    )
    def get(self, request):
        page = presenters.organisation_search(request).for_api()
        return Response(
            serializers.OrganisationPageSerializer(page, context={"request": request}).data
        )

    @extend_schema(
        tags=["organisations"],
        summary="Create an organisation",
        description="Any signed-in member; they become its owner.",
        request=serializers.OrganisationSerializer,
        responses={201: serializers.OrganisationSerializer},
    )
    def post(self, request):
        fields = serializers.OrganisationSerializer(data=request.data, context={"request": request})
        fields.is_valid(raise_exception=True)
        with service_errors():
            organisation = services.create_organisation(
                creator=request.user, **fields.validated_data
            )
        organisation = access.access_organisation(request.user, organisation.slug)
        return Response(
            serializers.OrganisationSerializer(organisation, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


@extend_validation_errors(["invalid"], field_name="category", methods=["patch"])
@extend_validation_errors(["invalid"], field_name="non_field_errors", methods=["patch"])
class OrganisationDetail(APIView):
    serializer_class = serializers.OrganisationSerializer

    @extend_schema(tags=["organisations"], summary="An organisation")
    def get(self, request, slug: str):
        organisation = access.access_organisation(request.user, path_text(slug))
        return Response(
            serializers.OrganisationSerializer(organisation, context={"request": request}).data
        )

    @extend_schema(
        tags=["organisations"],
        summary="Change an organisation",
        description="Owners only (403 for others). `verified` is set by staff.",
    )
    def patch(self, request, slug: str):
        organisation = access.access_organisation(request.user, path_text(slug), for_write=True)
        changes = serializers.OrganisationSerializer(
            organisation, data=request.data, partial=True, context={"request": request}
        )
        changes.is_valid(raise_exception=True)
        with service_errors():
            services.update_organisation(organisation=organisation, **changes.validated_data)
        organisation = access.access_organisation(request.user, organisation.slug)
        return Response(
            serializers.OrganisationSerializer(organisation, context={"request": request}).data
        )


class MembershipList(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["organisations"],
        summary="Who belongs to an organisation",
        description="Signed-in members only; names and roles, owners first. Not paginated.",
        responses=serializers.MembershipSerializer(many=True),
    )
    def get(self, request, slug: str):
        organisation = access.access_organisation(request.user, path_text(slug))
        return Response(
            serializers.MembershipSerializer(
                access.visible_memberships(request.user, organisation), many=True
            ).data
        )


@extend_validation_errors(["last_owner"], field_name="non_field_errors", methods=["delete"])
class MembershipDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        tags=["organisations"],
        summary="End a membership",
        description="Owners remove members; members leave. 400 (`last_owner`) when it would "
        "leave the organisation without an owner.",
        parameters=[id_parameter("membership_id")],
        responses={204: None},
    )
    def delete(self, request, slug: str, membership_id: str):
        organisation = access.access_organisation(request.user, path_text(slug))
        membership = access.access_membership(request.user, organisation, path_id(membership_id))
        with service_errors(code="last_owner"):
            services.remove_member(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationList(APIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.InvitationSerializer

    @extend_schema(
        tags=["organisations"],
        summary="Invite someone to an organisation",
        description="Owners only. The invitation is sent by e-mail and can be accepted for 14 "
        "days; inviting the same address again replaces the open invitation.",
        responses={201: serializers.InvitationSerializer},
    )
    def post(self, request, slug: str):
        organisation = access.access_organisation(request.user, path_text(slug), for_write=True)
        invitation = serializers.InvitationSerializer(data=request.data)
        invitation.is_valid(raise_exception=True)
        try:
            created = services.invite_member(
                organisation=organisation, invited_by=request.user, **invitation.validated_data
            )
        except DjangoValidationError as error:
            raise ValidationError({"email": error.messages}) from error
        return Response(
            serializers.InvitationSerializer(created).data, status=status.HTTP_201_CREATED
        )


# --- Photo ----------------------------------------------------------------------------------------


@extend_validation_errors(list(images.ERROR_CODES), field_name="photo", methods=["put"])
class OwnPhoto(APIView):
    """The signed-in member's photo, sent as a file in a multipart form."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=["members"],
        summary="Upload my photo",
        description="Replaces the photo. Who sees it follows `visibility.photo` of my profile; "
        "its address answers 404 to everyone else. A file that is not a JPEG, PNG or WebP image "
        "we can read, or that is too large to process, gets a 400 naming `photo`.",
        request=serializers.PhotoUploadSerializer,
        responses=serializers.PhotoSerializer,
    )
    def put(self, request):
        profile = access.access_own_profile(request.user)
        upload = serializers.PhotoUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        services.set_photo(profile=profile, jpeg=upload.validated_data["photo"])
        return Response(serializers.PhotoSerializer(profile, context={"request": request}).data)

    @extend_schema(
        tags=["members"],
        summary="Remove my photo",
        description="The photo and its file are deleted; 204 also when there was none.",
        responses={204: None},
    )
    def delete(self, request):
        services.remove_photo(profile=access.access_own_profile(request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)
