"""The reports API's query and answer shapes. Figures are generic tables (their columns say what
each value is: a count, a percentage, a duration in seconds …), the same as the dashboard shows
and its CSV exports hold."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.periods import EARLIEST, LATEST, Period, check
from reports.selectors import sector_by_key

KINDS = ["text", "count", "number", "percent", "seconds", "rating", "hours", "money", "date"]


class ReportQuerySerializer(serializers.Serializer):
    """``from`` and ``to``: ISO dates, both included (the last 90 days when left out);
    ``sector``: the knowledge network's sector, by key (all when left out)."""

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False,
            help_text=f"First day of the range ({EARLIEST} to {LATEST}); 90 days before `to` "
            "when left out.",
        )
        fields["to"] = serializers.DateField(
            required=False, help_text="Last day of the range, included; today when left out."
        )
        fields["sector"] = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=50,
            help_text="The knowledge network's sector, by key (e.g. `ict-software`); all "
            "sectors when left out.",
        )
        return fields

    def validate_sector(self, value: str):
        if value and sector_by_key(value) is None:
            raise serializers.ValidationError("No sector has this key.", code="invalid")
        return value

    def validate(self, attrs):
        default = Period.default()
        start, end = attrs.get("from") or None, attrs.get("to") or None
        if start is None and end is not None:
            start = end - (default.end - default.start)
        try:
            attrs["period"] = check(start or default.start, end or default.end)
        except DjangoValidationError as error:
            raise serializers.ValidationError(
                {
                    name: [serializers.ErrorDetail(m.message, code=m.code) for m in messages]
                    for name, messages in error.error_dict.items()
                }
            ) from error
        attrs["sector"] = sector_by_key(attrs.get("sector") or "")
        return attrs


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="In the language of the request.")
    kind = serializers.ChoiceField(
        choices=KINDS,
        help_text="What the column's values are: `seconds` for durations, `percent` from 0 to "
        "100, `money` in Canadian dollars; in a table of single figures (columns `measure` and "
        "`value`) each row's `kind` says it.",
    )


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [{"type": "string"}, {"type": "number"}],
            "nullable": True,
        },
        "description": "Column key → value, and `key`, the row's stable key.",
    }
)
class RowField(serializers.DictField):
    pass


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(child=RowField())


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    tables = TableSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start", help_text="First day of the range.")
    end = serializers.DateField(source="period.end", help_text="Last day of the range.")
    sector = serializers.CharField(
        source="sector.slug",
        read_only=True,
        allow_null=True,
        help_text="The knowledge network's sector, by key; null for all sectors.",
    )
    sections = SectionSerializer(many=True)
