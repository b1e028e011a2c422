"""Reference data as form choices, cached per language, so pages list them without a query.

A request reads each table from the cache once, then from its own memory: a directory search looks
reference data up a dozen times (its filters, facets, form and cards), and each look in Redis cost
a round trip and an unpickling. Outside requests (tasks, commands) every look asks the cache.
"""

import functools
import re
import threading
import unicodedata

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import get_language

from core.chinese import simplified
from members.models import CityRegion, Country, EngagementType, KnowledgeStage, Language, Sector

CACHE_SECONDS = 600
KEY_FIELDS = {
    Sector: "slug",
    CityRegion: "slug",
    Country: "code",
    Language: "code",
    EngagementType: "slug",
    KnowledgeStage: "slug",
}


def _cache_key(model, language: str) -> str:
    return f"reference:2:{model._meta.label_lower}:{language}"  # 2: rows with their time zone


_this_request = threading.local()  # .rows: cache key → rows, while a request is answered


def _remember_during_requests(**kwargs) -> None:
    _this_request.rows = {}


def _forget_after_requests(**kwargs) -> None:
    _this_request.rows = None


request_started.connect(_remember_during_requests, dispatch_uid="reference-request-started")
request_finished.connect(_forget_after_requests, dispatch_uid="reference-request-finished")


def rows(model) -> list[dict]:
    """Every row of ``model`` as {pk, key, name, country, time_zone}: sorted by name in the
    active language, except for data with an order of its own (engagement types, knowledge
    stages)."""
    cache_key = _cache_key(model, get_language() or settings.LANGUAGE_CODE)
    remembered = getattr(_this_request, "rows", None)
    if remembered is None:
        return _cached_rows(model, cache_key)
    if cache_key not in remembered:
        remembered[cache_key] = _cached_rows(model, cache_key)
    return remembered[cache_key]


def _cached_rows(model, cache_key: str) -> list[dict]:
    cached = cache.get(cache_key)
    if cached is None:
        cached = [
            {
                "pk": item.pk,
                "key": getattr(item, KEY_FIELDS[model]),
                "name": item.name,
                "country": getattr(item, "country_id", None),
                "time_zone": getattr(item, "time_zone", ""),
            }
            for item in model.objects.all()
        ]
        if model._meta.ordering == ["name_en"]:
            cached.sort(key=lambda row: row["name"].casefold())
        cache.set(cache_key, cached, CACHE_SECONDS)
    return cached


def city_region_names_in(text: str) -> list[str]:
    """Every name (in the three languages) of the city-regions ``text`` names in any of them:
    whole words for Latin names, accents and case aside; anywhere for Chinese ones."""
    names = _city_region_names()
    if not names:  # no city-regions at all: an empty pattern would match everywhere
        return []
    found = set()
    for match in _name_pattern(tuple(sorted(names))).finditer(fold(text)):
        found.add(match.group())
    return [name for spelling in sorted(found) for name in names[spelling]]


def fold(text: str) -> str:
    """Casefolded, without accents, Chinese in Simplified characters: 廣州 names 广州."""
    decomposed = unicodedata.normalize("NFKD", simplified(text.casefold()))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _city_region_names() -> dict[str, tuple[str, ...]]:
    """Each city-region's names, folded, to all its names as written (cached like rows())."""
    cache_key = "reference:city-region-names"
    names = cache.get(cache_key)
    if names is None:
        names = {}
        for region in CityRegion.objects.all():
            written = (region.name_en, region.name_fr, region.name_zh_hans)
            for name in written:
                if len(fold(name)) >= 2:
                    names[fold(name)] = written
        cache.set(cache_key, names, CACHE_SECONDS)
    return names


@functools.lru_cache(maxsize=4)
def _name_pattern(spellings: tuple[str, ...]) -> re.Pattern:
    """Chinese names anywhere, others as whole words; the longest name first where they overlap."""
    longest_first = sorted(spellings, key=len, reverse=True)
    chinese = [re.escape(name) for name in longest_first if _is_chinese(name)]
    latin = [re.escape(name) for name in longest_first if not _is_chinese(name)]
    return re.compile("|".join([rf"(?<!\w)(?:{'|'.join(latin)})(?!\w)", *chinese]))


def _is_chinese(name: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in name)


def pks(model, keys) -> list[int]:
    """The primary keys of the rows with these slugs or codes (unknown ones are left out)."""
    wanted = set(keys)
    return [row["pk"] for row in rows(model) if row["key"] in wanted]


def keys_by_pk(model) -> dict[int, str]:
    return {row["pk"]: row["key"] for row in rows(model)}


def key_choices(model):
    """Choices keyed by slug or code, for filters in URLs; a callable, so it is read per form."""
    return lambda: [(row["key"], row["name"]) for row in rows(model)]


class CachedChoicesMixin:
    """A model choice field that renders its choices from the cache; validation still queries.

    ``country`` keeps the city-regions of one country, ``outside_country`` those of all others.
    """

    def __init__(self, queryset, *, country: str = "", outside_country: str = "", **kwargs):
        self.country, self.outside_country = country, outside_country
        super().__init__(queryset, **kwargs)

    def _get_choices(self):
        return CachedChoiceIterator(self)

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def choice_list(self) -> list[tuple]:
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        return empty + [
            (row["pk"], row["name"]) for row in rows(self.queryset.model) if self._wanted(row)
        ]

    def _wanted(self, row: dict) -> bool:
        if self.country:
            return row["country"] == country_pk(self.country)
        if self.outside_country:
            return row["country"] != country_pk(self.outside_country)
        return True


class CachedChoiceIterator(BaseChoiceIterator):
    """Read when the form is rendered, not when the field is made (e.g. at import time)."""

    def __init__(self, field):
        self.field = field

    def __iter__(self):
        yield from self.field.choice_list()


def country_pk(code: str):
    return next((row["pk"] for row in rows(Country) if row["key"] == code), None)


class ReferenceChoiceField(CachedChoicesMixin, forms.ModelChoiceField):
    pass


class ReferenceMultipleChoiceField(CachedChoicesMixin, forms.ModelMultipleChoiceField):
    pass


def cache_choices(form, name: str, **filters) -> None:
    """Swap a model form's generated choice field for one that reads the cache."""
    old = form.fields[name]
    multiple = isinstance(old, forms.ModelMultipleChoiceField)
    field_class = ReferenceMultipleChoiceField if multiple else ReferenceChoiceField
    extra = {} if multiple else {"empty_label": old.empty_label}
    form.fields[name] = field_class(
        old.queryset,
        required=old.required,
        label=old.label,
        help_text=old.help_text,
        widget=old.widget,
        **extra,
        **filters,
    )


def forget(sender, **kwargs):
    keys = [_cache_key(sender, code) for code, _name in settings.LANGUAGES]
    cache.delete_many(keys)
    remembered = getattr(_this_request, "rows", None) or {}
    for key in keys:
        remembered.pop(key, None)
    if sender is CityRegion:
        cache.delete("reference:city-region-names")


for _model in KEY_FIELDS:
    post_save.connect(forget, sender=_model, dispatch_uid=f"reference-{_model.__name__}-save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"reference-{_model.__name__}-delete")
