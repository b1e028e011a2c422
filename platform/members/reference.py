"""Reference data as form choices, cached per language: pages list them without a query."""

from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

from members.models import CityRegion, Country, EngagementType, Language, Sector

CACHE_SECONDS = 600
KEYS = {
    Sector: "slug",
    CityRegion: "slug",
    Country: "code",
    Language: "code",
    EngagementType: "slug",
}


def _cache_key(model, language: str) -> str:
    return f"reference:{model._meta.label_lower}:{language}"


def choices(model) -> list[tuple[str, str]]:
    key = _cache_key(model, get_language() or settings.LANGUAGE_CODE)
    cached = cache.get(key)
    if cached is None:
        field = KEYS[model]
        cached = sorted(
            ((getattr(item, field), item.name) for item in model.objects.all()),
            key=lambda choice: choice[1].casefold(),
        )
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def lazy_choices(model):
    return partial(choices, model)


def forget(sender, **kwargs):
    cache.delete_many([_cache_key(sender, code) for code, _name in settings.LANGUAGES])


for _model in KEYS:
    post_save.connect(forget, sender=_model, dispatch_uid=f"reference-{_model.__name__}-save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"reference-{_model.__name__}-delete")
