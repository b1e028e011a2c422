"""The forum search page: a query, filters, ranked posts with highlighted snippets, "More results"
by cursor. Bad filters are form errors (400) that keep what was typed."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from forums.access import readable_categories
from forums.forms import SearchForm
from forums.search import query_terms, search_posts

PAGE_SIZE = 20


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    categories = list(readable_categories(request.user))
    form = SearchForm(request.GET or None, categories=categories)
    page, no_words = None, False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        no_words = not query_terms(data["q"])
        if not no_words:
            page = search_posts(
                categories=categories,
                query=data["q"],
                category=data["category"],
                tag=data["tag"],
                sector=data["sector"],
                author=data["author"],
                since=data["since"],
                until=data["until"],
                cursor=data["cursor"] or None,
                size=PAGE_SIZE,
            )
    return render(
        request,
        "forums/search.html",
        {
            "form": form,
            "page": page,
            "no_words": no_words,
            "next_query": _next_query(request, page),
        },
        status=400 if form.errors else 200,
    )


def _next_query(request: HttpRequest, page) -> str:
    if page is None or not page.next_cursor:
        return ""
    params = [(key, value) for key, value in request.GET.items() if key != "cursor" and value]
    return urlencode([*params, ("cursor", page.next_cursor)])
