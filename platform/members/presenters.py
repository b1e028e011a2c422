"""One presenter per directory, shared by its page and its API: the query string is read the same
way (a bad filter is an error on that filter, never silently dropped), and the results, counts,
facets, the cursor of the next page and the suggestions for an empty page are the same."""

from dataclasses import dataclass, field

from django.http import HttpRequest, QueryDict
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from core.api import read_query
from members import directory, serializers


@dataclass(frozen=True)
class Loosening:
    """A filter of an empty search, and how many results there would be without it."""

    name: str
    value: str
    count: int
    query: str


@dataclass
class DirectorySearch:
    request: HttpRequest
    filters: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    results: directory.Results | None = None
    loosenings: list[Loosening] = field(default_factory=list)

    @property
    def next_query(self) -> str | None:
        """The query string of the next page: these filters and the cursor."""
        if self.results is None or not self.results.page.next_cursor:
            return None
        query = self.request.GET.copy()
        query["cursor"] = self.results.page.next_cursor
        return query.urlencode()

    def for_api(self) -> dict:
        """The API's {results, next, facets, count} envelope; a 400 naming each bad filter."""
        if self.errors:
            raise ValidationError(self.errors)
        next_url = None
        if self.next_query:
            url = self.request.build_absolute_uri()
            next_url = replace_query_param(url, "cursor", self.results.page.next_cursor)
        return {
            "results": self.results.page.items,
            "next": next_url,
            "count": self.results.total,
            "approximate": self.results.approximate,
            "facets": {
                name: [
                    {"value": value, "count": count}
                    for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                ]
                if isinstance(counts, dict)
                else counts
                for name, counts in self.results.facets.items()
            },
        }


def member_search(request: HttpRequest) -> DirectorySearch:
    return _search(
        request,
        serializers.MemberQuerySerializer,
        lambda filters, cursor: directory.find_members(request.user, filters, cursor=cursor),
        lambda filters: directory.count_members(request.user, filters),
    )


def organisation_search(request: HttpRequest) -> DirectorySearch:
    return _search(
        request,
        serializers.OrganisationQuerySerializer,
        lambda filters, cursor: directory.find_organisations(filters, cursor=cursor),
        directory.count_organisations,
    )


def _search(request, query_serializer, find, count) -> DirectorySearch:
    search = DirectorySearch(request)
    try:
        search.filters = read_query(query_serializer, request.GET)
    except ValidationError as error:
        search.errors = error.detail
        return search
    cursor = search.filters.pop("cursor", "")
    search.results = find(search.filters, cursor)
    if not search.results.page.items and not cursor:
        search.loosenings = _loosenings(request.GET, search.filters, count)
    return search


def _loosenings(params: QueryDict, filters: dict, count) -> list[Loosening]:
    """For an empty page: each filter in use, with the number of results the same search would
    give without it, so a visitor sees what to let go of."""
    loosenings = []
    for name, value in filters.items():
        if name == "sort" or value in ("", None, False, []):
            continue
        values = value if isinstance(value, list) else [value]
        for one in values:
            rest = {**filters, name: [v for v in values if v != one] if len(values) > 1 else None}
            query = params.copy()
            query.pop("cursor", None)
            query.setlist(name, [str(v) for v in values if v != one] if len(values) > 1 else [])
            loosenings.append(Loosening(name, str(one), count(rest), query.urlencode()))
    return loosenings
