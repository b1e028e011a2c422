"""The members API's input validation and output shapes; the rules themselves live in services."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.images import PORTRAIT_SIZE, portrait_jpeg
from core.serializers import (
    COUNTRY_CODE,
    FlatListField,
    InputModelSerializer,
    ModelSerializer,
    QueryBooleanField,
    ReferenceField,
    ReferenceListField,
    StrictEmailField,
    Text,
    choice_filter,
    cursor_filter,
    key_filter,
    keys_filter,
    query_text,
)
from core.validators import visible_text
from members.directory import SortChoices
from members.models import (
    CityRegion,
    Corridor,
    Country,
    CountryExperience,
    Designation,
    EngagementType,
    ExpertiseTag,
    Invitation,
    KnowledgeStage,
    Language,
    Membership,
    Organisation,
    Profile,
    ProfileLanguage,
    ProfileLink,
    Sector,
    User,
    Visibility,
)

# --- Account --------------------------------------------------------------------------------------


class AccountSerializer(InputModelSerializer):
    """The signed-in member's own account; it is the only place their e-mail is serialised."""

    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "language", "date_joined"]
        read_only_fields = ["id", "email", "date_joined"]
        extra_kwargs = {"display_name": {"required": False}}


# --- Reference data -------------------------------------------------------------------------------


class NamedSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")


class SectorSerializer(NamedSerializer):
    class Meta:
        model = Sector
        fields = ["slug", "name"]


class CountrySerializer(NamedSerializer):
    class Meta:
        model = Country
        fields = ["code", "name"]


class CityRegionSerializer(NamedSerializer):
    country = serializers.CharField(source="country.code", read_only=True)

    class Meta:
        model = CityRegion
        fields = ["slug", "name", "country"]


class LanguageSerializer(NamedSerializer):
    class Meta:
        model = Language
        fields = ["code", "name"]


class EngagementTypeSerializer(NamedSerializer):
    class Meta:
        model = EngagementType
        fields = ["slug", "name"]


class KnowledgeStageSerializer(NamedSerializer):
    class Meta:
        model = KnowledgeStage
        fields = ["slug", "name", "position"]


class ExpertiseTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertiseTag
        fields = ["key", "name"]


class CityRegionQuerySerializer(serializers.Serializer):
    country = key_filter(
        COUNTRY_CODE, help_text="Only the city-regions of this country (ISO code, e.g. CA)."
    )


class ExpertiseTagQuerySerializer(serializers.Serializer):
    q = query_text(
        max_length=60, help_text="The beginning of a tag, matched on its normalised spelling."
    )


# --- Directory ------------------------------------------------------------------------------------


class DirectoryQuerySerializer(serializers.Serializer):
    q = query_text(help_text="Keywords; every word must match.")
    sector = keys_filter(help_text="Sector slugs, repeatable: any of them matches.")
    region = key_filter(help_text="A city-region slug.")
    sort = choice_filter(
        SortChoices.choices,
        help_text="Relevance applies when there are keywords; otherwise recent activity.",
    )
    cursor = cursor_filter()

    def validate_sector(self, value):
        return [slug for slug in value if slug]


class MemberQuerySerializer(DirectoryQuerySerializer):
    country = key_filter(
        COUNTRY_CODE, help_text="Country of origin (ISO code), where members show it."
    )
    language = key_filter(help_text="A language code, e.g. cmn or yue.")
    engagement = key_filter(help_text="An engagement type slug.")
    organisation_kind = choice_filter(
        Organisation.Kind.choices, help_text="Members of an organisation of this kind."
    )
    available = QueryBooleanField(
        required=False, help_text="Only members open to help requests now."
    )


class OrganisationQuerySerializer(DirectoryQuerySerializer):
    kind = choice_filter(Organisation.Kind.choices)


class FacetCountSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="A filter value, as the filter takes it.")
    count = serializers.IntegerField(help_text="How many results that value would give.")


def facet(help_text):
    return FacetCountSerializer(many=True, help_text=help_text)


class MemberFacetsSerializer(serializers.Serializer):
    sector = facet("Sector slugs")
    region = facet("Canadian city-region slugs")
    country = facet("Country of origin codes, counted where members show it")
    language = facet("Language codes")
    engagement = facet("Engagement type slugs")
    available = serializers.IntegerField(help_text="Members open to help requests now.")


class OrganisationFacetsSerializer(serializers.Serializer):
    kind = facet("Kinds of organisation")
    sector = facet("Sector slugs")


# --- Profiles -------------------------------------------------------------------------------------


class TagsField(FlatListField):
    """Free tags as a list of names, as many and as long as ``ExpertiseTag.validate_names``
    allows; spellings that normalise alike become one tag. Read back as the names stored."""

    # The code the model's check raises, listed so that the schema documents it.
    default_error_messages = {"too_many": ExpertiseTag.TOO_MANY}

    def __init__(self, **kwargs):
        child = Text(
            max_length=ExpertiseTag.MAX_LENGTH,
            allow_blank=True,
            error_messages={"max_length": ExpertiseTag.TOO_LONG},
        )
        super().__init__(
            child=child, required=False, validators=[ExpertiseTag.validate_names], **kwargs
        )

    def to_representation(self, tags):
        return [tag.name for tag in tags.all()]


