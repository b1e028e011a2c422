"""The matchmaking API's input validation and output shapes; the rules themselves live in services
and access. People appear by display name (and, for proposed experts, their public handle), never
by e-mail address; a feedback's private score is shown to staff only."""

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from conversations.serializers import handle_field
from core.serializers import ModelSerializer, ReferenceField, Text, cursor_filter
from matchmaking import selectors
from matchmaking.models import (
    DESCRIPTION_MAX_LENGTH,
    SCOPE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Engagement,
    Feedback,
    FollowUp,
    HelpRequest,
    Referral,
)
from members.models import CityRegion, KnowledgeStage, Language, Organisation, Sector, User
from notifications.serializers import StrictBooleanField, StrictIntegerField

# An organisation's address, spelt out so that Python's regexes and the ECMA-262 ones of OpenAPI
# tools read it alike (as forums does for its categories): ASCII letters, digits, "-" and "_",
# and every character past Latin-1's symbols in the Basic Multilingual Plane.
ORGANISATION_SLUG = r"^[-0-9A-Za-z_\u00C0-\uFFFF]+$"
ORGANISATION_SLUG_MAX_LENGTH = Organisation._meta.get_field("slug").max_length
MESSAGE_MAX_LENGTH = Engagement._meta.get_field("message").max_length
REASON_MAX_LENGTH = Engagement._meta.get_field("reason").max_length
FEEDBACK_TEXT_MAX_LENGTH = Feedback._meta.get_field("comment").max_length


def enum(choices, name: str, *, blank: bool = False):
    """A choice named in the schema (``status`` means one thing for a request and another for
    an engagement); ``blank``: empty until chosen."""
    values = [*choices.values, ""] if blank and "" not in choices.values else choices.values

    @extend_schema_field({"type": "string", "enum": values}, component_name=name)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, **kwargs)

    return EnumField


RequestStatus = enum(HelpRequest.Status, "HelpRequestStatus")
RequestKind = enum(HelpRequest.Kind, "HelpRequestKind", blank=True)
RequestSize = enum(HelpRequest.Size, "HelpRequestSize", blank=True)
RequestClosure = enum(HelpRequest.Closure, "HelpRequestClosure", blank=True)
RequestReview = enum(HelpRequest.Review, "HelpRequestReview")
EngagementStatus = enum(Engagement.Status, "EngagementStatus")
FollowUpUse = enum(FollowUp.Use, "FollowUpUse", blank=True)
ReferralOutcome = enum(Referral.Outcome, "ReferralOutcome")
NOTE_MAX_LENGTH = Referral._meta.get_field("note").max_length
STORY_MAX_LENGTH = FollowUp._meta.get_field("story").max_length


# --- Output -----------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class PersonSerializer(serializers.Serializer):
    display_name = serializers.CharField(read_only=True)


class HelpRequestCardSerializer(ModelSerializer):
    """A request as lists show it."""

    organisation = OrganisationRefSerializer(read_only=True)
    status = RequestStatus(read_only=True)
    closure = RequestClosure(read_only=True)
    review = RequestReview(read_only=True)
    kind = RequestKind(read_only=True)
    size = RequestSize(read_only=True)

    class Meta:
        model = HelpRequest
        fields = [
            "id",
            "title",
            "organisation",
            "status",
            "closure",
            "review",
            "kind",
            "size",
            "deadline",
            "audience",
            "created_at",
            "published_at",
        ]
        read_only_fields = fields


class HelpRequestPageSerializer(serializers.Serializer):
    results = HelpRequestCardSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class RequestForYouSerializer(HelpRequestCardSerializer):
    why = serializers.CharField(
        read_only=True, help_text="What makes the caller able to help: their sectors and topics."
    )

    class Meta(HelpRequestCardSerializer.Meta):
        fields = [*HelpRequestCardSerializer.Meta.fields, "why"]
        read_only_fields = fields


