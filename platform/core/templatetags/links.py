"""``{% link "home" %}``: ``{% url "home" %}`` for a view that takes no argument, reversed once per
process. Every page's header and footer name a dozen such views, and ``reverse`` walks the
URLconf each time (about 20 µs)."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def link(viewname: str) -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(viewname, get_script_prefix(), urlconf)


@lru_cache(maxsize=256)
def _reversed(viewname: str, script_prefix: str, urlconf: str) -> str:
    return reverse(viewname, urlconf=urlconf)