class TagsFieldSchema(OpenApiSerializerFieldExtension):
    target_class = TagsField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            schema = auto_schema._map_serializer_field(
                self.target, direction, bypass_extensions=True
            )
            return {**schema, "maxItems": ExpertiseTag.MAX_PER_LIST}
        return {"type": "array", "items": {"type": "string"}}


class SpokenLanguageSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="language.code")
    name = serializers.CharField(source="language.name")

    class Meta:
        model = ProfileLanguage
        fields = ["code", "name", "level"]


class CorridorSerializer(serializers.ModelSerializer):
    china_region = ReferenceField(read_only=True)
    canada_region = ReferenceField(read_only=True)
    sector = ReferenceField(read_only=True)

    class Meta:
        model = Corridor
        fields = ["china_region", "canada_region", "sector"]


class CountryExperienceSerializer(serializers.ModelSerializer):
    country = ReferenceField("code", read_only=True)

    class Meta:
        model = CountryExperience
        fields = ["country", "years"]


class DesignationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Designation
        fields = ["title", "jurisdiction"]


class LinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProfileLink
        fields = ["label", "url"]


class ProfileOrganisationSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")

    class Meta:
        model = Membership
        fields = ["slug", "name"]


def photo_address(request, profile: Profile) -> str | None:
    return request.build_absolute_uri(profile.photo_url) if profile.photo else None


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "readOnly": True})
class PhotoField(serializers.Field):
    """The address where the photo is served to those its member lets see it; null without one."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, profile):
        return photo_address(self.context["request"], profile)


class MemberCardSerializer(serializers.ModelSerializer):
    """A member as the directory lists them."""

    handle = serializers.CharField(
        read_only=True, help_text="The member's public handle: their profile is members/{handle}/."
    )
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    canadian_region = ReferenceField(read_only=True, allow_null=True)
    sectors = ReferenceField(many=True, read_only=True)
    expertise = TagsField(read_only=True)
    available = serializers.BooleanField(read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Profile
        fields = [
            "handle",
            "display_name",
            "headline",
            "canadian_region",
            "sectors",
            "expertise",
            "available",
            "photo",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_photo(self, profile) -> str | None:
        return photo_address(self.context["request"], profile) if profile.show_photo else None


class MemberPageSerializer(serializers.Serializer):
    results = MemberCardSerializer(many=True)
    count = serializers.IntegerField(help_text="How many results there are in all.")
    approximate = serializers.BooleanField(
        help_text="Whether `count` and `facets` are estimates: past 1,000 matches they are "
        "counted from a sample, and results come most recently active first."
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page with the same filters; null on the last one."
    )
    facets = MemberFacetsSerializer(help_text="Counts over every match, not just this page.")


PROFILE_FIELDS = [
    "handle",
    "display_name",
    "headline",
    "bio",
    "photo",
    "current_role",
    "employer",
    "years_experience",
    "canadian_region",
    "country_of_origin",
    "years_in_canada",
    "home_regions",
    "sectors",
    "expertise",
    "advice_topics",
    "languages",
    "engagement_types",
    "knowledge_stages",
    "corridors",
    "countries_worked",
    "designations",
    "links",
    "organisations",
    "hours_per_month",
    "open_to_requests",
    "paused",
    "max_open_engagements",
    "available",
]


class ProfileSerializer(ModelSerializer):
    handle = serializers.CharField(read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    photo = PhotoField()
    languages = SpokenLanguageSerializer(source="spoken", many=True, read_only=True)
    corridors = CorridorSerializer(many=True, read_only=True)
    countries_worked = CountryExperienceSerializer(many=True, read_only=True)
    organisations = ProfileOrganisationSerializer(
        source="user.memberships", many=True, read_only=True
    )
    available = serializers.BooleanField(read_only=True)

    class Meta:
        model = Profile
        fields = PROFILE_FIELDS


class PublicProfileSerializer(ProfileSerializer):
    """A profile as another viewer sees it: each sensitive field is null unless its owner lets
    this viewer see it (``context["visible"]``)."""

    employer = serializers.CharField(read_only=True, allow_null=True)
    country_of_origin = ReferenceField("code", read_only=True, allow_null=True)
    years_in_canada = serializers.IntegerField(read_only=True, allow_null=True)
    home_regions = ReferenceListField(allow_null=True)
    designations = DesignationSerializer(many=True, read_only=True, allow_null=True)
    links = LinkSerializer(many=True, read_only=True, allow_null=True)
    canadian_region = ReferenceField(read_only=True, allow_null=True)
    sectors = ReferenceField(many=True, read_only=True)
    expertise = TagsField(read_only=True)
    advice_topics = TagsField(read_only=True)
    engagement_types = ReferenceField(many=True, read_only=True)
    knowledge_stages = ReferenceField(many=True, read_only=True)

    class Meta(ProfileSerializer.Meta):
        read_only_fields = PROFILE_FIELDS

    def to_representation(self, profile):
        hidden = set(Profile.SENSITIVE_FIELDS) - self.context["visible"]
        data = super().to_representation(profile)
        data.update(dict.fromkeys(hidden, None))
        return data


@extend_schema_field(
    {"type": "string", "enum": Visibility.values, "description": "public, members or private"},
    component_name="Visibility",
)
class VisibilityField(serializers.ChoiceField):
    """Who sees a field: everyone, signed-in members, or only its owner; one schema component."""

    def __init__(self, **kwargs):
        super().__init__(choices=Visibility.choices, required=False, **kwargs)


class FieldVisibilitySerializer(serializers.Serializer):
    """Who sees each sensitive field of the member's profile."""

    def get_fields(self):
        return {field: VisibilityField() for field in Profile.SENSITIVE_FIELDS}

    def get_attribute(self, profile):
        return {field: profile.visibility_of(field) for field in Profile.SENSITIVE_FIELDS}