class RequestForYouPageSerializer(serializers.Serializer):
    results = RequestForYouSerializer(many=True, help_text="Most recently published first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class PublicFeedbackSerializer(ModelSerializer):
    """Feedback as the request's readers see it: who gave it, the rating and the comment."""

    class Meta:
        model = Feedback
        fields = ["side", "rating", "comment", "created_at"]
        read_only_fields = fields


class RequestReferralSerializer(ModelSerializer):
    """Whom a facilitator referred the request to, for the SME and staff."""

    referred_by = PersonSerializer(read_only=True, allow_null=True)
    member = PersonSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = ["id", "referred_by", "member", "organisation", "note", "created_at"]
        read_only_fields = fields


# context: ``missing`` (the readiness check, for the SME's members on a draft), ``feedback``,
# ``referrals``, ``may_offer``, ``may_refer`` and ``may_review``. (Comments: drf-spectacular
# would publish a docstring.)
class HelpRequestSerializer(HelpRequestCardSerializer):
    """A request as its page shows it to the caller."""

    sectors = ReferenceField(many=True, read_only=True)
    city_regions = ReferenceField(many=True, read_only=True)
    languages = ReferenceField("code", many=True, read_only=True)
    knowledge_stage = ReferenceField(read_only=True, allow_null=True)
    contact = serializers.SerializerMethodField(
        help_text="The point of contact at the SME; shown to the SME's members only."
    )
    sme_side = serializers.BooleanField(
        read_only=True, help_text="Whether the caller is one of the SME's members, who manage it."
    )
    awaits_review = serializers.BooleanField(read_only=True)
    missing = serializers.SerializerMethodField(
        help_text="What a draft still needs before it can be published, by field (empty when it "
        "is ready, and for everyone but the SME's members)."
    )
    may_offer = serializers.SerializerMethodField(
        help_text="Whether the caller may offer to help with it."
    )
    may_review = serializers.SerializerMethodField(
        help_text="Whether the caller (staff) may clear it for matching."
    )
    may_refer = serializers.SerializerMethodField(
        help_text="Whether the caller (a facilitator) may refer it to someone who could help."
    )
    feedback = serializers.SerializerMethodField(
        help_text="The ratings and comments given on its engagements."
    )
    referrals = serializers.SerializerMethodField(
        help_text="Whom facilitators referred it to (for the SME's members and staff)."
    )

    class Meta(HelpRequestCardSerializer.Meta):
        fields = [
            *HelpRequestCardSerializer.Meta.fields,
            "description",
            "description_html",
            "deliverable",
            "in_scope",
            "out_of_scope",
            "sectors",
            "city_regions",
            "languages",
            "language_required",
            "knowledge_stage",
            "sensitive",
            "awaits_review",
            "contact",
            "closed_at",
            "sme_side",
            "missing",
            "may_offer",
            "may_review",
            "may_refer",
            "feedback",
            "referrals",
        ]
        read_only_fields = fields

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_contact(self, request: HelpRequest) -> dict | None:
        if not request.sme_side or request.contact is None:
            return None
        return PersonSerializer(request.contact).data

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string"}, "readOnly": True}
    )
    def get_missing(self, request: HelpRequest) -> dict:
        return {field: str(message) for field, message in self.context["missing"].items()}

    def get_may_offer(self, request: HelpRequest) -> bool:
        return self.context["may_offer"]

    def get_may_review(self, request: HelpRequest) -> bool:
        return self.context["may_review"]

    def get_may_refer(self, request: HelpRequest) -> bool:
        return self.context["may_refer"]

    @extend_schema_field(PublicFeedbackSerializer(many=True))
    def get_feedback(self, request: HelpRequest) -> list:
        return PublicFeedbackSerializer(self.context["feedback"], many=True).data

    @extend_schema_field(RequestReferralSerializer(many=True))
    def get_referrals(self, request: HelpRequest) -> list:
        return RequestReferralSerializer(self.context["referrals"], many=True).data


class ProposedExpertSerializer(serializers.Serializer):
    handle = serializers.CharField(
        read_only=True, help_text="Their public handle: invite them with it."
    )
    display_name = serializers.CharField(source="user.display_name", read_only=True)
    headline = serializers.CharField(read_only=True)


