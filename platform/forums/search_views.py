"""The forum search page: a query, filters, ranked posts with highlighted snippets, "More results"
by cursor. Bad filters are form errors (400) that keep what was typed."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from forums import presenters
from forums.access import readable_categories
from forums.forms import SearchForm
from forums.search import query_terms, search_posts

PAGE_SIZE = 20
FILTERS = ("category", "tag", "sector", "author", "since", "until")


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    categories = list(readable_categories(request.user))
    form = SearchForm(request.GET or None, categories=categories)
    page, results, no_words = None, None, False
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
            results = presenters.search_results(page.items)
    context = {
        "form": form,
        "filters": FILTERS,
        "filters_open": bool(form.errors) or any(form[name].value() for name in FILTERS),
        "results": results,
        "no_words": no_words,
        "more": _more(request, page),
    }
    return render(
        request,
        "forums/search.jinja",
        context,
        status=400 if form.errors else 200,
        using="jinja2",
    )


def _more(request: HttpRequest, page) -> str:
    """The address of the next page of results: the same search from the page's cursor."""
    if page is None or not page.next_cursor:
        return ""
    params = [(key, value) for key, value in request.GET.items() if key != "cursor" and value]
    return "?" + urlencode([*params, ("cursor", page.next_cursor)])