class OwnProfileSerializer(ProfileSerializer):
    """The signed-in member's own profile, with who sees what; reference data is written as keys."""

    serializer_field_mapping = InputModelSerializer.serializer_field_mapping

    canadian_region = ReferenceField(
        queryset=CityRegion.objects.in_canada(), allow_null=True, required=False
    )
    country_of_origin = ReferenceField(
        "code",
        pattern=COUNTRY_CODE,
        queryset=Country.objects.all(),
        allow_null=True,
        required=False,
    )
    home_regions = ReferenceField(many=True, queryset=Profile.home_region_choices(), required=False)
    sectors = ReferenceField(many=True, queryset=Sector.objects.all(), required=False)
    engagement_types = ReferenceField(
        many=True, queryset=EngagementType.objects.all(), required=False
    )
    knowledge_stages = ReferenceField(
        many=True, queryset=KnowledgeStage.objects.all(), required=False
    )
    expertise = TagsField()
    advice_topics = TagsField()
    designations = DesignationSerializer(many=True, read_only=True)
    links = LinkSerializer(many=True, read_only=True)
    visibility = FieldVisibilitySerializer(required=False)

    class Meta(ProfileSerializer.Meta):
        fields = [*PROFILE_FIELDS, "listing", "visibility", *Profile.INTENT_FIELDS]
        read_only_fields = Profile.INTENT_FIELDS


class PhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField(
        help_text="A JPEG, PNG or WebP image of 5 MB at most; it is cropped to its centre square "
        f"and stored as a JPEG of {PORTRAIT_SIZE} × {PORTRAIT_SIZE} pixels."
    )

    def validate_photo(self, upload) -> bytes:
        return portrait_jpeg(upload)


class PhotoSerializer(serializers.Serializer):
    photo = PhotoField()


# --- Organisations --------------------------------------------------------------------------------


class OrganisationSerializer(InputModelSerializer):
    slug = serializers.CharField(read_only=True)
    name = Text(max_length=160, validators=[visible_text])
    sectors = ReferenceField(many=True, queryset=Sector.objects.all(), required=False)
    city_regions = ReferenceField(many=True, queryset=CityRegion.objects.all(), required=False)
    website = serializers.URLField(max_length=300, required=False, allow_blank=True)

    class Meta:
        model = Organisation
        fields = ["slug", *Organisation.EDITABLE, "verified", "created_at"]
        read_only_fields = ["slug", "verified", "created_at"]
        extra_kwargs = {"category": {"help_text": "Only for facilitators, and fitting their kind."}}


class OrganisationCardSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(read_only=True)
    sectors = ReferenceField(many=True, read_only=True)
    city_regions = ReferenceField(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind", "category", "verified", "sectors", "city_regions"]


class OrganisationPageSerializer(serializers.Serializer):
    results = OrganisationCardSerializer(many=True)
    count = serializers.IntegerField(help_text="How many results there are in all.")
    approximate = serializers.BooleanField(
        help_text="Always false: organisations are few enough to count one by one."
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page with the same filters; null on the last one."
    )
    facets = OrganisationFacetsSerializer(help_text="Counts over every match.")


class MembershipSerializer(serializers.ModelSerializer):
    """Who belongs to an organisation: names and roles, never e-mail addresses."""

    member = serializers.CharField(
        source="user.profile.handle", read_only=True, help_text="The member's public handle."
    )
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "member", "display_name", "role", "joined_at"]


class InvitationSerializer(serializers.ModelSerializer):
    email = StrictEmailField(max_length=254)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    class Meta:
        model = Invitation
        fields = ["email", "role", "created_at", "expires_at"]
        read_only_fields = ["created_at", "expires_at"]
