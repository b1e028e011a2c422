"""The forum search page: a query, filters, ranked posts with highlighted snippets, "More results"
by cursor. Bad filters are form errors (400) that keep what was typed."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from forums.access import readable_categories
from forums.models import Tag
from forums.search import query_terms, search_posts
from members import reference
from members.models import Profile, Sector

PAGE_SIZE = 20
EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    tag = forms.CharField(label=_("Tag"), max_length=40, required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    author = forms.CharField(
        label=_("Author"), max_length=40, required=False, help_text=_("Their handle, e.g. li-wei")
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)
    cursor = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]
        self.fields["sector"].choices = [("", _("All sectors")), *reference.key_choices(Sector)()]

    def clean_category(self):
        slug = self.cleaned_data["category"]
        return self.categories[slug] if slug else None

    def clean_tag(self):
        name = self.cleaned_data["tag"].strip().lstrip("#").lower()
        if not name:
            return None
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            raise forms.ValidationError(_("No thread has this tag."))
        return tag

    def clean_sector(self):
        slug = self.cleaned_data["sector"]
        return reference.pks(Sector, [slug])[0] if slug else None

    def clean_author(self):
        handle = self.cleaned_data["author"].strip().lstrip("@")
        if not handle:
            return None
        author = Profile.objects.filter(handle__iexact=handle).values_list("user_id", flat=True)
        if not author:
            raise forms.ValidationError(_("No member has this handle."))
        return author[0]

    def _in_range(self, name: str):
        day = self.cleaned_data[name]
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(_("Enter a date between 2000 and 2999."))
        return day

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date comes before the start date."))
        return cleaned


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
