"""The site's chrome (header, menus, footer) is written once, as Jinja2 parts: Django pages and
Jinja2 pages draw the same header and footer, in the visitor's language."""

import re

import pytest

WORDS = {"en": "Log in", "fr": "Se connecter", "zh-hans": "登录"}
LANGUAGE_MENU = {"en": "English", "fr": "français", "zh-hans": "简体中文"}


def chrome(html: str) -> tuple[str, str]:
    header = re.search(r'<a class="skip-link".*?</header>', html, re.S)[0]
    footer = re.search(r"<footer.*?</footer>", html, re.S)[0]
    csrf = r'name="csrfmiddlewaretoken" value="[^"]+"'
    return header, re.sub(csrf, "", footer)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/forums/latest/"])  # a Django page, a Jinja2 page
def test_the_chrome_speaks_the_visitor_s_language_turn_by_turn(client, path):
    for language in ("fr", "en", "zh-hans", "fr"):  # remembered translations follow each turn
        html = client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert f'<html lang="{language}">' in html
        assert f">{WORDS[language]}</a>" in html
        selected = re.search(r'<option value="([^"]+)"[^>]*selected', html)[1]
        assert selected == language
        assert all(name in html for name in LANGUAGE_MENU.values())


@pytest.mark.django_db
def test_django_and_jinja2_pages_draw_the_same_chrome(client, member):
    for visitor in ("anonymous", "member"):
        if visitor == "member":
            client.force_login(member)
        django_page = client.get("/directory/?page=2").content.decode()
        jinja_page = client.get("/forums/latest/?order=top").content.decode()
        header, footer = chrome(django_page)
        same_footer = footer.replace("/directory/?page=2", "/forums/latest/?order=top")
        assert chrome(jinja_page) == (header, same_footer)
        assert ("member-menu" in header) is (visitor == "member")
        assert 'name="next" type="hidden" value="/directory/?page=2"' in footer
