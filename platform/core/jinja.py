"""Jinja2, for the hot paths: the forum pages people read most, the rows and posts they list, the
member and organisation directories, and the site's chrome, which every page draws.

Why: Django's template engine spends a few microseconds on every variable it prints (a lookup that
tries a dictionary, then an attribute, then localises and escapes) and more on every tag: the 30
rows of a thread list took 1.6 ms, the header, menus and footer of every page about 1 ms. Jinja2
compiles a template to Python: the same rows take 0.25 ms, the chrome 0.4 ms with its CSRF field.

- Hot pages extend ``core/layout.jinja`` and are rendered with ``using="jinja2"``; the others stay
  Django templates extending ``base.html``.
- The chrome (``core/_head.jinja``, ``core/_header.jinja``, ``core/_footer.jinja``) and the pieces
  both kinds of page show are Jinja2 parts, written once: ``layout.jinja`` includes them and Django
  pages place them with ``{% part %}`` (``core.templatetags.parts``).
- Text is translated with ``_("…")`` only, which ``makemessages`` reads in ``.jinja`` files as it
  does in Django templates; counts and other composed text come translated from the presenters.
  ``makemessages`` finds ``_("…")`` only at the start of a ``{{ … }}`` or anywhere in a
  ``{% … %}``: text given to a macro is first ``{% set %}`` (``members/directory.jinja``).
  Each message is translated once per language and process (``translations``): Django's
  ``gettext`` costs 5–8 µs a call and a page asks for some thirty. A changed catalog is read
  when the process starts again, as in production.
- Templates see ``request``, ``csrf_input``, what the context processors of the ``jinja2`` engine
  add (the remembered translations, the header's bell), and the globals below. ``csrf_input`` is
  masked once per render (``csrf``): the backend's own masks the token again at every form, 64
  random draws each, and a member's thread page has forty forms.
"""

from functools import cache, lru_cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, gettext, ngettext
from django_htmx.jinja import htmx_script
from jinja2 import Environment, StrictUndefined

from core.links import link
from core.lists import join_list
from core.staff_tools import tools_for


def environment(**options) -> Environment:
    # A misspelt name fails (in the tests first) instead of printing nothing.
    options["undefined"] = StrictUndefined
    env = Environment(autoescape=options.pop("autoescape", True), **options)
    # Old-style: ``_("…")`` is gettext itself, without the new style's formatting and escaping
    # wrapper around every call.
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.filters["join_list"] = join_list
    env.globals.update(
        get_language=get_language,
        get_messages=get_messages,
        htmx_script=_htmx_script,
        languages=languages,
        link=link,
        staff_tools=tools_for,
        static=_static,
        url=url,
    )
    return env


def translations(request) -> dict:
    """The ``jinja2`` engine's context processor: ``_("…")`` in the active language, remembered."""
    return {"gettext": _remembered(get_language()).__getitem__}


def csrf(request) -> dict:
    """The ``jinja2`` engine's context processor: the CSRF field, made once per render."""
    return {"csrf_input": _CsrfInput(request)}


class _CsrfInput:
    """The hidden CSRF field, made when a template first prints it, then printed as made."""

    __slots__ = ("_html", "_request")

    def __init__(self, request):
        self._request, self._html = request, None

    def __html__(self) -> str:
        if self._html is None:
            self._html = csrf_input(self._request)
        return self._html

    __str__ = __html__


class _Remembered(dict):
    def __missing__(self, message: str) -> str:
        self[message] = translated = gettext(message)
        return translated


@cache
def _remembered(language: str | None) -> _Remembered:
    return _Remembered()


def fragment(template_name: str, context: dict, request=None) -> SafeString:
    """A Jinja2 template rendered for a Django page (Jinja2 escapes what it prints)."""
    html = render_to_string(template_name, context, request, using="jinja2")
    return mark_safe(html)  # noqa: S308 - autoescaped by Jinja2


def url(viewname: str, *args) -> str:
    """``{% url viewname arg… %}``."""
    return reverse(viewname, args=args)


def languages() -> list[tuple[str, str]]:
    """The interface languages as (code, name in that language), for the language menu."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


@lru_cache(maxsize=1)
def _htmx_script() -> str:
    return htmx_script()


@lru_cache(maxsize=256)
def _static(path: str) -> str:
    # The storage's addresses (hashed names from its manifest) hold for the life of the process.
    return static(path)
