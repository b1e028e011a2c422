"""``{{ profile.sectors.all|join_list }}``: items joined as the active language joins them;
``{% list_separator %}`` between items a loop writes itself (links, for instance)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.lists import join_list as join_items
from core.lists import list_separator as separator

register = template.Library()


@register.filter(is_safe=True)
def join_list(items) -> str:
    return mark_safe(join_items(conditional_escape(item) for item in items))  # noqa: S308 - escaped


@register.simple_tag
def list_separator() -> str:
    return separator()