class MatchSerializer(serializers.Serializer):
    """A proposed expert and why, in plain words in the request's language; best first."""

    expert = ProposedExpertSerializer(source="profile", read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    why = serializers.CharField(read_only=True, help_text="The reasons as one sentence.")


class RequestRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    organisation = OrganisationRefSerializer(read_only=True)


class EngagementCardSerializer(ModelSerializer):
    """An invitation, offer or engagement as lists show it."""

    status = EngagementStatus(read_only=True)

    class Meta:
        model = Engagement
        fields = ["id", "origin", "status", "created_at", "expires_at"]
        read_only_fields = fields


class MyEngagementSerializer(EngagementCardSerializer):
    """In the expert's own list: which request it is about."""

    request = RequestRefSerializer(read_only=True)

    class Meta(EngagementCardSerializer.Meta):
        fields = ["id", "request", "origin", "status", "created_at", "expires_at"]
        read_only_fields = fields


class MyEngagementPageSerializer(serializers.Serializer):
    results = MyEngagementSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class RequestEngagementSerializer(EngagementCardSerializer):
    """On a request, for the SME: which expert it is."""

    expert = PersonSerializer(read_only=True)

    class Meta(EngagementCardSerializer.Meta):
        fields = ["id", "expert", "origin", "status", "created_at", "expires_at"]
        read_only_fields = fields


# context: ``private_scores``, whether the caller sees them (staff).
class FeedbackSerializer(ModelSerializer):
    """Feedback as an engagement's page shows it; the private score to staff only."""

    knowledge_stage = ReferenceField(read_only=True, allow_null=True)
    private_score = serializers.SerializerMethodField(
        help_text="From 1 to 5; only staff see it (null for everyone else)."
    )

    class Meta:
        model = Feedback
        fields = [
            "side",
            "rating",
            "comment",
            "outcome",
            "knowledge_stage",
            "hours",
            "private_score",
            "created_at",
        ]
        read_only_fields = fields

    def get_private_score(self, feedback: Feedback) -> int | None:
        return feedback.private_score if self.context.get("private_scores") else None


# context: what the caller may do (``may_answer`` …), the ``conversation``, the ``feedback``
# and ``private_scores``.
class EngagementSerializer(EngagementCardSerializer):
    """An invitation, offer or engagement as its page shows it to the caller."""

    request = RequestRefSerializer(read_only=True)
    expert = PersonSerializer(read_only=True)
    sme_side = serializers.BooleanField(read_only=True)
    may_answer = serializers.SerializerMethodField(help_text="Accept or decline it.")
    may_withdraw = serializers.SerializerMethodField(help_text="Take it back.")
    may_complete = serializers.SerializerMethodField(help_text="Mark it completed.")
    may_give_feedback = serializers.SerializerMethodField()
    conversation = serializers.SerializerMethodField(
        help_text="The id of its private conversation (conversations/{id}/), once accepted, "
        "for those who take part in it."
    )
    feedback = serializers.SerializerMethodField()

    class Meta(EngagementCardSerializer.Meta):
        fields = [
            "id",
            "request",
            "expert",
            "origin",
            "status",
            "message",
            "reason",
            "created_at",
            "expires_at",
            "answered_at",
            "completed_at",
            "sme_side",
            "may_answer",
            "may_withdraw",
            "may_complete",
            "may_give_feedback",
            "conversation",
            "feedback",
        ]
        read_only_fields = fields

    def get_may_answer(self, engagement) -> bool:
        return self.context["may_answer"]

    def get_may_withdraw(self, engagement) -> bool:
        return self.context["may_withdraw"]

    def get_may_complete(self, engagement) -> bool:
        return self.context["may_complete"]

    def get_may_give_feedback(self, engagement) -> bool:
        return self.context["may_give_feedback"]

    @extend_schema_field({"type": "integer", "nullable": True, "readOnly": True})
    def get_conversation(self, engagement) -> int | None:
        conversation = self.context["conversation"]
        return conversation.pk if conversation else None

    @extend_schema_field(FeedbackSerializer(many=True))
    def get_feedback(self, engagement) -> list:
        return FeedbackSerializer(self.context["feedback"], many=True, context=self.context).data


# --- Input ------------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "string",
        "pattern": ORGANISATION_SLUG,
        "maxLength": ORGANISATION_SLUG_MAX_LENGTH,
        "description": "The address (slug) of an SME the caller belongs to.",
    }
)
class SmeField(serializers.SlugRelatedField):
    """One of the caller's SMEs, by its address; any other organisation is no SME of theirs."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def get_queryset(self):
        return selectors.sme_organisations(self.context["request"].user)

    def run_validation(self, data=empty):
        if data == "":  # DRF would take it for null, as core's ReferenceField explains
            self.fail("invalid")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > ORGANISATION_SLUG_MAX_LENGTH:
            self.fail("invalid")
        if not re.fullmatch(ORGANISATION_SLUG, data):
            self.fail("invalid")
        return super().to_internal_value(data)


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, **kwargs)


def _text(max_length: int, **kwargs) -> Text:
    return Text(max_length=max_length, required=False, allow_blank=True, **kwargs)


# context: ``request`` and, for a change, the ``organisation`` the request belongs to.
class HelpRequestInputSerializer(serializers.Serializer):
    """What the guided form asks. Only the fields sent change; lists replace what was there."""

    title = Text(max_length=TITLE_MAX_LENGTH, required=False)
    description = _text(
        DESCRIPTION_MAX_LENGTH,
        trim_whitespace=False,  # leading spaces start a Markdown code block
        help_text="The situation and the question, in Markdown.",
    )
    deliverable = _text(SCOPE_MAX_LENGTH)
    in_scope = _text(SCOPE_MAX_LENGTH)
    out_of_scope = _text(SCOPE_MAX_LENGTH)
    kind = RequestKind(required=False, allow_blank=True)
    size = RequestSize(required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    sectors = ReferenceField(many=True, queryset=Sector.objects.all(), required=False)
    city_regions = ReferenceField(many=True, queryset=CityRegion.objects.all(), required=False)
    languages = ReferenceField("code", many=True, queryset=Language.objects.all(), required=False)
    language_required = StrictBooleanField(
        required=False, help_text="Only experts who speak one of the working languages."
    )
    knowledge_stage = ReferenceField(
        queryset=KnowledgeStage.objects.all(), required=False, allow_null=True
    )
    contact = handle_field(
        required=False,
        allow_null=True,
        help_text="The handle of the SME's member the expert works with.",
    )
    audience = _choice(HelpRequest.Audience.choices)
    sensitive = StrictBooleanField(
        required=False,
        help_text="Touches a sensitive technology area: staff review it before matching.",
    )

    def validate(self, attrs):
        if attrs.get("contact"):
            organisation = attrs.get("organisation") or self.context["organisation"]
            attrs["contact"] = self._member_of(organisation, attrs["contact"])
        return attrs

    @staticmethod
    def _member_of(organisation, handle: str):
        member = User.objects.filter(
            profile__handle=handle, memberships__organisation=organisation
        ).first()
        if member is None:
            raise serializers.ValidationError(
                {"contact": _("The point of contact is one of the SME's members.")},
                code="invalid",
            )
        return member


class NewHelpRequestSerializer(HelpRequestInputSerializer):
    organisation = SmeField()
    title = Text(max_length=TITLE_MAX_LENGTH)
    first_expert = handle_field(
        required=False,
        help_text="The handle of an expert to invite as soon as the request takes experts.",
    )


class MessageSerializer(serializers.Serializer):
    message = Text(
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="A word for the other side.",
    )


class InviteExpertSerializer(MessageSerializer):
    expert = handle_field(help_text="The handle of the expert to invite.")


class ReasonSerializer(serializers.Serializer):
    reason = Text(
        max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, help_text="Why (optional)."
    )


class GiveFeedbackSerializer(serializers.Serializer):
    rating = StrictIntegerField(
        min_value=1, max_value=5, help_text="From 1 to 5; shown to members with the comment."
    )
    private_score = StrictIntegerField(
        min_value=1,
        max_value=5,
        help_text="From 1 to 5; only staff see it, and it helps propose the right experts.",
    )
    comment = _text(FEEDBACK_TEXT_MAX_LENGTH)
    outcome = _text(FEEDBACK_TEXT_MAX_LENGTH, help_text="What came of it.")
    knowledge_stage = ReferenceField(
        queryset=KnowledgeStage.objects.all(),
        required=False,
        allow_null=True,
        help_text="The knowledge stage reached.",
    )
    hours = StrictIntegerField(
        min_value=0, max_value=500, required=False, allow_null=True, help_text="Hours given."
    )


class ReferralSerializer(ModelSerializer):
    """A referral in the facilitator's ledger, with how it ended (``outcome``) and its label."""

    request = RequestRefSerializer(read_only=True)
    referred_by = PersonSerializer(read_only=True, allow_null=True)
    member = PersonSerializer(read_only=True, allow_null=True)
    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    outcome = ReferralOutcome(read_only=True)
    outcome_label = serializers.CharField(read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "request",
            "referred_by",
            "member",
            "organisation",
            "note",
            "created_at",
            "outcome",
            "outcome_label",
        ]
        read_only_fields = fields


