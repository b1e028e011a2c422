"""API plumbing every app shares: reading the query string, path ids, pages of a list, service
errors as field-level 400s, and stating in the schema the errors a view gives."""

from collections import defaultdict
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from drf_standardized_errors.openapi_utils import (
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from drf_standardized_errors.settings import package_settings
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.serializers import ListField, as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param


def read_query(serializer_class, params) -> dict:
    """Validate a query string (a QueryDict) as plain values, not with DRF's HTML-form leniency
    (which would quietly drop an empty boolean): lists for list fields, the last value for the
    others. Raises DRF's ValidationError, naming each field that is wrong."""
    data = {
        name: params.getlist(name) if isinstance(field, ListField) else params[name]
        for name, field in serializer_class().fields.items()
        if name in params
    }
    query = serializer_class(data=data)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def page_data(request, results, position, *, parameter: str = "cursor") -> dict:
    """A page of a list as the API answers it: ``results`` and ``next``, this request's address
    with ``parameter`` set to ``position`` (the next page's cursor), null on the last page."""
    next_url = None
    if position is not None:
        next_url = replace_query_param(request.build_absolute_uri(), parameter, position)
    return {"results": results, "next": next_url}


@contextmanager
def service_errors(*, code: str | None = None):
    """Turn a service's ValidationError into a 400 naming the field (``attr``) it concerns."""
    try:
        yield
    except DjangoValidationError as error:
        detail = as_serializer_error(error)
        raise ValidationError(
            {
                _field_name(name): [
                    ErrorDetail(str(message), code=code or message.code) for message in messages
                ]
                for name, messages in detail.items()
            }
        ) from error


def _field_name(name: str) -> str:
    return api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name


MAX_ID = 2**63 - 1


def path_id(value: str) -> int:
    """An id from the path, routed as text so that a malformed one gets the API's JSON 404
    rather than Django's HTML one."""
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
        raise Http404
    return int(value)


def id_parameter(name: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH
    )


def path_text(value: str) -> str:
    """A slug or handle from the path; NUL would make PostgreSQL refuse the query itself."""
    if "\x00" in value:
        raise Http404
    return value


def documents_errors_of(serializer_class, *, methods: list[str]):
    """State in the schema the validation errors a serializer gives: drf-standardized-errors only
    finds those of request bodies (and of django-filter) by itself, and names a list's item errors
    ``sector.INDEX`` where FlatListField reports them on ``sector``."""
    separator = package_settings.NESTED_FIELD_SEPARATOR
    index = f"{separator}{package_settings.LIST_INDEX_IN_API_SCHEMA}"
    codes = defaultdict(set)
    for field in get_serializer_fields_with_error_codes(
        get_flat_serializer_fields(serializer_class())
    ):
        codes[field.name.removesuffix(index)] |= field.error_codes

    def decorate(view):
        for name, error_codes in codes.items():
            view = extend_validation_errors(sorted(error_codes), field_name=name, methods=methods)(
                view
            )
        return view

    return decorate
