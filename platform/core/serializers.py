"""Serializer fields every app's API shares: strict text, lists, reference data and query filters.

Each field states in the OpenAPI schema the rules it enforces, so that fuzzing from the schema and
validation agree."""

import re

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import models
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.fields import empty

SLUG = r"^[-a-zA-Z0-9_]+$"
COUNTRY_CODE = r"^[A-Za-z]{2}$"
SLUG_MAX_LENGTH = 50

# NUL cannot be stored by PostgreSQL and DRF refuses it anyway; written as a pattern so that the
# schema says so too (DRF's own ProhibitNullCharactersValidator is invisible in the schema).
# Error messages reuse translated ones; help texts document the API for developers, in English.
no_nul = RegexValidator(
    r"^[^\x00]+$", ProhibitNullCharactersValidator.message, code="null_characters_not_allowed"
)


class StrictCharField(serializers.CharField):
    """A text field that refuses numbers and booleans instead of quietly turning them into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(StrictCharField, serializers.EmailField):
    pass


class Text(StrictCharField):
    """Text without NUL characters, no longer than its limit as sent (before surrounding spaces
    are trimmed), and a schema that states both."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ] + [no_nul]

    def run_validation(self, data=empty):
        if isinstance(data, str) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().run_validation(data)


class ModelSerializer(serializers.ModelSerializer):
    """Model fields as strict text: for output, and for input without a stated pattern."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
    }


class InputModelSerializer(ModelSerializer):
    """Model fields as ``Text``, whose no-NUL rule the request schema states."""

    serializer_field_mapping = {
        **ModelSerializer.serializer_field_mapping,
        models.CharField: Text,
        models.TextField: Text,
    }


class FlatListField(serializers.ListField):
    """A list whose items' errors are reported on the list itself (``attr: "sector"``), as the
    schema of drf-standardized-errors names them, rather than per index (``"sector.0"``)."""

    def run_child_validation(self, data):
        result, errors = [], []
        for item in data:
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as error:
                errors.extend(detail for detail in error.detail if detail not in errors)
        if errors:
            raise serializers.ValidationError(errors)
        return result


class ReferenceField(serializers.SlugRelatedField):
    """Reference data (a sector, a city-region …): written as its key (slug or code), read as
    ``{key, name}`` with the name in the request's language."""

    def __init__(self, slug_field: str = "slug", *, pattern: str = SLUG, **kwargs):
        self.pattern = pattern
        super().__init__(slug_field=slug_field, **kwargs)

    def run_validation(self, data=empty):
        if data == "":  # DRF would take it for null, which the schema does not say
            self.fail("invalid")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, str) or len(data) > SLUG_MAX_LENGTH:
            self.fail("invalid")
        if not re.fullmatch(self.pattern, data):
            self.fail("invalid")
        if self.pattern == COUNTRY_CODE:
            data = data.upper()
        return super().to_internal_value(data)

    def to_representation(self, obj):
        return {self.slug_field: getattr(obj, self.slug_field), "name": obj.name}


class ReferenceFieldSchema(OpenApiSerializerFieldExtension):
    target_class = ReferenceField

    def map_serializer_field(self, auto_schema, direction):
        key = self.target.slug_field
        if direction == "request":
            return {"type": "string", "pattern": self.target.pattern, "maxLength": SLUG_MAX_LENGTH}
        return {
            "type": "object",
            "properties": {key: {"type": "string"}, "name": {"type": "string"}},
            "required": [key, "name"],
        }


class ReferenceListField(serializers.ListField):
    """Read-only reference data as a list of ``{key, name}``; unlike a many-related field it can
    be null as a whole."""

    def __init__(self, slug_field: str = "slug", **kwargs):
        super().__init__(child=ReferenceField(slug_field, read_only=True), read_only=True, **kwargs)

    def to_representation(self, items):
        return [self.child.to_representation(item) for item in items.all()]


# --- Query-string filters -------------------------------------------------------------------------


class CountryCode(Text):
    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


def key_filter(pattern: str = SLUG, **kwargs) -> Text:
    """A filter on reference data by key; empty means no filter, as on the pages. Not trimmed:
    Python counts control characters such as U+001D as white space, and a key made of them must
    be refused as the schema's pattern says, not read as no filter at all."""
    field_class = CountryCode if pattern == COUNTRY_CODE else Text
    return field_class(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=SLUG_MAX_LENGTH,
        validators=[RegexValidator(pattern, code="invalid")],
        **kwargs,
    )


def keys_filter(**kwargs) -> FlatListField:
    """Several keys of reference data, repeated in the query string: any of them matches."""
    return FlatListField(child=key_filter(), required=False, max_length=30, **kwargs)


def choice_filter(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, required=False, allow_blank=True, **kwargs)


class QueryBooleanField(serializers.BooleanField):
    """``true`` or ``false`` and nothing else, as the schema says."""

    TRUE_VALUES = frozenset({"true", True})
    FALSE_VALUES = frozenset({"false", False})
    NULL_VALUES = frozenset()


def query_text(max_length: int = 200, **kwargs) -> Text:
    return Text(required=False, allow_blank=True, max_length=max_length, **kwargs)


def cursor_filter() -> Text:
    return query_text(
        max_length=500,
        help_text="The position to continue from, as given in `next`; unreadable ones start over.",
    )