class ReferralPageSerializer(serializers.Serializer):
    results = ReferralSerializer(many=True, help_text="Newest first.")
    next = serializers.URLField(allow_null=True, help_text="Older ones; null on the last page.")


class ReferSerializer(serializers.Serializer):
    """Whom to refer the request to: a member (``member``, their handle) or an organisation
    (``organisation``, its slug), one of the two."""

    member = handle_field(required=False, help_text="The handle of the member referred to.")
    organisation = serializers.RegexField(
        ORGANISATION_SLUG,
        max_length=ORGANISATION_SLUG_MAX_LENGTH,
        required=False,
        help_text="The slug of the organisation referred to.",
    )
    note = _text(NOTE_MAX_LENGTH, help_text="Why they could help: the SME and they read it.")

    def validate(self, data):
        if ("member" in data) == ("organisation" in data):
            raise serializers.ValidationError(
                _("Name a member or an organisation, one of the two."), code="one_target"
            )
        return data


class FollowUpSerializer(ModelSerializer):
    engagement = serializers.IntegerField(source="engagement_id", read_only=True)
    request = RequestRefSerializer(source="engagement.request", read_only=True)
    use = FollowUpUse(read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "engagement",
            "request",
            "after_days",
            "asked_at",
            "answered_at",
            "use",
            "story",
        ]
        read_only_fields = fields


class AnswerFollowUpSerializer(serializers.Serializer):
    use = serializers.ChoiceField(
        choices=FollowUp.Use.choices, help_text="What the SME did with the help."
    )
    story = _text(STORY_MAX_LENGTH, help_text="What changed.")


class CursorQuerySerializer(serializers.Serializer):
    cursor = cursor_filter()
