from django.core.exceptions import ValidationError
from rest_framework import serializers

from core.serializers import InputModelSerializer, ReferenceField, Text
from digests.models import Subscription
from economy.models import Indicator
from members.models import CityRegion, Sector, validate_time_zone


class SubscriptionSerializer(InputModelSerializer):
    """A member's digest subscription. Sectors, city-regions and indicators are written as their
    keys; the sectors and city-regions count only while ``follows_profile`` is false."""

    time_zone = Text(
        max_length=64, help_text="Its IANA name, such as America/Vancouver or Asia/Shanghai."
    )
    sectors = ReferenceField(many=True, queryset=Sector.objects.all(), required=False)
    city_regions = ReferenceField(many=True, queryset=CityRegion.objects.all(), required=False)
    indicators = ReferenceField(many=True, queryset=Indicator.objects.all(), required=False)

    next_due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the next digest is due (UTC)."
    )
    last_sent_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Subscription
        fields = [
            *Subscription.MEMBER_CHOICES,
            "next_due_at",
            "last_sent_at",
        ]

    def validate_time_zone(self, value: str) -> str:
        try:
            validate_time_zone(value)
        except ValidationError as error:  # "invalid", a code the schema states for text
            raise serializers.ValidationError(error.messages, code="invalid") from error
        return value
