from django.db import models
from rest_framework import pagination, serializers


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: page 1,000 of a list costs what page 1 costs."""

    ordering = "-pk"
    page_size_query_param = "page_size"
    max_page_size = 100


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of quietly turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(StrictCharField, serializers.EmailField):
    pass


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
    }
